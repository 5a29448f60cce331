migrate_runtime::migration! {
    id: "0002_index_email",
    parent: "0001_create_users",
    change {
        execute("CREATE INDEX ix_users_email_lower ON users (lower(email))", down: "DROP INDEX CONCURRENTLY ix_users_email_lower");
    }
}

fn main() {}
