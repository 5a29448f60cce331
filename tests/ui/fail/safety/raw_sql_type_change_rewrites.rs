migrate_runtime::migration! {
    id: "0002_widen_id",
    parent: "0001_create_users",
    change {
        execute("ALTER TABLE users ALTER COLUMN id TYPE numeric", down: "ALTER TABLE users ALTER COLUMN id TYPE bigint");
    }
}

fn main() {}
