migrate_runtime::migration! {
    id: "0002_drop_legacy",
    parent: "0001_create_users",
    upgrade {
        #[allow(drop_column, reason = "unused since v2")]
        drop_column(users, legacy: text nullable);
    }
    downgrade {
        add_column(users, legacy: integer nullable);
    }
}

fn main() {}
