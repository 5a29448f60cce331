// A typo in `parent:`: the error suggests the closest id.
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
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_add_user_name",
            parent: "0001_create_user",
            change { add_column(users, name: text nullable); }
        }
    }
}

fn main() {}
