migrate_runtime::migration! {
    id: "0002_index_users",
    parent: "0001_create_users",
    upgrade {
        create_index(ix_users_role, users(role), concurrently);
        create_index(ix_users_email, users(email), concurrently);
    }
    downgrade {
        drop_index(ix_users_email, users(email), concurrently);
    }
}

fn main() {}
