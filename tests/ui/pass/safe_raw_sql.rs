migrate_runtime::migration! {
    /// Raw SQL with the reason it is safe.
    id: "0002_raw_sql",
    parent: "0001_create_users",
    change {
        #[allow(raw_sql, reason = "creates a function; touches no table")]
        execute("CREATE FUNCTION one() RETURNS int AS 'SELECT 1' LANGUAGE sql", down: "DROP FUNCTION one()");
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
