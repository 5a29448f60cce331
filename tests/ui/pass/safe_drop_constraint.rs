migrate_runtime::migration! {
    /// Dropped with the reason.
    id: "0002_drop_constraint",
    parent: "0001_create_users",
    change {
        #[allow(drop_constraint, reason = "age is validated by the API since v2; the check blocks a bulk import")]
        drop_check(ck_users_age, users, "age >= 0");
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
