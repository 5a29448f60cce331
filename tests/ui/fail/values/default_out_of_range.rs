migrate_runtime::migration! {
    id: "0002_add_user_rank",
    parent: "0001_create_users",
    change {
        add_column(users, rank: smallint nullable default(40000));
    }
}

fn main() {}
