// An unknown setting, a backend that does not exist, a revision that is not a string, and a
// test that does not take the connection: every mistake is reported at once.
mod migrations {
    migrate_runtime::migration! {
        id: "0001_create_users", parent: none,
        change { create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id)); }
    }
    migrate_runtime::migrations!();
}

#[migrate_runtime::test(migrations = migrations::MIGRATIONS, backend = "oracle", revision = 3, database = "x")]
fn counts() {}

fn main() {}
