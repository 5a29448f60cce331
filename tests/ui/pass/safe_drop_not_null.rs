// Once the code that reads the column as nullable is deployed, dropping NOT NULL is said so, with
// the reason; the computed downgrade of a `set_not_null` drops it without a word (it puts back
// what was there).
migrate_runtime::migration! {
    id: "0006_optional_bio",
    parent: "0005_profiles",
    change {
        #[allow(drop_not_null, reason = "Profile::bio is an Option<String> since release 41")]
        alter_column(users, bio, drop_not_null);
    }
}

mod required {
    migrate_runtime::migration! {
        id: "0007_required_name",
        parent: "0006_optional_bio",
        change {
            alter_column(users, name, set_not_null);
        }
    }
}

fn main() {}
