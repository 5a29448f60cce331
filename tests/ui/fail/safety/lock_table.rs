migrate_runtime::migration! {
    id: "0002_lock_users",
    parent: "0001_create_users",
    change {
        execute("LOCK TABLE users IN SHARE MODE; UPDATE users SET email = lower(email)", down: "SELECT 1");
    }
}

fn main() {}
