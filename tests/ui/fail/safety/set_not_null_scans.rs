migrate_runtime::migration! {
    id: "0002_require_email",
    parent: "0001_create_users",
    change {
        execute("ALTER TABLE users ALTER COLUMN email SET NOT NULL", down: "ALTER TABLE users ALTER COLUMN email DROP NOT NULL");
    }
}

fn main() {}
