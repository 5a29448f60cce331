migrate_runtime::migration! {
    id: "0002_create_mood",
    parent: "0001_create_users",
    change {
        create_enum(mood, ["happy", "content_but_would_rather_be_somewhere_else_on_a_sunny_afternoons"]);
    }
}

fn main() {}
