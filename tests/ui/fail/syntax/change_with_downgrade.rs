migrate_runtime::migration! {
    id: "0002_both",
    parent: "0001_create_users",
    change {
        add_column(users, bio: text nullable);
    }
    downgrade {
        drop_column(users, bio: text nullable);
    }
}

fn main() {}
