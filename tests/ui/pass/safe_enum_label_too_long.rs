migrate_runtime::migration! {
    /// A label of exactly 63 bytes, PostgreSQL's limit.
    id: "0002_create_mood",
    parent: "0001_create_users",
    change {
        create_enum(mood, ["happy", "content_but_would_rather_be_somewhere_else_on_a_sunny_afternoon"]);
    }
}

fn main() {
    use migrate_runtime::core::model::Op;
    let Op::CreateEnum(ty) = &MIGRATION.upgrade[0] else {
        panic!("{:?}", MIGRATION.upgrade[0]);
    };
    assert_eq!(ty.values[1].len(), 63);
}
