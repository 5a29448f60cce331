migrate_runtime::migration! {
    id: "0002_unique_email",
    parent: "0001_create_users",
    change {
        execute("ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE (email)", down: "ALTER TABLE users DROP CONSTRAINT uq_users_email");
    }
}

fn main() {}
