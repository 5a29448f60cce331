// A downgrade that drops what the upgrade did not create loses data the database had before the
// migration: here the upgrade renamed `about` to `bio`, and the downgrade drops `bio` instead of
// renaming it back.
migrate_runtime::migration! {
    id: "0007_rename_about",
    parent: "0006_profiles",
    upgrade {
        #[allow(rename_column, reason = "no running client reads about")]
        rename_column(users, about => bio);
    }
    downgrade {
        drop_column(users, bio: text nullable);
        add_column(users, about: text nullable);
    }
}

fn main() {}
