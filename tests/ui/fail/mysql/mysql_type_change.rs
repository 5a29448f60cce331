// varchar(50) to varchar(100) crosses MySQL's one-byte length prefix: the table is copied.
migrate_runtime::migrations! {
    #![targets = "postgres, mysql"]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_users",
            parent: none,
            change {
                create_table(users, { id: bigint identity, name: varchar(50) }, primary_key: pk_users(id));
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_longer_user_names",
            parent: "0001_create_users",
            upgrade {
                alter_column(users, name, set_type(varchar(100), from: varchar(50)));
            }
            downgrade {
                #[allow(type_change_narrowing, reason = "no name is longer than 50 characters yet")]
                alter_column(users, name, set_type(varchar(50), from: varchar(100)));
            }
        }
    }
}

fn main() {}
