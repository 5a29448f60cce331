// SQL that databases spell differently, written per dialect: each backend runs its own text, a
// backend with nothing to do says `none`, and the `down:` is written per dialect too.
use migrate_runtime::core::model::{Downgrade, Op, RawSql};
use migrate_runtime::core::render::{render, Dialect, Step};

migrate_runtime::migration! {
    id: "0002_users_touched_at",
    parent: "0001_create_users",
    change {
        execute(
            sqlite: "CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN UPDATE users SET touched_at = CURRENT_TIMESTAMP WHERE id = NEW.id; END",
            postgres: "CREATE RULE users_touch AS ON UPDATE TO users DO ALSO NOTIFY users_touched",
            mysql: none,
            down: (postgres: "DROP RULE users_touch ON users", sqlite: "DROP TRIGGER users_touch", mysql: none),
        );
    }
}

fn main() {
    let up = &MIGRATION.upgrade[0];
    let Op::Execute { up: RawSql::PerDialect(texts), .. } = up else { panic!("{up:?}") };
    // Stored in one order whatever order they were written in, so reordering is not an edit.
    let dialects: Vec<Dialect> = texts.iter().map(|(dialect, _)| *dialect).collect();
    assert_eq!(dialects, [Dialect::Postgres, Dialect::Sqlite, Dialect::Mysql]);
    assert_eq!(render(up, Dialect::Sqlite), [Step::Sql("CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN UPDATE users SET touched_at = CURRENT_TIMESTAMP WHERE id = NEW.id; END".into())]);
    assert_eq!(render(up, Dialect::Mysql), []);
    let Downgrade::Ops(down) = &MIGRATION.downgrade else { panic!() };
    assert_eq!(render(&down[0], Dialect::Postgres), [Step::Sql("DROP RULE users_touch ON users".into())]);
    assert_eq!(
        down[0].to_string(),
        r#"execute((postgres: "DROP RULE users_touch ON users", sqlite: "DROP TRIGGER users_touch", mysql: none), down: (postgres: "CREATE RULE users_touch AS ON UPDATE TO users DO ALSO NOTIFY users_touched", sqlite: "CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN UPDATE users SET touched_at = CURRENT_TIMESTAMP WHERE id = NEW.id; END", mysql: none))"#
    );
}
