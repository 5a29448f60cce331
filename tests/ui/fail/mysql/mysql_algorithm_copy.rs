// Raw SQL asking MySQL to copy the table.
migrate_runtime::migrations! {
    #![targets = "postgres, mysql"]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_rebuild_users",
            parent: none,
            upgrade {
                #[allow(raw_sql, reason = "an engine rebuild has no typed op")]
                execute("ALTER TABLE users ENGINE = InnoDB, ALGORITHM = COPY", down: "SELECT 1");
            }
            downgrade {
                execute("SELECT 1", down: "ALTER TABLE users ENGINE = InnoDB, ALGORITHM = COPY");
            }
        }
    }
}

fn main() {}
