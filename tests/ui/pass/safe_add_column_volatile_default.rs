migrate_runtime::migration! {
    /// Without default, then set_default for new rows; now() is stable, so it is fine.
    id: "0002_add_column_volatile_default",
    parent: "0001_create_users",
    change {
        add_column(users, token: uuid nullable);
        alter_column(users, token, set_default(gen_random_uuid(), from: none));
        add_column(users, seen_at: timestamptz default(now()));
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
