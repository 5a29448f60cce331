migrate_runtime::migration! {
    id: "0002_drop_table",
    parent: "0001_create_users",
    change {
        drop_table(sessions, { id: bigint, token: text });
    }
}

fn main() {}
