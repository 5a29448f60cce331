migrate_runtime::migration! {
    id: "0002_add_user_rank",
    parent: "0001_create_users",
    change {
        add_column(users, rank: integer nullable default(1.5));
    }
}

fn main() {}
