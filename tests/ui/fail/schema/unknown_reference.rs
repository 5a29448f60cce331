migrate_runtime::migration! {
    id: "0002_drop_then_use",
    parent: "0001_create_users",
    upgrade {
        #[allow(drop_column, reason = "unused since v2")]
        drop_column(users, legacy: text nullable);
        alter_column(users, legacy, set_not_null);
    }
    downgrade {
        irreversible("the test is about the upgrade");
    }
}

fn main() {}
