migrate_runtime::migration! {
    id: "0002_typo",
    parent: "0001_create_users",
    change {
        create_index(ix_users_email, users(email), uniqe);
    }
}

fn main() {}
