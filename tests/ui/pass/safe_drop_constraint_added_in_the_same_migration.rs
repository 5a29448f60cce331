// A check added, relied on and dropped again in one migration guarded nothing before it: dropping
// it loses no guarantee, so `drop_constraint` does not apply.
migrate_runtime::migration! {
    id: "0004_require_roles",
    parent: "0003_add_user_role",
    upgrade {
        add_check(ck_users_role_present, users, "role IS NOT NULL");
        alter_column(users, role, set_not_null);
        drop_check(ck_users_role_present, users, "role IS NOT NULL");
    }
    downgrade {
        alter_column(users, role, drop_not_null);
    }
}

fn main() {
    assert_eq!(MIGRATION.upgrade.len(), 3);
}
