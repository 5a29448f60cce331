migrate_runtime::migration! {
    id: "0002_require_email",
    parent: "0001_create_users",
    upgrade {
        alter_column(users, email, set_not_null);
        add_column(users, verified: boolean default(false));
    }
    downgrade {
        drop_column(users, verified: boolean default(false));
    }
}

fn main() {}
