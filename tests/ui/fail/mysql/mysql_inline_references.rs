// MySQL silently ignores REFERENCES in a column definition.
migrate_runtime::migrations! {
    #![targets = "postgres, mysql"]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_audit",
            parent: none,
            upgrade {
                execute("CREATE TABLE audit (id BIGINT PRIMARY KEY, user_id BIGINT REFERENCES users (id))", down: "DROP TABLE audit");
            }
            downgrade {
                execute("DROP TABLE audit", down: "CREATE TABLE audit (id BIGINT PRIMARY KEY, user_id BIGINT REFERENCES users (id))");
            }
        }
    }
}

fn main() {}
