migrate_runtime::migration! {
    id: "0002_add_user_note",
    parent: "0001_create_users",
    change {
        add_column(users, note: text nullable default("first line\0"));
    }
}

fn main() {}
