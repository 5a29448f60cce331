// `on_update:` says what a key update in the referenced table does (default `no_action`, which is
// not written, so foreign keys without it keep their checksums).
migrate_runtime::migration! {
    id: "0006_posts_follow_renamed_users",
    parent: "0005_indexes",
    change {
        add_foreign_key(fk_posts_user_code, posts(user_code), references: users(code), on_delete: restrict, on_update: cascade);
    }
}

use migrate_runtime::core::model::{Downgrade, Op, ReferentialAction};
use migrate_runtime::core::render::{render, Dialect, Step};

fn main() {
    let Op::AddForeignKey(fk) = &MIGRATION.upgrade[0] else { panic!() };
    assert_eq!(fk.on_update, ReferentialAction::Cascade);
    assert_eq!(
        MIGRATION.upgrade[0].to_string(),
        "add_foreign_key(fk_posts_user_code, posts(user_code), references: users(code), on_delete: restrict, on_update: cascade)"
    );
    let Step::Sql(sql) = &render(&MIGRATION.upgrade[0], Dialect::Postgres)[0] else { panic!() };
    assert!(sql.ends_with(r#"REFERENCES "users" ("code") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID"#), "{sql}");
    // The computed downgrade drops exactly this foreign key.
    let Downgrade::Ops(down) = &MIGRATION.downgrade else { panic!() };
    assert_eq!(down[0].to_string(), "drop_foreign_key(fk_posts_user_code, posts(user_code), references: users(code), on_delete: restrict, on_update: cascade)");
}
