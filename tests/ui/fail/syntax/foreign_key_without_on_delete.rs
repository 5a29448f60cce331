migrate_runtime::migration! {
    id: "0002_fk",
    parent: "0001_create_users",
    change {
        add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id));
    }
}

fn main() {}
