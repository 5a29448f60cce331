migrate_runtime::migration! {
    id: "0002_rename_table",
    parent: "0001_create_users",
    change {
        rename_table(users => accounts);
    }
}

fn main() {}
