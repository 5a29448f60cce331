migrate_runtime::migration! {
    id: "0002_drop_legacy",
    parent: "0001_create_users",
    change {
        drop_column(users, legacy);
    }
}

fn main() {}
