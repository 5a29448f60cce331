//! Drift's words for MySQL and MariaDB: what `expected` says the migrations build is what the
//! runtime reads from `information_schema` (written here as MariaDB 10.11 answers), so a schema
//! the migrations built shows no drift, and a change to it does.

use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
use migrate_core::fold::{
    compare, expected, mysql_referential_action, schema, ForeignKeyFacts, Objects,
};
use migrate_core::model::{
    CheckConstraint, Column, ColumnType, DefaultValue, EnumType, ForeignKey, Index, Migration, Op,
    PrimaryKey, ReferentialAction, Scalar, SqlFunction, Table, UniqueConstraint,
};
use migrate_core::render::Dialect;

fn migration(upgrade: Vec<Op>) -> Migration {
    let def = MigrationDef {
        id: "0001_create".into(),
        parents: vec![],
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

fn column(name: &'static str, scalar: Scalar, default: Option<DefaultValue>) -> Column {
    Column {
        name: name.into(),
        ty: ColumnType::Scalar(scalar),
        nullable: false,
        default,
        identity: false,
        generated: None,
    }
}

fn tickets(labels: &[&'static str]) -> Vec<Op> {
    let id = Column {
        identity: true,
        ..column("id", Scalar::BigInt, None)
    };
    vec![
        Op::CreateEnum(EnumType {
            name: "ticket_status".into(),
            values: labels
                .iter()
                .map(|label| (*label).into())
                .collect::<Vec<_>>()
                .into(),
        }),
        Op::CreateTable(Table {
            name: "users".into(),
            columns: vec![
                id.clone(),
                column("email", Scalar::Varchar(320), None),
                column("age", Scalar::Integer, Some(DefaultValue::Int("-1".into()))),
            ]
            .into(),
            primary_key: Some(PrimaryKey {
                name: "pk_users".into(),
                columns: vec!["id".into()].into(),
            }),
        }),
        Op::AddUnique(UniqueConstraint {
            name: "uq_users_email".into(),
            table: "users".into(),
            columns: vec!["email".into()].into(),
        }),
        Op::CreateTable(Table {
            name: "tickets".into(),
            columns: vec![
                id,
                column("user_id", Scalar::BigInt, None),
                column(
                    "status",
                    Scalar::Enum("ticket_status".into()),
                    Some(DefaultValue::Str("it's".into())),
                ),
                column("done", Scalar::Boolean, Some(DefaultValue::Bool(false))),
                column(
                    "price",
                    Scalar::Numeric(Some((10, 2))),
                    Some(DefaultValue::Float("1.5".into())),
                ),
                column(
                    "note",
                    Scalar::Text,
                    Some(DefaultValue::Str("C:\\dir".into())),
                ),
                column(
                    "opened_at",
                    Scalar::Timestamptz,
                    Some(DefaultValue::Function(SqlFunction::Now)),
                ),
                column(
                    "due",
                    Scalar::Date,
                    Some(DefaultValue::Function(SqlFunction::CurrentDate)),
                ),
                column(
                    "due_at",
                    Scalar::Timestamp,
                    Some(DefaultValue::Str("2020-01-31".into())),
                ),
                column("payload", Scalar::Json, None),
                column(
                    "answer",
                    Scalar::Integer,
                    Some(DefaultValue::Sql("6 * 7".into())),
                ),
            ]
            .into(),
            primary_key: Some(PrimaryKey {
                name: "pk_tickets".into(),
                columns: vec!["id".into()].into(),
            }),
        }),
        Op::CreateIndex(Index {
            name: "ix_tickets_open".into(),
            table: "tickets".into(),
            columns: vec!["user_id".into()].into(),
            unique: false,
            predicate: Some("status = 'open'".into()),
            concurrently: false,
        }),
        Op::AddForeignKey(ForeignKey {
            name: "fk_tickets_user_id".into(),
            table: "tickets".into(),
            columns: vec!["user_id".into()].into(),
            referenced_table: "users".into(),
            referenced_columns: vec!["id".into()].into(),
            on_delete: ReferentialAction::Restrict,
            on_update: ReferentialAction::NoAction,
        }),
        Op::AddCheck(CheckConstraint {
            name: "ck_users_age".into(),
            table: "users".into(),
            expr: "age >= -1".into(),
        }),
    ]
}

fn expected_on_mysql(labels: &[&'static str]) -> Objects {
    let migration = migration(tickets(labels));
    let schema = schema(&[&migration], None).expect("a valid graph");
    expected(&schema, Dialect::Mysql)
}

/// The objects of `tickets(["open", "it's"])` as the runtime reads them from MariaDB 10.11.
fn live() -> Objects {
    let mut live = Objects::default();
    live.table("users");
    live.mysql_column("users", "id", "bigint(20)", true, true, None);
    live.mysql_column("users", "email", "varchar(320)", true, false, None);
    live.mysql_column("users", "age", "int(11)", true, false, Some("-1"));
    live.primary_key("users", None, &["id"]);
    // A unique constraint is a unique index.
    live.index("uq_users_email", "users", &["email"], true, false);
    live.check("ck_users_age", "users");
    live.table("tickets");
    live.mysql_column("tickets", "id", "bigint(20)", true, true, None);
    live.mysql_column("tickets", "user_id", "bigint(20)", true, false, None);
    live.mysql_column(
        "tickets",
        "status",
        "enum('open','it''s')",
        true,
        false,
        Some("'it''s'"),
    );
    live.mysql_column("tickets", "done", "tinyint(1)", true, false, Some("0"));
    live.mysql_column(
        "tickets",
        "price",
        "decimal(10,2)",
        true,
        false,
        Some("1.50"),
    );
    // An expression default on a LONGTEXT: MariaDB escapes with backslashes there.
    live.mysql_column(
        "tickets",
        "note",
        "longtext",
        true,
        false,
        Some("'C:\\\\dir'"),
    );
    live.mysql_column(
        "tickets",
        "opened_at",
        "datetime(6)",
        true,
        false,
        Some("current_timestamp(6)"),
    );
    live.mysql_column("tickets", "due", "date", true, false, Some("curdate()"));
    live.mysql_column(
        "tickets",
        "due_at",
        "datetime(6)",
        true,
        false,
        Some("'2020-01-31 00:00:00.000000'"),
    );
    // MariaDB's JSON, read back without its `json_valid` check.
    live.mysql_column("tickets", "payload", "json", true, false, None);
    live.mysql_column("tickets", "answer", "int(11)", true, false, Some("6 * 7"));
    live.primary_key("tickets", None, &["id"]);
    // The partial index is built in full.
    live.index("ix_tickets_open", "tickets", &["user_id"], false, false);
    live.foreign_key(&ForeignKeyFacts {
        name: Some("fk_tickets_user_id"),
        table: "tickets",
        columns: &["user_id"],
        referenced_table: "users",
        referenced_columns: &["id"],
        on_delete: mysql_referential_action("RESTRICT"),
        // What InnoDB says of an `ON UPDATE` that was not written.
        on_update: mysql_referential_action("RESTRICT"),
    });
    live
}

fn lines(expected: &Objects, live: &Objects) -> Vec<String> {
    compare(expected, live, &[])
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn the_schema_the_migrations_build_is_what_mariadb_reads_back() {
    assert_eq!(
        lines(&expected_on_mysql(&["open", "it's"]), &live()),
        Vec::<String>::new()
    );
}

#[test]
fn enum_labels_are_compared_in_order_as_the_column_type() {
    assert_eq!(
        lines(&expected_on_mysql(&["it's", "open"]), &live()),
        ["column tickets.status is `enum('open','it''s') not null default 'it''s'` in the database but `enum('it''s','open') not null default 'it''s'` in the migrations"]
    );
}

#[test]
fn a_changed_default_type_or_action_is_drift() {
    let mut live = live();
    live.mysql_column(
        "tickets",
        "price",
        "decimal(10,2)",
        true,
        false,
        Some("1.51"),
    );
    live.mysql_column("users", "age", "bigint(20)", true, false, Some("-1"));
    live.foreign_key(&ForeignKeyFacts {
        name: Some("fk_tickets_user_id"),
        table: "tickets",
        columns: &["user_id"],
        referenced_table: "users",
        referenced_columns: &["id"],
        on_delete: "CASCADE",
        on_update: "RESTRICT",
    });
    assert_eq!(
        lines(&expected_on_mysql(&["open", "it's"]), &live),
        [
            "column tickets.price is `decimal(10,2) not null default 1.51` in the database but `decimal(10,2) not null default 1.5` in the migrations",
            "column users.age is `bigint not null default -1` in the database but `int not null default -1` in the migrations",
            "foreign key fk_tickets_user_id is `on tickets (user_id) references users (id) on delete cascade on update restrict` in the database but `on tickets (user_id) references users (id) on delete no action` in the migrations",
        ]
    );
}

#[test]
fn display_widths_padded_numbers_and_escapes_read_back_as_written() {
    let same = |a: (&str, Option<&str>), b: (&str, Option<&str>)| {
        let (mut left, mut right) = (Objects::default(), Objects::default());
        left.mysql_column("t", "c", a.0, false, false, a.1);
        right.mysql_column("t", "c", b.0, false, false, b.1);
        compare(&left, &right, &[]).is_empty()
    };
    assert!(same(("int(11)", None), ("int", None)));
    assert!(same(
        ("bigint(20) unsigned", None),
        ("bigint unsigned", None)
    ));
    assert!(same(("smallint(6)", Some("-0")), ("smallint", Some("0"))));
    assert!(same(("double", Some("1000")), ("double", Some("1e3"))));
    assert!(same(
        ("longtext", Some("'it\\'s'")),
        ("longtext", Some("'it''s'"))
    ));
    assert!(same(
        ("longtext", Some("'a\\nb'")),
        ("longtext", Some("'a\nb'"))
    ));
    assert!(same(
        ("time(6)", Some("'12:30:00.500000'")),
        ("time(6)", Some("'12:30:00.5'"))
    ));
    // The boolean keeps its width; a string is not a number; an expression is not a literal.
    assert!(!same(("tinyint(1)", None), ("tinyint(4)", None)));
    assert!(!same(
        ("varchar(5)", Some("'1.50'")),
        ("varchar(5)", Some("'1.5'"))
    ));
    assert!(!same(
        ("varchar(5)", Some("'a' 'b'")),
        ("varchar(5)", Some("'ab'"))
    ));
    assert!(!same(("int(11)", Some("5")), ("int(11)", None)));
}

#[test]
fn postgres_and_sqlite_keep_their_words() {
    let migration = migration(tickets(&["open", "it's"]));
    let schema = schema(&[&migration], None).expect("a valid graph");
    let missing = |dialect| lines(&expected(&schema, dialect), &Objects::default()).join("\n");
    let postgres = missing(Dialect::Postgres);
    // PostgreSQL has the enum as a type, the unique constraint, names and the partial index.
    for words in [
        "enum ticket_status ((open, it's))",
        "unique constraint uq_users_email (on users (email))",
        "primary key of users (pk_users (id))",
        "index ix_tickets_open (on tickets (user_id) where …)",
        "foreign key fk_tickets_user_id (on tickets (user_id) references users (id) on delete restrict)",
    ] {
        assert!(postgres.contains(words), "{words} in\n{postgres}");
    }
    let sqlite = missing(Dialect::Sqlite);
    assert!(!sqlite.contains("enum ticket_status"), "{sqlite}");
    assert!(
        sqlite.contains("index uq_users_email (on users (email) unique)"),
        "{sqlite}"
    );
}
