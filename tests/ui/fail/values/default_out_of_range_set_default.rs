migrate_runtime::migration! {
    id: "0002_create_counters",
    parent: "0001_create_users",
    upgrade {
        create_table(counters, { id: bigint, value: numeric(5, 2) nullable }, primary_key: pk_counters(id));
        alter_column(counters, value, set_default(999.995, from: none));
    }
    downgrade {
        drop_table(counters, { id: bigint, value: numeric(5, 2) nullable default(999.995) }, primary_key: pk_counters(id));
    }
}

fn main() {}
