migrate_runtime::migration! {
    id: "0006_constraints",
    parent: "0005_indexes",
    change {
        add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade);
        add_check(ck_users_age, users, "age >= 0");
        add_unique(uq_users_email, users(email));
        drop_foreign_key(fk_posts_editor_id, posts(editor_id), references: users(id), on_delete: set_null);
        drop_check(ck_users_legacy, users, "legacy IS NULL");
        drop_unique(uq_users_handle, users(handle));
    }
}

fn main() {
    assert_eq!(MIGRATION.upgrade.len(), 6);
    let migrate_runtime::core::model::Downgrade::Ops(down) = &MIGRATION.downgrade else { panic!() };
    assert_eq!(down.len(), 6);
}
