migrate_runtime::migration! {
    id: "0002_add_column_identity",
    parent: "0001_create_users",
    change {
        add_column(users, number: bigint identity);
    }
}

fn main() {}
