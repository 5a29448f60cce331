// Rows a migration writes, typed: lookup values and seed data, in any column order, with `null`
// and the functions defaults take. The computed downgrade deletes exactly these rows, found by
// their literal values (`now()` is evaluated anew, so it does not find a row).
use migrate_runtime::core::model::Downgrade;
use migrate_runtime::core::render::{render, Dialect, Step};

migrate_runtime::migration! {
    id: "0009_seed_roles",
    parent: "0008_create_roles",
    change {
        insert_rows(roles, [
            { name: "owner", label: "Owner's", rank: 1, active: true, created_at: now() },
            { rank: 2, name: "member", label: null, active: false, created_at: now() },
        ]);
    }
}

fn main() {
    let sql = |dialect| match render(&MIGRATION.upgrade[0], dialect).as_slice() {
        [Step::Sql(sql)] => sql.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        sql(Dialect::Postgres),
        r#"INSERT INTO "roles" ("name", "label", "rank", "active", "created_at") VALUES ('owner', 'Owner''s', 1, TRUE, now()), ('member', NULL, 2, FALSE, now())"#
    );
    assert_eq!(
        sql(Dialect::Sqlite),
        r#"INSERT INTO "roles" ("name", "label", "rank", "active", "created_at") VALUES ('owner', 'Owner''s', 1, 1, CURRENT_TIMESTAMP), ('member', NULL, 2, 0, CURRENT_TIMESTAMP)"#
    );
    let Downgrade::Ops(down) = &MIGRATION.downgrade else { panic!() };
    let steps = render(&down[0], Dialect::Mysql);
    let [Step::Sql(delete)] = steps.as_slice() else { panic!() };
    assert_eq!(
        delete,
        "DELETE FROM `roles` WHERE (`name` = 'owner' AND `label` = 'Owner''s' AND `rank` = 1 AND `active` = TRUE) OR (`name` = 'member' AND `label` IS NULL AND `rank` = 2 AND `active` = FALSE)"
    );
    assert_eq!(
        down[0].to_string(),
        r#"delete_rows(roles, [{ name: "owner", label: "Owner's", rank: 1, active: true, created_at: now() }, { name: "member", label: null, rank: 2, active: false, created_at: now() }])"#
    );
}
