migrate_runtime::migration! {
    /// The typed op: SET NOT NULL proven by a validated check, without a scan under the lock.
    id: "0002_require_email",
    parent: "0001_create_users",
    change {
        alter_column(users, email, set_not_null);
    }
}

fn main() {
    // The typed op proves the column first (CHECK … NOT VALID, VALIDATE), so it runs op by op.
    assert_eq!(MIGRATION.mode, migrate_runtime::core::model::Mode::NonTransactional);
}
