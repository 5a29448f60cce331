migrate_runtime::migration! {
    id: "0002_json_column",
    parent: "0001_create_users",
    change {
        add_column(users, settings: json nullable);
    }
}

fn main() {}
