migrate_runtime::migration! {
    id: "0002_add_column_volatile_default",
    parent: "0001_create_users",
    change {
        add_column(users, token: uuid default(gen_random_uuid()));
    }
}

fn main() {}
