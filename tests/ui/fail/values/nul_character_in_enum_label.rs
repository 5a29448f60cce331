migrate_runtime::migration! {
    id: "0002_create_mood",
    parent: "0001_create_users",
    change {
        create_enum(mood, ["happy", "s\0d"]);
    }
}

fn main() {}
