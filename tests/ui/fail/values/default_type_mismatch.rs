// PostgreSQL refuses a text default on an integer column; SQLite would store it.
migrate_runtime::migration! {
    id: "0002_add_user_age",
    parent: "0001_create_users",
    change {
        add_column(users, age: integer nullable default("ten"));
    }
}

fn main() {}
