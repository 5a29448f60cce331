migrate_runtime::migration! {
    id: "0002_foreign_key_without_index",
    parent: "0001_create_users",
    change {
        create_table(posts, { id: bigint, user_id: bigint }, primary_key: pk_posts(id));
        add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade);
    }
}

fn main() {}
