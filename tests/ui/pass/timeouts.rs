migrate_runtime::migration! {
    id: "20261123_1042_slow_settings",
    parent: none,
    lock_timeout: "2s",
    statement_timeout: "10min",
    change {
        add_column(users, note: text nullable);
    }
}

fn main() {
    assert_eq!(MIGRATION.lock_timeout_ms, Some(2_000));
    assert_eq!(MIGRATION.statement_timeout_ms, Some(600_000));
}
