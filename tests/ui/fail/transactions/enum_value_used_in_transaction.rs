migrate_runtime::migration! {
    id: "0002_enum_value_used_in_transaction",
    parent: "0001_create_users",
    upgrade {
        add_enum_value(mood, "ok", after: "happy");
        alter_column(users, mood, set_default("ok", from: none));
    }
    downgrade {
        irreversible("enum values cannot be removed in PostgreSQL");
    }
}

fn main() {}
