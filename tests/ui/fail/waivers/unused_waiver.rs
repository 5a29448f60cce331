migrate_runtime::migration! {
    id: "0002_unused_waiver",
    parent: "0001_create_users",
    change {
        #[allow(drop_column, reason = "nothing is dropped here")]
        add_column(users, bio: text nullable);
    }
}

fn main() {}
