migrate_runtime::migration! {
    /// Where the value goes, said.
    id: "0002_enum_value_position",
    parent: "0001_create_users",
    upgrade {
        add_enum_value(mood, "ok", after: "happy");
    }
    downgrade {
        irreversible("enum values cannot be removed in PostgreSQL");
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
