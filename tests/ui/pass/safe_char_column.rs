migrate_runtime::migration! {
    /// varchar or text.
    id: "0002_char_column",
    parent: "0001_create_users",
    change {
        add_column(users, country: varchar(2) nullable);
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
