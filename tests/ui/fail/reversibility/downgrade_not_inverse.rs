migrate_runtime::migration! {
    id: "0002_add_user_role",
    parent: "0001_create_users",
    upgrade {
        add_column(users, role: varchar(50) nullable);
        create_index(ix_users_role, users(role));
    }
    downgrade {
        drop_column(users, role: varchar(50) nullable);
    }
}

fn main() {}
