// PostgreSQL has virtual generated columns only from version 18, and the set names no targets,
// so PostgreSQL is one.
migrate_runtime::migrations! {
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_users",
            parent: none,
            change {
                create_table(users, {
                    id: bigint identity,
                    email: text,
                    email_lower: text generated("lower(email)"),
                }, primary_key: pk_users(id));
            }
        }
    }
}

fn main() {}
