migrate_runtime::migration! {
    id: "0008_raw_sql",
    parent: "0007_enum_values",
    change {
        execute("CREATE VIEW active_users AS SELECT * FROM users", down: "DROP VIEW active_users");
    }
}

fn main() {
    let migrate_runtime::core::model::Downgrade::Ops(down) = &MIGRATION.downgrade else { panic!() };
    assert_eq!(down[0].to_string(), "execute(\"DROP VIEW active_users\", down: \"CREATE VIEW active_users AS SELECT * FROM users\")");
}
