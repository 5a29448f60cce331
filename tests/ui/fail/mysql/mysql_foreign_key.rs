// MySQL has no NOT VALID: adding a foreign key to a table with rows copies it.
migrate_runtime::migrations! {
    #![targets = "postgres, mysql"]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_tables",
            parent: none,
            change {
                create_table(users, { id: bigint identity }, primary_key: pk_users(id));
                create_table(posts, { id: bigint identity, user_id: bigint }, primary_key: pk_posts(id));
                create_index(ix_posts_user_id, posts(user_id));
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_link_posts_to_users",
            parent: "0001_create_tables",
            change {
                add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade);
            }
        }
    }
}

fn main() {}
