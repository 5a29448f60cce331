migrate_runtime::migration! {
    id: "0002_columns",
    parent: "0001_create_users",
    upgrade {
        add_column(users, nickname: varchar(50) nullable);
        #[allow(drop_column, reason = "unused since v2")]
        drop_column(users, legacy: text nullable default("x"));
    }
    downgrade {
        add_column(users, legacy: text nullable default("x"));
        drop_column(users, nickname: varchar(50) nullable);
    }
}

fn main() {
    assert_eq!(MIGRATION.upgrade.len(), 2);
    assert_eq!(MIGRATION.parents.as_ref(), ["0001_create_users"]);
    assert_eq!(MIGRATION.mode, migrate_runtime::core::model::Mode::Transactional);
}
