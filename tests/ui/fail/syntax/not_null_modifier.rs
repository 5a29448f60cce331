migrate_runtime::migration! {
    id: "0002_column",
    parent: "0001_create_users",
    change {
        add_column(users, email: text not_null);
    }
}

fn main() {}
