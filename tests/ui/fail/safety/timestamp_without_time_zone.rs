migrate_runtime::migration! {
    id: "0002_timestamp_without_time_zone",
    parent: "0001_create_users",
    change {
        add_column(users, last_seen: timestamp nullable);
    }
}

fn main() {}
