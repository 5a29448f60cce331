migrate_runtime::migration! {
    /// A rename kept working for old clients by a view, waived with the reason.
    id: "0002_rename_table",
    parent: "0001_create_users",
    change {
        #[allow(rename_table, reason = "old clients read `users` through the view below until v4")]
        rename_table(users => accounts);
        execute("CREATE VIEW users AS SELECT * FROM accounts", down: "DROP VIEW users");
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
