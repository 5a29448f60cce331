migrate_runtime::migration! {
    id: "0002_create_counters",
    parent: "0001_create_users",
    change {
        create_table(counters, {
            id: bigint,
            value: integer default(-3000000000),
        }, primary_key: pk_counters(id));
    }
}

fn main() {}
