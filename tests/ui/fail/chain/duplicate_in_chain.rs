// An earlier migration already created an index of that name.
migrate_runtime::migrations! {
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_users",
            parent: none,
            change {
                create_table(users, { id: bigint identity, email: text, name: text }, primary_key: pk_users(id));
                create_index(ix_users_email, users(email));
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_index_user_names",
            parent: "0001_create_users",
            change {
                create_index(ix_users_email, users(name), concurrently);
            }
        }
    }
}

fn main() {}
