migrate_runtime::migration! {
    id: "0002_char_column",
    parent: "0001_create_users",
    change {
        add_column(users, country: char(2) nullable);
    }
}

fn main() {}
