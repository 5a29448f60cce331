// The drop records `varchar(255)`, but the chain made `email` a `text` column: the downgrade
// would re-create something else.
migrate_runtime::migrations! {
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_users",
            parent: none,
            change {
                create_table(users, { id: bigint identity, email: text nullable }, primary_key: pk_users(id));
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_drop_user_email",
            parent: "0001_create_users",
            change {
                #[allow(drop_column, reason = "emails moved to the accounts service")]
                drop_column(users, email: varchar(255) nullable);
            }
        }
    }
}

fn main() {}
