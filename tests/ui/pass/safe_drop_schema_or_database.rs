migrate_runtime::migration! {
    /// Dropped with the reason.
    id: "0002_drop_staging",
    parent: "0001_create_users",
    change {
        #[allow(drop_schema_or_database, reason = "staging was emptied and archived in v4")]
        execute("DROP SCHEMA staging", down: "CREATE SCHEMA staging");
    }
}

fn main() {
    assert_eq!(MIGRATION.upgrade.len(), 1);
}
