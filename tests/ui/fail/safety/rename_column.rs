migrate_runtime::migration! {
    id: "0002_rename_column",
    parent: "0001_create_users",
    change {
        rename_column(users, name => full_name);
    }
}

fn main() {}
