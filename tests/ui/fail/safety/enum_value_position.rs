migrate_runtime::migration! {
    id: "0002_enum_value_position",
    parent: "0001_create_users",
    upgrade {
        add_enum_value(mood, "ok");
    }
    downgrade {
        irreversible("enum values cannot be removed in PostgreSQL");
    }
}

fn main() {}
