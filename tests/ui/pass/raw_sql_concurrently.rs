// Raw SQL PostgreSQL refuses inside a transaction block runs outside one, a statement per step;
// the migration holds nothing else.
use migrate_runtime::core::model::{Downgrade, Mode};
use migrate_runtime::core::render::{render, Dialect, Step};

migrate_runtime::migration! {
    id: "0002_index_emails",
    parent: "0001_create_users",
    change {
        execute(
            "CREATE INDEX CONCURRENTLY ix_users_email_lower ON users (lower(email)); CREATE INDEX CONCURRENTLY ix_users_name ON users (name)",
            down: "DROP INDEX CONCURRENTLY ix_users_name; DROP INDEX CONCURRENTLY ix_users_email_lower",
        );
    }
}

fn main() {
    assert_eq!(MIGRATION.mode, Mode::NonTransactional);
    assert_eq!(
        render(&MIGRATION.upgrade[0], Dialect::Postgres),
        [
            Step::SqlOutsideTransaction("CREATE INDEX CONCURRENTLY ix_users_email_lower ON users (lower(email))".into()),
            Step::SqlOutsideTransaction("CREATE INDEX CONCURRENTLY ix_users_name ON users (name)".into()),
        ]
    );
    let Downgrade::Ops(down) = &MIGRATION.downgrade else { panic!() };
    assert_eq!(Mode::of(down), Mode::NonTransactional);
}
