// SQL written per dialect must say what runs on every target of the crate (here the default,
// PostgreSQL and SQLite), in both directions: a backend left out would fail when it runs there.
migrate_runtime::migration! {
    id: "0002_citext",
    parent: "0001_create_users",
    change {
        execute(
            postgres: "CREATE EXTENSION IF NOT EXISTS citext",
            down: (postgres: "DROP EXTENSION citext"),
        );
    }
}

fn main() {}
