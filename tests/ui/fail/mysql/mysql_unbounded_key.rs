// A unique constraint on a `text` column: MySQL refuses it without a prefix length.
migrate_runtime::migrations! {
    #![targets = "postgres, mysql"]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_users",
            parent: none,
            change {
                create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id));
                add_unique(uq_users_email, users(email));
            }
        }
    }
}

fn main() {}
