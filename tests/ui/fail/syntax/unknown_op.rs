migrate_runtime::migration! {
    id: "0002_typo",
    parent: "0001_create_users",
    change {
        add_colum(users, role: text nullable);
    }
}

fn main() {}
