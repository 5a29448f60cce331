migrate_runtime::migration! {
    /// jsonb.
    id: "0002_json_column",
    parent: "0001_create_users",
    change {
        add_column(users, settings: jsonb nullable);
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
