migrate_runtime::migration! {
    id: "0002_index_too_many_columns",
    parent: "0001_create_users",
    change {
        create_index(ix_users_a_b_c_d, users(a, b, c, d), concurrently);
    }
}

fn main() {}
