migrate_runtime::migration! {
    /// Concurrently on an existing table; plainly on a table created here.
    id: "0002_index_not_concurrent",
    parent: "0001_create_users",
    change {
        create_index(ix_users_email, users(email), concurrently);
    }
}

fn main() {
    assert_eq!(MIGRATION.mode, migrate_runtime::core::model::Mode::NonTransactional);
}
