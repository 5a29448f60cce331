migrate_runtime::migration! {
    /// Three columns at most; a unique index may need more.
    id: "0002_index_too_many_columns",
    parent: "0001_create_users",
    change {
        create_index(ix_users_a_b_c, users(a, b, c), concurrently);
        create_index(ix_users_a_b_c_d, users(a, b, c, d), unique, concurrently);
    }
}

fn main() {
    assert!(!MIGRATION.upgrade.is_empty());
}
