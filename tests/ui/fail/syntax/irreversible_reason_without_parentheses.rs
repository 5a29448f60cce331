migrate_runtime::migration! {
    id: "0002_add_mood",
    parent: "0001_create_users",
    upgrade {
        add_enum_value(mood, "ok", after: "happy");
    }
    downgrade {
        irreversible "enum values cannot be removed in PostgreSQL";
    }
}

fn main() {}
