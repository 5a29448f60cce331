migrate_runtime::migration! {
    id: "0002_rename_users",
    parent: "0001_create_users",
    upgrade {
        #[allow(rename_table, reason = "single client")]
        rename_table(users => accounts);
        add_column(accounts, plan: text nullable);
    }
    downgrade {
        drop_column(accounts, plan: text nullable);
    }
}

fn main() {}
