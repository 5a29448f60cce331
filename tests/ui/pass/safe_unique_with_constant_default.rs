migrate_runtime::migration! {
    /// Without default, backfilled with distinct values; the unique index comes later.
    id: "0002_unique_with_constant_default",
    parent: "0001_create_users",
    upgrade {
        add_column(users, code: text nullable);
        backfill(users, set: "code = 'u' || id", where: "code IS NULL", batch: 10_000);
    }
    downgrade {
        drop_column(users, code: text nullable);
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
