migrate_runtime::migration! {
    /// Backslashes, quotes, tabs and newlines are text like any other; only NUL is refused.
    id: "0002_add_user_note",
    parent: "0001_create_users",
    change {
        add_column(users, note: text nullable default("C:\\notes\\'draft'\t\"1\"\n"));
    }
}

fn main() {
    use migrate_runtime::core::model::{DefaultValue, Op};
    let Op::AddColumn { column, .. } = &MIGRATION.upgrade[0] else {
        panic!("{:?}", MIGRATION.upgrade[0]);
    };
    assert_eq!(
        column.default,
        Some(DefaultValue::Str("C:\\notes\\'draft'\t\"1\"\n".into()))
    );
}
