// A label the op does not know is an error, not taken for the value: SQL per dialect is not a
// form `execute` has, and the SQL must not silently run on every database.
migrate_runtime::migration! {
    id: "0002_lowercase_emails",
    parent: "0001_create_users",
    change {
        #[allow(raw_sql, reason = "a function index")]
        execute(postgres: "CREATE INDEX ix_users_email_lower ON users (lower(email))", down: "DROP INDEX ix_users_email_lower");
    }
}

fn main() {}
