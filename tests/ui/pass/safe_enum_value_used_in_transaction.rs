mod m0002 {
    migrate_runtime::migration! {
        /// The value is added in one migration ...
        id: "0002_add_ok",
        parent: "0001_create_users",
        upgrade { add_enum_value(mood, "ok", after: "happy"); }
        downgrade { irreversible("enum values cannot be removed in PostgreSQL"); }
    }
}
mod m0003 {
    migrate_runtime::migration! {
        /// ... and used in the next, after it was committed.
        id: "0003_default_ok",
        parent: "0002_add_ok",
        change { alter_column(users, mood, set_default("ok", from: none)); }
    }
}

fn main() {
    assert_eq!(m0003::MIGRATION.parents.as_ref(), ["0002_add_ok"]);
}
