migrate_runtime::migration! {
    id: "0002_add_column_required",
    parent: "0001_create_users",
    change {
        add_column(users, plan: text);
    }
}

fn main() {}
