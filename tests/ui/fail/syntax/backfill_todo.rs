// What `migrate new --autogenerate` writes for a NOT NULL column added to a table with rows: the
// value existing rows get is the author's to decide, and the build says so until it is written.
migrate_runtime::migration! {
    /// Users have an age.
    id: "0002_add_user_age",
    parent: "0001_create_users",
    change {
        // A NOT NULL column is added nullable, filled, then constrained: decide the value existing rows get.
        add_column(users, age: integer nullable);
        backfill(users, set: todo("the value of users.age for the rows that exist: `set: \"age = …\"`"), where: "age IS NULL", batch: 1000);
        alter_column(users, age, set_not_null);
    }
}

fn main() {}
