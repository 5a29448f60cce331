// Two migrations share an id.
migrate_runtime::migrations! {
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_users",
            parent: none,
            change {
                create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id));
            }
        }
    }
    mod m0001_again {
        migrate_runtime::migration! {
            id: "0001_create_users",
            parent: none,
            change {
                create_table(accounts, { id: bigint identity }, primary_key: pk_accounts(id));
            }
        }
    }
}

fn main() {}
