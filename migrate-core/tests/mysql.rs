//! MySQL and MariaDB: the SQL each op becomes against the chain's schema, and the rules that apply
//! when a set of migrations lists `mysql` among its targets.

// A failed `unwrap` in a test is the test failing, with the error in the message.
#![allow(clippy::unwrap_used)]

use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
use migrate_core::diagnostic::{CheckId, Section};
use migrate_core::fold::{fold, fold_for};
use migrate_core::model::{
    CheckConstraint, Column, ColumnChange, ColumnType, DefaultValue, EnumPosition, EnumType,
    ForeignKey, Index, Migration, Op, PrimaryKey, ReferentialAction, Scalar, SqlFunction, Table,
    Text, UniqueConstraint,
};
use migrate_core::render::{render_ops, render_ops_on, Dialect, Step};
use migrate_core::schema::Simulation;

fn column(name: &'static str, scalar: Scalar) -> Column {
    Column {
        name: name.into(),
        ty: ColumnType::Scalar(scalar),
        nullable: false,
        default: None,
        identity: false,
        generated: None,
    }
}

fn users() -> Op {
    Op::CreateTable(Table {
        name: "users".into(),
        columns: vec![
            Column {
                identity: true,
                ..column("id", Scalar::BigInt)
            },
            column("email", Scalar::Varchar(320)),
            Column {
                nullable: true,
                ..column("name", Scalar::Varchar(50))
            },
            Column {
                default: Some(DefaultValue::Str("open".into())),
                ..column("status", Scalar::Enum("status".into()))
            },
        ]
        .into(),
        primary_key: Some(PrimaryKey {
            name: "pk_users".into(),
            columns: vec![Text::from("id")].into(),
        }),
    })
}

fn status_enum() -> Op {
    Op::CreateEnum(EnumType {
        name: "status".into(),
        values: vec![Text::from("open"), Text::from("done")].into(),
    })
}

/// The closed schema after `ops`.
fn after(ops: &[Op]) -> Simulation {
    let mut schema = Simulation::closed();
    schema.run(ops, Section::Upgrade);
    schema
}

/// The SQL of `op` on a database holding the enum and `users`.
fn on_users(op: Op) -> Vec<String> {
    let schema = after(&[status_enum(), users()]);
    render_ops_on(&[op], Dialect::Mysql, &schema)
        .remove(0)
        .into_iter()
        .map(|step| match step {
            Step::Sql(sql) => sql,
            other => format!("{other:?}"),
        })
        .collect()
}

fn alter(change: ColumnChange, column: &str) -> Op {
    Op::AlterColumn {
        table: "users".into(),
        column: column.to_owned().into(),
        change,
    }
}

#[test]
fn a_table_is_written_with_mysql_types_and_inline_enums() {
    let steps = render_ops(&[status_enum(), users()], Dialect::Mysql);
    assert_eq!(
        steps[0],
        Vec::<Step>::new(),
        "an enum is no object on MySQL"
    );
    assert_eq!(
        steps[1],
        vec![Step::Sql(
            "CREATE TABLE `users` (`id` BIGINT AUTO_INCREMENT NOT NULL, `email` VARCHAR(320) NOT NULL, `name` VARCHAR(50) NULL, `status` ENUM('open', 'done') NOT NULL DEFAULT 'open', CONSTRAINT `pk_users` PRIMARY KEY (`id`))".into()
        )]
    );
}

#[test]
fn types_defaults_and_literals() {
    let typed = |scalar: Scalar, default: Option<DefaultValue>| {
        on_users(Op::AddColumn {
            table: "users".into(),
            column: Column {
                nullable: true,
                default,
                ..column("c", scalar)
            },
        })
        .remove(0)
    };
    assert_eq!(
        typed(Scalar::Text, Some(DefaultValue::Str(r"C:\it's".into()))),
        r"ALTER TABLE `users` ADD COLUMN `c` LONGTEXT NULL DEFAULT ('C:\\it''s'), ALGORITHM=INSTANT"
    );
    assert_eq!(
        typed(Scalar::Timestamptz, Some(DefaultValue::Function(SqlFunction::Now))),
        "ALTER TABLE `users` ADD COLUMN `c` DATETIME(6) NULL DEFAULT CURRENT_TIMESTAMP(6), ALGORITHM=INPLACE, LOCK=NONE"
    );
    assert_eq!(
        typed(Scalar::Numeric(None), None),
        "ALTER TABLE `users` ADD COLUMN `c` DECIMAL(65, 30) NULL, ALGORITHM=INSTANT"
    );
    assert_eq!(
        typed(Scalar::Uuid, Some(DefaultValue::Function(SqlFunction::GenRandomUuid))),
        "ALTER TABLE `users` ADD COLUMN `c` CHAR(36) NULL DEFAULT (UUID()), ALGORITHM=INPLACE, LOCK=NONE"
    );
    assert_eq!(
        typed(Scalar::Jsonb, None),
        "ALTER TABLE `users` ADD COLUMN `c` JSON NULL, ALGORITHM=INSTANT"
    );
    assert_eq!(
        on_users(Op::AddColumn {
            table: "users".into(),
            column: column("c", Scalar::Interval),
        }),
        vec![format!(
            "{:?}",
            Step::Unsupported(
                "MySQL has no `interval` type: store a duration as `bigint` microseconds".into()
            )
        )]
    );
}

#[test]
fn a_column_change_restates_the_definition_the_chain_knows() {
    assert_eq!(
        on_users(alter(ColumnChange::SetNotNull, "name")),
        ["ALTER TABLE `users` MODIFY COLUMN `name` VARCHAR(50) NOT NULL, ALGORITHM=INPLACE, LOCK=NONE"]
    );
    assert_eq!(
        on_users(alter(ColumnChange::DropNotNull, "email")),
        ["ALTER TABLE `users` MODIFY COLUMN `email` VARCHAR(320) NULL, ALGORITHM=INPLACE, LOCK=NONE"]
    );
    // Within the two-byte length prefix: in place. Into LONGTEXT: a copy, so no online clause.
    let set_type = |to, from| ColumnChange::SetType {
        to: ColumnType::Scalar(to),
        from: ColumnType::Scalar(from),
        using: None,
    };
    assert_eq!(
        on_users(alter(set_type(Scalar::Varchar(400), Scalar::Varchar(320)), "email")),
        ["ALTER TABLE `users` MODIFY COLUMN `email` VARCHAR(400) NOT NULL, ALGORITHM=INPLACE, LOCK=NONE"]
    );
    assert_eq!(
        on_users(alter(set_type(Scalar::Text, Scalar::Varchar(320)), "email")),
        ["ALTER TABLE `users` MODIFY COLUMN `email` LONGTEXT NOT NULL"]
    );
    assert_eq!(
        on_users(alter(
            ColumnChange::SetDefault {
                to: DefaultValue::Str("x".into()),
                from: None
            },
            "name"
        )),
        ["ALTER TABLE `users` ALTER COLUMN `name` SET DEFAULT 'x', ALGORITHM=INSTANT"]
    );
    // A column raw SQL made: its definition is unknown, so the op cannot be written.
    let unknown = render_ops(&[alter(ColumnChange::SetNotNull, "name")], Dialect::Mysql);
    assert!(
        matches!(&unknown[0][..], [Step::Unsupported(reason)] if reason.contains("`users.name`"))
    );
}

#[test]
fn a_new_label_rewrites_every_column_of_the_enum() {
    let add = |position| Op::AddEnumValue {
        enum_name: "status".into(),
        value: "archived".into(),
        position,
    };
    assert_eq!(
        on_users(add(None)),
        ["ALTER TABLE `users` MODIFY COLUMN `status` ENUM('open', 'done', 'archived') NOT NULL DEFAULT 'open', ALGORITHM=INSTANT"]
    );
    assert_eq!(
        on_users(add(Some(EnumPosition::Before("done".into())))),
        ["ALTER TABLE `users` MODIFY COLUMN `status` ENUM('open', 'archived', 'done') NOT NULL DEFAULT 'open'"]
    );
}

#[test]
fn indexes_and_constraints_ask_for_online_ddl_on_a_table_with_rows() {
    let index = |unique, predicate: Option<&str>| Index {
        name: "ix_users_name".into(),
        table: "users".into(),
        columns: vec![Text::from("name")].into(),
        unique,
        predicate: predicate.map(|predicate| predicate.to_owned().into()),
        concurrently: true,
    };
    assert_eq!(
        on_users(Op::CreateIndex(index(false, Some("name IS NOT NULL")))),
        ["CREATE INDEX `ix_users_name` ON `users` (`name`) ALGORITHM=INPLACE LOCK=NONE"],
        "a partial index that is not unique becomes a full one"
    );
    assert!(
        on_users(Op::CreateIndex(index(true, Some("name IS NOT NULL"))))[0]
            .starts_with("Unsupported(\"MySQL has no partial indexes")
    );
    assert_eq!(
        on_users(Op::DropIndex(index(false, None))),
        ["ALTER TABLE `users` DROP INDEX `ix_users_name`, ALGORITHM=INPLACE, LOCK=NONE"]
    );
    assert_eq!(
        on_users(Op::AddUnique(UniqueConstraint {
            name: "uq_users_email".into(),
            table: "users".into(),
            columns: vec![Text::from("email")].into(),
        })),
        ["ALTER TABLE `users` ADD CONSTRAINT `uq_users_email` UNIQUE (`email`), ALGORITHM=INPLACE, LOCK=NONE"]
    );
    let fk = ForeignKey {
        name: "fk_users_manager_id".into(),
        table: "users".into(),
        columns: vec![Text::from("id")].into(),
        referenced_table: "users".into(),
        referenced_columns: vec![Text::from("id")].into(),
        on_delete: ReferentialAction::Cascade,
        on_update: ReferentialAction::NoAction,
    };
    assert_eq!(
        on_users(Op::DropForeignKey(fk.clone())),
        ["ALTER TABLE `users` DROP FOREIGN KEY `fk_users_manager_id`, ALGORITHM=INPLACE, LOCK=NONE"]
    );
    assert_eq!(
        on_users(Op::AddForeignKey(fk)),
        ["ALTER TABLE `users` ADD CONSTRAINT `fk_users_manager_id` FOREIGN KEY (`id`) REFERENCES `users` (`id`) ON DELETE CASCADE"]
    );
    // On a table created in the same migration: the plain forms.
    let ops = [
        status_enum(),
        users(),
        Op::CreateIndex(index(false, None)),
        Op::AddCheck(CheckConstraint {
            name: "ck_users_name".into(),
            table: "users".into(),
            expr: "name <> ''".into(),
        }),
    ];
    let steps = render_ops(&ops, Dialect::Mysql);
    assert_eq!(
        steps[2],
        vec![Step::Sql(
            "CREATE INDEX `ix_users_name` ON `users` (`name`)".into()
        )]
    );
    assert_eq!(
        steps[3],
        vec![Step::Sql(
            "ALTER TABLE `users` ADD CONSTRAINT `ck_users_name` CHECK (name <> '')".into()
        )]
    );
}

#[test]
fn backfills_walk_the_primary_key_then_use_update_with_limit() {
    let schema = after(&[status_enum(), users()]);
    let op = Op::Backfill {
        table: "users".into(),
        set: "name = email".into(),
        filter: "name IS NULL".into(),
        batch_size: 500,
    };
    let steps = render_ops_on(&[op], Dialect::Mysql, &schema).remove(0);
    let [Step::Backfill {
        batch,
        remaining,
        keyset: Some(walk),
    }] = steps.as_slice()
    else {
        panic!("{steps:?}")
    };
    assert_eq!(
        batch,
        "UPDATE `users` SET name = email WHERE name IS NULL LIMIT 500"
    );
    assert_eq!(
        remaining,
        "SELECT count(*) AS value FROM `users` WHERE name IS NULL"
    );
    // An integer key is compared bare: MySQL compares an integer with a string as two doubles,
    // which cannot tell 2^53 from 2^53 + 1.
    assert_eq!(
        walk.bound(Some(&["9007199254740993".into()])),
        "SELECT CAST(`id` AS CHAR) AS a, CAST(NULL AS CHAR) AS b, CAST(NULL AS CHAR) AS c, CAST(NULL AS CHAR) AS d FROM (SELECT `id` FROM `users` WHERE `id` > 9007199254740993 AND (name IS NULL) ORDER BY `id` LIMIT 500) AS batch ORDER BY `id` DESC LIMIT 1"
    );
    assert_eq!(
        walk.update(Some(&["42".into()]), &["542".into()]),
        "UPDATE `users` SET name = email WHERE `id` > 42 AND `id` <= 542 AND (name IS NULL)"
    );
}

fn migration(id: &str, parents: &[&str], upgrade: Vec<Op>) -> Migration {
    let def = MigrationDef {
        id: id.into(),
        parents: parents.iter().map(|parent| parent.to_string()).collect(),
        replaces: vec![],
        doc: String::new(),
        upgrade,
        downgrade: DowngradeDef::Irreversible("test".into()),
        lock_timeout_ms: None,
        statement_timeout_ms: None,
        waivers: vec![],
        adopted_names: false,
    };
    check(def, &Config::default()).0
}

/// The MySQL rules `op` breaks, applied to the example schema in a later migration.
fn mysql_rules(op: Op) -> Vec<CheckId> {
    let first = migration("0001_start", &[], vec![status_enum(), users()]);
    let second = migration("0002_change", &["0001_start"], vec![op]);
    let all = fold_for(&[&first, &second], &[Dialect::Postgres, Dialect::Mysql]).unwrap();
    let without = fold(&[&first, &second]).unwrap();
    let checks: Vec<CheckId> = all
        .iter()
        .filter(|problem| problem.diagnostic.check.family() == "mysql")
        .map(|problem| problem.diagnostic.check)
        .collect();
    assert!(
        without
            .iter()
            .all(|problem| problem.diagnostic.check.family() != "mysql"),
        "MySQL's rules apply only when it is a target"
    );
    checks
}

#[test]
fn the_mysql_rules_find_what_copies_a_table_with_rows() {
    assert_eq!(
        mysql_rules(Op::AddColumn {
            table: "users".into(),
            column: Column {
                default: Some(DefaultValue::Function(SqlFunction::Now)),
                ..column("seen_at", Scalar::Timestamptz)
            }
        }),
        [CheckId::MysqlExpressionDefault]
    );
    assert_eq!(
        mysql_rules(Op::AddCheck(CheckConstraint {
            name: "ck_users_name".into(),
            table: "users".into(),
            expr: "name <> ''".into(),
        })),
        [CheckId::MysqlCheckConstraint]
    );
    let set_type = |to, from| {
        alter(
            ColumnChange::SetType {
                to: ColumnType::Scalar(to),
                from: ColumnType::Scalar(from),
                using: None,
            },
            "name",
        )
    };
    assert_eq!(
        mysql_rules(set_type(Scalar::Varchar(63), Scalar::Varchar(50))),
        []
    );
    assert_eq!(
        mysql_rules(set_type(Scalar::Varchar(64), Scalar::Varchar(50))),
        [CheckId::MysqlTypeChange],
        "crossing the one-byte length prefix copies"
    );
    assert_eq!(
        mysql_rules(set_type(Scalar::BigInt, Scalar::Varchar(50))),
        [CheckId::MysqlTypeChange]
    );
    let add_label = |position| Op::AddEnumValue {
        enum_name: "status".into(),
        value: "archived".into(),
        position,
    };
    assert_eq!(mysql_rules(add_label(None)), []);
    assert_eq!(
        mysql_rules(add_label(Some(EnumPosition::After("done".into())))),
        []
    );
    assert_eq!(
        mysql_rules(add_label(Some(EnumPosition::After("open".into())))),
        [CheckId::MysqlEnumReorder]
    );
}

#[test]
fn the_mysql_rules_find_what_mysql_cannot_run_or_index() {
    assert_eq!(
        mysql_rules(Op::AddColumn {
            table: "users".into(),
            column: Column {
                nullable: true,
                ..column("wait", Scalar::Interval)
            }
        }),
        [CheckId::MysqlUnsupported]
    );
    assert_eq!(
        mysql_rules(Op::AddColumn {
            table: "users".into(),
            column: Column {
                nullable: true,
                ..column("bio", Scalar::Text)
            }
        }),
        []
    );
    let first = migration(
        "0001_start",
        &[],
        vec![
            status_enum(),
            users(),
            Op::AddColumn {
                table: "users".into(),
                column: Column {
                    nullable: true,
                    ..column("bio", Scalar::Text)
                },
            },
        ],
    );
    let index = migration(
        "0002_index_bio",
        &["0001_start"],
        vec![Op::CreateIndex(Index {
            name: "ix_users_bio".into(),
            table: "users".into(),
            columns: vec![Text::from("bio")].into(),
            unique: false,
            predicate: None,
            concurrently: true,
        })],
    );
    let problems = fold_for(&[&first, &index], &[Dialect::Mysql]).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].diagnostic.check, CheckId::MysqlUnboundedKey);
    assert!(problems[0]
        .diagnostic
        .message
        .contains("`users.bio` is `text`"));
}

#[test]
fn raw_sql_is_read_for_what_mysql_does_differently() {
    let execute = |sql: &str| Op::Execute {
        up: sql.to_owned().into(),
        down: Some("SELECT 1".into()),
    };
    assert_eq!(
        mysql_rules(execute("alter table users force, algorithm = copy")),
        [CheckId::MysqlAlgorithmCopy]
    );
    assert_eq!(
        mysql_rules(execute("ALTER TABLE users FORCE, LOCK=EXCLUSIVE")),
        [CheckId::MysqlLockOption]
    );
    assert_eq!(
        mysql_rules(execute(
            "CREATE TABLE a (id INT, b INT, FOREIGN KEY (b) REFERENCES users (id))"
        )),
        []
    );
    assert_eq!(
        mysql_rules(execute(
            "CREATE TABLE a (id INT, FOREIGN KEY (id) REFERENCES users (id), b INT REFERENCES users (id))"
        )),
        [CheckId::MysqlInlineReferences]
    );
}

#[test]
fn removing_a_label_converts_every_column_of_the_enum() {
    let drop = Op::DropEnumValue {
        enum_name: "status".into(),
        value: "done".into(),
        position: Some(EnumPosition::After("open".into())),
    };
    assert_eq!(
        on_users(drop.clone()),
        ["ALTER TABLE `users` MODIFY COLUMN `status` ENUM('open') NOT NULL DEFAULT 'open'"],
        "a copy on MySQL: no online clause"
    );
    let schema = after(&[
        status_enum(),
        users(),
        Op::AddCheck(CheckConstraint {
            name: "ck_users_status".into(),
            table: "users".into(),
            expr: "status <> 'done'".into(),
        }),
    ]);
    let steps = render_ops_on(&[drop], Dialect::Postgres, &schema);
    let sql: Vec<String> = steps[0]
        .iter()
        .map(|step| match step {
            Step::Sql(sql) => sql.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        sql,
        [
            r#"ALTER TYPE "status" RENAME TO "status_before_drop""#,
            r#"CREATE TYPE "status" AS ENUM ('open')"#,
            r#"ALTER TABLE "users" DROP CONSTRAINT "ck_users_status""#,
            r#"ALTER TABLE "users" ALTER COLUMN "status" DROP DEFAULT"#,
            r#"ALTER TABLE "users" ALTER COLUMN "status" TYPE "status" USING "status"::text::"status""#,
            r#"ALTER TABLE "users" ALTER COLUMN "status" SET DEFAULT 'open'"#,
            r#"ALTER TABLE "users" ADD CONSTRAINT "ck_users_status" CHECK (status <> 'done')"#,
            r#"DROP TYPE "status_before_drop""#,
        ]
    );
    // Its inverse puts the label back where it was.
    assert_eq!(
        Op::DropEnumValue {
            enum_name: "status".into(),
            value: "done".into(),
            position: Some(EnumPosition::After("open".into())),
        }
        .inverse(),
        migrate_core::inverse::Inverse::Op(Op::AddEnumValue {
            enum_name: "status".into(),
            value: "done".into(),
            position: Some(EnumPosition::After("open".into())),
        })
    );
}
