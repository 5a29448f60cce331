migrate_runtime::migration! {
    /// SQL the checker cannot read, with the reason it is safe; what it can read needs no waiver.
    id: "0002_raw_sql",
    parent: "0001_create_users",
    change {
        #[allow(raw_sql, reason = "an anonymous block that only raises a notice; touches no table")]
        execute("DO $$ BEGIN RAISE NOTICE 'deployed'; END $$", down: "SELECT 1");
        execute("CREATE FUNCTION one() RETURNS int AS 'SELECT 1' LANGUAGE sql", down: "DROP FUNCTION one()");
    }
}

fn main() {
    assert_eq!(MIGRATION.upgrade.len(), 2);
}
