migrate_runtime::migration! {
    id: "0002_index_and_backfill",
    parent: "0001_create_users",
    change {
        execute("UPDATE users SET email = lower(email); CREATE INDEX CONCURRENTLY ix_users_email ON users (email)", down: "SELECT 1");
    }
}

fn main() {}
