migrate_runtime::migration! {
    id: "0002_index_email",
    parent: "0001_create_users",
    change {
        create_index(users(email), concurrently);
    }
}

fn main() {}
