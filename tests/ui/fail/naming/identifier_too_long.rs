migrate_runtime::migration! {
    id: "0002_long",
    parent: "0001_create_users",
    change {
        add_column(users, this_column_name_is_much_too_long_for_postgresql_to_keep_it_whole: text nullable);
        add_check(ck_users_this_column_name_is_much_too_long_for_postgresql_to_keep, users, "true");
    }
}

fn main() {}
