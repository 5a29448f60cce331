mod computed {
    migrate_runtime::migration! {
        id: "0004_alter_columns",
        parent: "0003_renames",
        change {
            alter_column(users, email, set_not_null);
            #[allow(drop_not_null, reason = "the app reads bio as an Option<String>")]
            alter_column(users, bio, drop_not_null);
            alter_column(users, role, set_default("guest", from: "member"));
            alter_column(users, plan, set_default("free", from: none));
            alter_column(users, theme, drop_default(was: "dark"));
        }
    }
}

mod types {
    migrate_runtime::migration! {
        /// A type change is undone by another, which may not fit: the downgrade is written and
        /// its narrowing waived with what was checked.
        id: "0005_alter_types",
        parent: "0004_alter_columns",
        upgrade {
            #[allow(type_change_rewrites, reason = "users has 200 rows")]
            alter_column(users, age, set_type(bigint, from: integer));
            #[allow(type_change_rewrites, reason = "users has 200 rows")]
            alter_column(users, code, set_type(text, from: varchar(10), using: "trim(code)"));
        }
        downgrade {
            #[allow(type_change_narrowing, reason = "codes are at most 10 characters, checked by the API")]
            alter_column(users, code, set_type(varchar(10), from: text));
            #[allow(type_change_narrowing, reason = "ages fit in an integer")]
            alter_column(users, age, set_type(integer, from: bigint));
        }
    }
}

fn main() {
    let migrate_runtime::core::model::Downgrade::Ops(down) = &computed::MIGRATION.downgrade else { panic!() };
    let down: Vec<String> = down.iter().map(ToString::to_string).collect();
    assert_eq!(down, [
        "alter_column(users, theme, set_default(\"dark\", from: none))",
        "alter_column(users, plan, drop_default(was: \"free\"))",
        "alter_column(users, role, set_default(\"member\", from: \"guest\"))",
        "alter_column(users, bio, set_not_null)",
        "alter_column(users, email, drop_not_null)",
    ]);
    assert_eq!(types::MIGRATION.upgrade.len(), 2);
}
