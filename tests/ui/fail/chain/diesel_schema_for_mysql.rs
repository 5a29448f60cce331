// The diesel `schema` module is generated for PostgreSQL and SQLite; MySQL is refused, saying so.
migrate_runtime::migrations! {
    #![schema = "mysql"]
    #![targets = "mysql"]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_users",
            parent: none,
            change {
                create_table(users, { id: bigint identity, email: varchar(320) }, primary_key: pk_users(id));
            }
        }
    }
}

fn main() {}
