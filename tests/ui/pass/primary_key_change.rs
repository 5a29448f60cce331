// A primary key added to a table that has rows: on PostgreSQL its unique index is built
// concurrently, outside any transaction, then becomes the key (`USING INDEX`), so writes never
// wait for the build; the computed downgrade drops it.
use migrate_runtime::core::model::{Downgrade, Mode, Op};
use migrate_runtime::core::render::{render_ops, Dialect, Step};

migrate_runtime::migration! {
    id: "0003_key_accounts_by_code",
    parent: "0002_unkey_accounts_id",
    change {
        add_primary_key(pk_accounts_code, accounts(code));
    }
}

fn main() {
    assert_eq!(MIGRATION.mode, Mode::NonTransactional);
    assert_eq!(
        render_ops(&MIGRATION.upgrade, Dialect::Postgres),
        [vec![
            Step::DropInvalidIndex("pk_accounts_code".into()),
            Step::SqlOutsideTransaction(r#"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "pk_accounts_code" ON "accounts" ("code")"#.into()),
            Step::Sql(r#"ALTER TABLE "accounts" ADD CONSTRAINT "pk_accounts_code" PRIMARY KEY USING INDEX "pk_accounts_code""#.into()),
        ]]
    );
    assert_eq!(
        render_ops(&MIGRATION.upgrade, Dialect::Mysql),
        [vec![Step::Sql("ALTER TABLE `accounts` ADD PRIMARY KEY (`code`), ALGORITHM=INPLACE, LOCK=NONE".into())]]
    );
    let Downgrade::Ops(down) = &MIGRATION.downgrade else { panic!() };
    assert!(matches!(&down[0], Op::DropPrimaryKey { table, .. } if table == "accounts"));
    assert_eq!(down[0].to_string(), "drop_primary_key(pk_accounts_code, accounts(code))");
}
