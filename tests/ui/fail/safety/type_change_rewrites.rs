migrate_runtime::migration! {
    id: "0002_type_change_rewrites",
    parent: "0001_create_users",
    upgrade {
        alter_column(users, age, set_type(bigint, from: integer));
    }
    downgrade {
        #[allow(type_change_narrowing, reason = "ages fit in an integer")]
        alter_column(users, age, set_type(integer, from: bigint));
    }
}

fn main() {}
