migrate_runtime::migration! {
    id: "0005_indexes",
    parent: "0004_alter_columns",
    change {
        create_index(ix_users_email, users(email), unique, concurrently, where: "deleted_at IS NULL");
        create_index(ix_users_name_created_at, users(name, created_at), concurrently);
        drop_index(ix_users_legacy, users(legacy), concurrently);
    }
}

use migrate_runtime::core::model::Mode;

fn main() {
    assert_eq!(MIGRATION.mode, Mode::NonTransactional);
    assert!(MIGRATION.upgrade.iter().all(|op| op.is_concurrent()));
}
