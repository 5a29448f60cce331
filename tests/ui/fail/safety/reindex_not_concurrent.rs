migrate_runtime::migration! {
    id: "0002_reindex",
    parent: "0001_create_users",
    change {
        execute("REINDEX INDEX ix_users_email", down: "SELECT 1");
    }
}

fn main() {}
