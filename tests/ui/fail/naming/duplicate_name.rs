migrate_runtime::migration! {
    id: "0002_duplicates",
    parent: "0001_create_users",
    change {
        create_index(ix_users_email, users(email), concurrently);
        create_index(ix_users_email, users(email, name), concurrently);
    }
}

fn main() {}
