migrate_runtime::migration! {
    id: "add-user-role",
    parent: "0001_create_users",
    change {
        add_column(users, role: text nullable);
    }
}

fn main() {}
