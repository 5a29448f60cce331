migrate_runtime::migration! {
    id: "0002_drop_index_not_concurrent",
    parent: "0001_create_users",
    change {
        drop_index(ix_users_email, users(email));
    }
}

fn main() {}
