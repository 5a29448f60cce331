migrate_runtime::migration! {
    id: "0002_add_user_role",
    parent: "0001_create_users",
    upgrade {
        add_column(users, role: varchar(50) nullable);
        add_check(ck_users_role_not_blank, users, "role <> ''");
    }
}

fn main() {}
