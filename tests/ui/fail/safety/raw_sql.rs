migrate_runtime::migration! {
    id: "0002_raw_sql",
    parent: "0001_create_users",
    change {
        execute("UPDATE users SET email = lower(email)", down: "SELECT 1");
    }
}

fn main() {}
