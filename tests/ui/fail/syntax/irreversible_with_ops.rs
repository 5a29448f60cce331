migrate_runtime::migration! {
    id: "0002_mood",
    parent: "0001_create_users",
    upgrade {
        add_enum_value(mood, "ok", after: "happy");
    }
    downgrade {
        execute("SELECT 1");
        irreversible("values stay");
    }
}

fn main() {}
