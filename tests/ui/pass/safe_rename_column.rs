migrate_runtime::migration! {
    /// Expand and contract instead of a rename: add, backfill, later drop.
    id: "0002_rename_column",
    parent: "0001_create_users",
    upgrade {
        add_column(users, full_name: text nullable);
        backfill(users, set: "full_name = name", where: "full_name IS NULL AND name IS NOT NULL", batch: 10_000);
    }
    downgrade {
        drop_column(users, full_name: text nullable);
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
