migrate_runtime::migration! {
    id: "0002_drop_column",
    parent: "0001_create_users",
    change {
        drop_column(users, legacy: text nullable);
    }
}

fn main() {}
