// Raw SQL holding a shared lock for the whole statement.
migrate_runtime::migrations! {
    #![targets = "postgres, mysql"]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_optimize_users",
            parent: none,
            upgrade {
                #[allow(raw_sql, reason = "an engine rebuild has no typed op")]
                execute("ALTER TABLE users FORCE, LOCK=SHARED", down: "SELECT 1");
            }
            downgrade {
                execute("SELECT 1", down: "ALTER TABLE users FORCE, LOCK=SHARED");
            }
        }
    }
}

fn main() {}
