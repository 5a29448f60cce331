migrate_runtime::migration! {
    id: "0002_drop_billing",
    parent: "0001_create_users",
    change {
        execute("DROP SCHEMA billing CASCADE", down: "CREATE SCHEMA billing");
    }
}

fn main() {}
