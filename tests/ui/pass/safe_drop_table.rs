migrate_runtime::migration! {
    /// Dropped with the reason.
    id: "0002_drop_table",
    parent: "0001_create_users",
    change {
        #[allow(drop_table, reason = "sessions moved to Redis in v3; the table is empty")]
        drop_table(sessions, { id: bigint, token: text });
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
