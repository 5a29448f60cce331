// The index is built concurrently in a migration of its own; the constraint then takes it over.
use migrate_runtime::core::model::Mode;
use migrate_runtime::core::render::{render, Dialect, Step};

mod index {
    migrate_runtime::migration! {
        id: "0002_index_email",
        parent: "0001_create_users",
        change {
            execute("CREATE UNIQUE INDEX CONCURRENTLY uq_users_email ON users (email)", down: "DROP INDEX CONCURRENTLY uq_users_email");
        }
    }
}

mod constraint {
    migrate_runtime::migration! {
        id: "0003_unique_email",
        parent: "0002_index_email",
        change {
            execute("ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE USING INDEX uq_users_email", down: "ALTER TABLE users DROP CONSTRAINT uq_users_email");
        }
    }
}

fn main() {
    assert_eq!(index::MIGRATION.mode, Mode::NonTransactional);
    assert_eq!(
        render(&index::MIGRATION.upgrade[0], Dialect::Postgres),
        [Step::SqlOutsideTransaction("CREATE UNIQUE INDEX CONCURRENTLY uq_users_email ON users (email)".into())]
    );
    assert_eq!(constraint::MIGRATION.mode, Mode::Transactional);
}
