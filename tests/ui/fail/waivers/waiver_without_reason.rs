migrate_runtime::migration! {
    id: "0002_waiver_without_reason",
    parent: "0001_create_users",
    change {
        #[allow(drop_column)]
        drop_column(users, legacy: text nullable);
    }
}

fn main() {}
