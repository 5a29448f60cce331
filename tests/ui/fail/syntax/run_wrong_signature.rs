fn fill(_: i32) {}

migrate_runtime::migration! {
    id: "0002_data",
    parent: "0001_create_users",
    upgrade {
        run(up: fill);
    }
    downgrade {
        irreversible("data only");
    }
}

fn main() {}
