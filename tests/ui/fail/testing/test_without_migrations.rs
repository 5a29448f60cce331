// The attribute needs the set the test database is migrated with.
#[migrate_runtime::test]
fn counts(conn: &mut migrate_runtime::AnyConnection) {
    let _ = conn;
}

fn main() {}
