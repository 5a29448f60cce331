migrate_runtime::migration! {
    id: "0002_unknown_rule",
    parent: "0001_create_users",
    change {
        #[allow(drop_colum, reason = "typo")]
        drop_column(users, legacy: text nullable);
    }
}

fn main() {}
