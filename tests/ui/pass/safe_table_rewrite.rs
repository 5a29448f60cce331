migrate_runtime::migration! {
    /// A rewrite of a small table, with the reason.
    id: "0002_cluster",
    parent: "0001_create_users",
    change {
        #[allow(table_rewrite, reason = "the table holds a few hundred rows; the rewrite takes milliseconds")]
        execute("CLUSTER countries USING pk_countries", down: "SELECT 1");
    }
}

fn main() {
    assert_eq!(MIGRATION.upgrade.len(), 1);
}
