migrate_runtime::migration! {
    id: "0002_drop_constraint",
    parent: "0001_create_users",
    change {
        drop_check(ck_users_age, users, "age >= 0");
    }
}

fn main() {}
