// On MySQL an expression default is evaluated for every existing row: the table is copied.
migrate_runtime::migrations! {
    #![targets = "postgres, mysql"]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_users",
            parent: none,
            change {
                create_table(users, { id: bigint identity, email: varchar(320) }, primary_key: pk_users(id));
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_add_user_created_at",
            parent: "0001_create_users",
            change {
                add_column(users, created_at: timestamptz default(now()));
            }
        }
    }
}

fn main() {}
