migrate_runtime::migration! {
    /// Narrowing after checking the data, said in the waiver.
    id: "0002_type_change_narrowing",
    parent: "0001_create_users",
    upgrade {
        #[allow(type_change_narrowing, reason = "SELECT max(length(nickname)) FROM users is 18 in production")]
        alter_column(users, nickname, set_type(varchar(20), from: text));
    }
    downgrade {
        alter_column(users, nickname, set_type(text, from: varchar(20)));
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
