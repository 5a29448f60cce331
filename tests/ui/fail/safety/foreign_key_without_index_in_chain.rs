// The foreign key is added to a table an earlier migration made, and no migration of the chain
// indexes its column.
migrate_runtime::migrations! {
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_users_and_posts",
            parent: none,
            change {
                create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id));
                create_table(posts, { id: bigint identity, user_id: bigint }, primary_key: pk_posts(id));
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_posts_belong_to_users",
            parent: "0001_create_users_and_posts",
            change {
                add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade);
            }
        }
    }
}

fn main() {}
