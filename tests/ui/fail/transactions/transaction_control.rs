migrate_runtime::migration! {
    id: "0002_own_transaction",
    parent: "0001_create_users",
    change {
        execute("BEGIN; UPDATE users SET email = lower(email); COMMIT", down: "SELECT 1");
    }
}

fn main() {}
