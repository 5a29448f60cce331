migrate_runtime::migration! {
    /// Nullable first, backfilled, then required; or a constant default.
    id: "0002_add_column_required",
    parent: "0001_create_users",
    upgrade {
        add_column(users, plan: text nullable);
        backfill(users, set: "plan = 'free'", where: "plan IS NULL", batch: 10_000);
        alter_column(users, plan, set_not_null);
        add_column(users, active: boolean default(true));
    }
    downgrade {
        drop_column(users, active: boolean default(true));
        drop_column(users, plan: text);
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
