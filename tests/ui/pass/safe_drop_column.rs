migrate_runtime::migration! {
    /// Dropped once no code uses it, with the reason.
    id: "0002_drop_column",
    parent: "0001_create_users",
    change {
        #[allow(drop_column, reason = "unused since v2.3, which every instance runs")]
        drop_column(users, legacy: text nullable);
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
