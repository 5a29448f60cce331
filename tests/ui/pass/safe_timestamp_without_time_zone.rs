migrate_runtime::migration! {
    /// timestamptz.
    id: "0002_timestamp_without_time_zone",
    parent: "0001_create_users",
    change {
        add_column(users, last_seen: timestamptz nullable);
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
