// Two squashes of overlapping ranges: a database that applied 0002 could count as either.
migrate_runtime::migrations! {
    mod m0003 {
        migrate_runtime::migration! {
            id: "0003_squash",
            parent: none,
            replaces: ["0001_create_users", "0002_add_name"],
            change {
                create_table(users, { id: bigint identity, name: text nullable }, primary_key: pk_users(id));
            }
        }
    }
    mod m0004 {
        migrate_runtime::migration! {
            id: "0004_squash_again",
            parent: none,
            replaces: ["0002_add_name", "0003_add_role"],
            change {
                create_table(accounts, { id: bigint identity }, primary_key: pk_accounts(id));
            }
        }
    }
}

fn main() {}
