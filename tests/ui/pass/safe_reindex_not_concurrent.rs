migrate_runtime::migration! {
    /// Rebuilt without blocking writes, in a migration of its own.
    id: "0002_reindex",
    parent: "0001_create_users",
    change {
        execute("REINDEX INDEX CONCURRENTLY ix_users_email", down: "SELECT 1");
    }
}

fn main() {
    // PostgreSQL refuses REINDEX CONCURRENTLY in a transaction: the migration runs op by op.
    assert_eq!(MIGRATION.mode, migrate_runtime::core::model::Mode::NonTransactional);
}
