// Raw SQL and Rust steps are opaque to the schema simulation: a written downgrade must still run
// each one's `down:`, and an empty one does not.
migrate_runtime::migration! {
    id: "0003_normalize_emails",
    parent: "0002_create_posts",
    upgrade {
        execute("UPDATE users SET email = lower(email)", down: "SELECT 1");
        run(up: data::remember_case, down: data::restore_case);
    }
    downgrade {
    }
}

mod data {
    pub fn remember_case(_: &mut migrate_runtime::DataConnection<'_>) -> Result<(), migrate_runtime::BoxError> {
        Ok(())
    }
    pub fn restore_case(_: &mut migrate_runtime::DataConnection<'_>) -> Result<(), migrate_runtime::BoxError> {
        Ok(())
    }
}

fn main() {}
