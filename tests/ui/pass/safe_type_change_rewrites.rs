migrate_runtime::migration! {
    /// Widening a varchar or a numeric keeps the data as it is.
    id: "0002_type_change_rewrites",
    parent: "0001_create_users",
    upgrade {
        alter_column(users, email, set_type(varchar(320), from: varchar(255)));
        alter_column(users, balance, set_type(numeric(14, 2), from: numeric(12, 2)));
    }
    downgrade {
        #[allow(type_change_narrowing, reason = "checked: no balance above 10^10")]
        alter_column(users, balance, set_type(numeric(12, 2), from: numeric(14, 2)));
        #[allow(type_change_narrowing, reason = "checked: no email above 255 bytes")]
        alter_column(users, email, set_type(varchar(255), from: varchar(320)));
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
