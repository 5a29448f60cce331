migrate_runtime::migration! {
    id: "0002_unique_with_constant_default",
    parent: "0001_create_users",
    change {
        add_column(users, code: text default("none"));
        #[allow(index_not_concurrent, reason = "users has a dozen rows")]
        create_index(uq_users_code, users(code), unique);
    }
}

fn main() {}
