migrate_runtime::migration! {
    id: "0002_vacuum_full",
    parent: "0001_create_users",
    change {
        execute("VACUUM FULL users", down: "SELECT 1");
    }
}

fn main() {}
