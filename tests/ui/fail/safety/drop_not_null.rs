// Dropping NOT NULL lets NULLs in while the running app still reads the column as never null.
migrate_runtime::migration! {
    id: "0006_optional_bio",
    parent: "0005_profiles",
    change {
        alter_column(users, bio, drop_not_null);
    }
}

fn main() {}
