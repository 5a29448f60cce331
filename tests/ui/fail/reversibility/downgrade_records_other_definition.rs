migrate_runtime::migration! {
    id: "0002_index",
    parent: "0001_create_users",
    upgrade {
        create_index(ix_users_email, users(email), unique, concurrently);
    }
    downgrade {
        drop_index(ix_users_email, users(email), concurrently);
    }
}

fn main() {}
