migrate_runtime::migration! {
    id: "0002_constraints",
    parent: "0001_create_users",
    change {
        add_foreign_key(posts(user_id), references: users(id), on_delete: cascade);
        add_unique(users(email));
        add_check(users, "age >= 0");
    }
}

fn main() {}
