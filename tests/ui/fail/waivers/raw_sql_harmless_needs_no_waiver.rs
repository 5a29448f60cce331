migrate_runtime::migration! {
    id: "0002_view",
    parent: "0001_create_users",
    change {
        #[allow(raw_sql, reason = "a view has no typed op")]
        execute("CREATE VIEW active_users AS SELECT * FROM users", down: "DROP VIEW active_users");
    }
}

fn main() {}
