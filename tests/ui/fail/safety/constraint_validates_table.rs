migrate_runtime::migration! {
    id: "0002_check_email",
    parent: "0001_create_users",
    change {
        execute("ALTER TABLE users ADD CONSTRAINT ck_users_email CHECK (email <> '')", down: "ALTER TABLE users DROP CONSTRAINT ck_users_email");
    }
}

fn main() {}
