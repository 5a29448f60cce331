migrate_runtime::migration! {
    id: "0002_widen",
    parent: "0001_create_users",
    change {
        alter_column(users, age, set_type(bigint));
    }
}

fn main() {}
