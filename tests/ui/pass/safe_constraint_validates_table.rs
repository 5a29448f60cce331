// NOT VALID takes the lock only for the catalog change; the scan runs later, under SHARE UPDATE
// EXCLUSIVE, in a migration of its own.
mod add {
    migrate_runtime::migration! {
        id: "0002_check_email",
        parent: "0001_create_users",
        change {
            execute("ALTER TABLE users ADD CONSTRAINT ck_users_email CHECK (email <> '') NOT VALID", down: "ALTER TABLE users DROP CONSTRAINT ck_users_email");
        }
    }
}

mod validate {
    migrate_runtime::migration! {
        id: "0003_validate_email",
        parent: "0002_check_email",
        change {
            execute("ALTER TABLE users VALIDATE CONSTRAINT ck_users_email", down: "SELECT 1");
        }
    }
}

fn main() {
    assert_eq!(add::MIGRATION.upgrade.len(), 1);
    assert_eq!(validate::MIGRATION.upgrade.len(), 1);
}
