migrate_runtime::migration! {
    id: "0002_waived",
    parent: "0001_create_users",
    change {
        #[allow(raw_sql, reason = "the DO block only raises a notice")]
        execute("DO $$ BEGIN RAISE NOTICE 'x'; END $$; CREATE INDEX ix_users_email ON users (email)", down: "SELECT 1");
    }
}

fn main() {}
