// The squash is in, but the migrations it replaces were not deleted.
migrate_runtime::migrations! {
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_users",
            parent: none,
            change {
                create_table(users, { id: bigint identity }, primary_key: pk_users(id));
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_add_name",
            parent: "0001_create_users",
            change { add_column(users, name: text nullable); }
        }
    }
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
}

fn main() {}
