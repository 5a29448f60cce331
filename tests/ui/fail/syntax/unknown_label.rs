// A label `execute` does not know is an error, never taken for the value: SQL written for one
// database must not silently run on every one.
migrate_runtime::migration! {
    id: "0002_lowercase_emails",
    parent: "0001_create_users",
    change {
        #[allow(raw_sql, reason = "a function index")]
        execute(postgresql: "CREATE INDEX ix_users_email_lower ON users (lower(email))", down: "DROP INDEX ix_users_email_lower");
    }
}

fn main() {}
