migrate_runtime::migration! {
    /// An explicit lock, with the reason.
    id: "0002_lock_counters",
    parent: "0001_create_users",
    change {
        #[allow(lock_table, reason = "the counters must not change between the two statements; the table is tiny")]
        execute("LOCK TABLE counters IN SHARE MODE; INSERT INTO totals SELECT sum(n) FROM counters", down: "DELETE FROM totals");
    }
}

fn main() {
    assert_eq!(MIGRATION.upgrade.len(), 1);
}
