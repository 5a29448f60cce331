migrate_runtime::migration! {
    id: "0002_truncate_sessions",
    parent: "0001_create_users",
    change {
        execute("TRUNCATE sessions CASCADE", down: "SELECT 1");
    }
}

fn main() {}
