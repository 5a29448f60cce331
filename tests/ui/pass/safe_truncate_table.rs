migrate_runtime::migration! {
    /// Delete the rows meant, by name: a data statement needs no waiver.
    id: "0002_expire_sessions",
    parent: "0001_create_users",
    change {
        execute("DELETE FROM sessions WHERE expires_at < now()", down: "SELECT 1");
    }
}

fn main() {
    assert_eq!(MIGRATION.upgrade.len(), 1);
}
