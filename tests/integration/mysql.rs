//! MySQL and MariaDB, on the real server: every op runs and is undone, the offline script is what
//! the executor sends, a step that fails resumes after the fix, a step the server completed after
//! its client died is counted done, and migrations not checked for MySQL do not run there.

use std::cell::RefCell;
use std::rc::Rc;

use diesel::QueryResult;
use migrate_runtime::core::render::Dialect;
use migrate_runtime::{AnyConnection, DataConnection, Database, Error, Migrator, Target};

use crate::fixtures;
use crate::support::{schema, tables, TestDb};

#[test]
fn every_op_runs_and_is_undone_on_mariadb() {
    let db = TestDb::mysql();
    let conn = &mut db.any();
    let migrator = Migrator::new(&fixtures::portable::MIGRATIONS).unwrap();
    let empty = schema(conn);
    let applied = migrator.upgrade(conn, Target::Head).unwrap();
    assert_eq!(applied.len(), 6);
    let built = schema(conn).join("\n");
    for expected in [
        "column | users.status | enum('active','suspended') NO | 'active'",
        "column | users.name | varchar(100) NO | 'anonymous'",
        "column | articles.title | varchar(300) NO | -",
        "column | articles.content | longtext YES | NULL",
        "index | articles.uq_posts_user_id_title | user_id,title unique | -",
        "index | users.ix_users_name | name | -",
        "constraint | articles.fk_posts_user_id | FOREIGN KEY | -",
        "check | articles.ck_posts_title_not_blank | `title` <> '' | -",
        "view | active_users | - | -",
    ] {
        assert!(built.contains(expected), "{expected:?} not in:\n{built}");
    }
    assert_eq!(
        conn.query_i64("SELECT count(*) AS value FROM users WHERE name = 'anonymous'")
            .unwrap(),
        Some(2),
        "the backfill filled the NULL names"
    );
    migrator.downgrade(conn, Target::Base).unwrap();
    assert_eq!(schema(conn), empty);
    assert_eq!(tables(conn), ["migrate_progress", "migrate_versions"]);
    // And up again: the downgrade left nothing in the way.
    assert_eq!(migrator.upgrade(conn, Target::Head).unwrap().len(), 6);
}

#[test]
fn enum_labels_are_appended_to_every_column_of_the_enum() {
    // Each set in its own module: registrations are collected by module path.
    mod appended {
        migrate_runtime::migrations! {
            #![targets = "mysql"]
            mod m0001 {
                migrate_runtime::migration! {
                    id: "0001_create_tickets",
                    parent: none,
                    change {
                        create_enum(ticket_state, ["open", "closed"]);
                        create_table(tickets, { id: bigint identity, state: enum(ticket_state) default("open") }, primary_key: pk_tickets(id));
                        create_table(ticket_events, { id: bigint identity, state: enum(ticket_state) nullable }, primary_key: pk_ticket_events(id));
                    }
                }
            }
            mod m0002 {
                migrate_runtime::migration! {
                    id: "0002_add_pending",
                    parent: "0001_create_tickets",
                    upgrade { add_enum_value(ticket_state, "pending", after: "closed"); }
                    downgrade { irreversible("PostgreSQL cannot remove a value from an enum type"); }
                }
            }
        }
    }
    let db = TestDb::mysql();
    let conn = &mut db.any();
    Migrator::new(&appended::MIGRATIONS)
        .unwrap()
        .upgrade(conn, Target::Head)
        .unwrap();
    let built = schema(conn).join("\n");
    assert!(
        built.contains("tickets.state | enum('open','closed','pending') NO | 'open'"),
        "{built}"
    );
    assert!(
        built.contains("ticket_events.state | enum('open','closed','pending') YES | NULL"),
        "{built}"
    );
    conn.batch_execute("INSERT INTO tickets (state) VALUES ('pending')")
        .unwrap();
}

/// A connection that records every statement it is asked to send.
struct Recording {
    inner: AnyConnection,
    sent: Rc<RefCell<Vec<String>>>,
}

impl Database for Recording {
    fn dialect(&self) -> Dialect {
        self.inner.dialect()
    }
    fn execute(&mut self, sql: &str) -> QueryResult<usize> {
        self.sent.borrow_mut().push(sql.to_owned());
        self.inner.execute(sql)
    }
    fn batch_execute(&mut self, sql: &str) -> QueryResult<()> {
        self.sent.borrow_mut().push(sql.to_owned());
        self.inner.batch_execute(sql)
    }
    fn query_i64(&mut self, sql: &str) -> QueryResult<Option<i64>> {
        self.inner.query_i64(sql)
    }
    fn query_bool(&mut self, sql: &str) -> QueryResult<bool> {
        self.inner.query_bool(sql)
    }
    fn query_texts(&mut self, sql: &str) -> QueryResult<Vec<[Option<String>; 4]>> {
        self.inner.query_texts(sql)
    }
    fn begin(&mut self, sql: Option<&str>) -> QueryResult<()> {
        self.inner.begin(sql)
    }
    fn commit(&mut self) -> QueryResult<()> {
        self.inner.commit()
    }
    fn rollback(&mut self) -> QueryResult<()> {
        self.inner.rollback()
    }
    fn data_connection(&mut self) -> DataConnection<'_> {
        self.inner.data_connection()
    }
}

#[test]
fn the_offline_script_is_what_the_executor_sends() {
    let db = TestDb::mysql();
    let sent = Rc::new(RefCell::new(Vec::new()));
    let mut conn = Recording {
        inner: db.any(),
        sent: Rc::clone(&sent),
    };
    let migrator = Migrator::new(&fixtures::portable::MIGRATIONS).unwrap();
    let script = migrator
        .sql(&"base:head".parse().unwrap(), Dialect::Mysql)
        .unwrap();
    assert!(script.is_complete(), "{:?}", script.missing);
    let script = script.sql;
    migrator.upgrade(&mut conn, Target::Head).unwrap();
    // Each statement of the script, in order, is in a batch sent (the runtime sends a step with
    // its progress record, in one round trip), but a backfill's walk: its ranges come from the
    // rows, and the scan after it runs only for rows written behind it.
    // `Some(true)` once the walk's last statement, the scan, is next.
    let mut walk: Option<bool> = None;
    let statements: Vec<&str> = script
        .lines()
        .filter(|line| {
            if line.starts_with("-- in primary-key order") {
                walk = Some(false);
            }
            if walk.is_some() && line.starts_with("-- then, while rows written behind the walk") {
                walk = Some(true);
            }
            let statement = walk.is_none() && !line.starts_with("--") && !line.is_empty();
            if walk == Some(true) && line.ends_with(';') {
                walk = None;
            }
            statement
        })
        .map(|line| line.trim_end_matches(';'))
        .collect();
    assert!(statements.len() > 10, "{script}");
    let sent = sent.borrow();
    let mut position = 0;
    for statement in &statements {
        let found = sent[position..]
            .iter()
            .position(|sent| sent.contains(statement));
        let Some(found) = found else {
            panic!("{statement:?} was not sent (after statement {position}); sent:\n{sent:#?}");
        };
        position += found + 1;
    }
    assert!(
        script.contains("-- 0001_create_users_and_posts (upgrade, step by step: MySQL commits each DDL statement, so each step's progress is recorded)"),
        "{script}"
    );
}

#[test]
fn a_step_that_fails_on_the_data_resumes_there_after_the_data_is_fixed() {
    let db = TestDb::mysql();
    let conn = &mut db.any();
    let migrator = Migrator::new(&fixtures::duplicate_emails::MIGRATIONS).unwrap();
    let error = migrator
        .upgrade(conn, Target::Head)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("failed at op 2 `create_index(uq_users_email")
            && error.contains("Duplicate entry 'a@example.com'")
            && error.contains(
                "step 1 of 2 completed and is recorded, and the next run resumes at step 2"
            ),
        "{error}"
    );
    // Step 1 ran and stays: MySQL committed it.
    assert!(schema(conn)
        .join("\n")
        .contains("column | users.verified | tinyint(1) NO | 0"));
    conn.batch_execute("DELETE FROM users WHERE id = 2")
        .unwrap();
    let applied = migrator.upgrade(conn, Target::Head).unwrap();
    assert_eq!(applied[0].id, "0002_unique_emails");
    assert!(schema(conn)
        .join("\n")
        .contains("index | users.uq_users_email | email unique"));
    assert_eq!(
        conn.query_i64("SELECT count(*) AS value FROM migrate_progress")
            .unwrap(),
        Some(0)
    );
}

#[test]
fn a_step_the_server_finished_after_its_client_died_is_counted_done() {
    let db = TestDb::mysql();
    let conn = &mut db.any();
    let migrator = Migrator::new(&fixtures::duplicate_emails::MIGRATIONS).unwrap();
    migrator
        .upgrade(conn, Target::Revision("0001_create_users".into()))
        .unwrap();
    conn.batch_execute("DELETE FROM users WHERE id = 2")
        .unwrap();
    // What a run killed during `ADD COLUMN` leaves: the statement completed on the server, and
    // only the record that the migration started is there.
    let checksum = migrator
        .resolve("0002_unique_emails")
        .unwrap()
        .checksum
        .to_string();
    conn.batch_execute(&format!(
        "ALTER TABLE users ADD COLUMN verified BOOLEAN NOT NULL DEFAULT FALSE;
         INSERT INTO migrate_progress (id, direction, ops_done, checksum) VALUES ('0002_unique_emails', 'up', 0, '{checksum}')"
    ))
    .unwrap();
    let applied = migrator.upgrade(conn, Target::Head).unwrap();
    assert_eq!(applied[0].id, "0002_unique_emails");
    assert!(schema(conn)
        .join("\n")
        .contains("index | users.uq_users_email | email unique"));
}

#[test]
fn migrations_not_checked_for_mysql_do_not_run_there() {
    let db = TestDb::mysql();
    let conn = &mut db.any();
    let error = Migrator::new(&fixtures::chain::MIGRATIONS)
        .unwrap()
        .upgrade(conn, Target::Head)
        .unwrap_err();
    assert!(matches!(error, Error::NotCheckedFor { .. }), "{error}");
    assert!(
        error
            .to_string()
            .contains("add `targets = [\"mysql\"]` (with your other backends) to `[package.metadata.migrate]`"),
        "{error}"
    );
    assert_eq!(tables(conn), Vec::<String>::new(), "nothing ran");
}

#[test]
fn a_lock_held_by_another_session_names_it_and_times_out() {
    let db = TestDb::mysql();
    let mut holder = db.any();
    assert_eq!(
        holder
            .query_i64("SELECT GET_LOCK(CONCAT('migrate:', SHA1(DATABASE())), 0) AS value")
            .unwrap(),
        Some(1)
    );
    let conn = &mut db.any();
    let error = Migrator::new(&fixtures::portable::MIGRATIONS)
        .unwrap()
        .lock_wait(Some(std::time::Duration::from_millis(300)))
        .upgrade(conn, Target::Head)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("gave up waiting for the migration lock after")
            && error.contains("(MySQL connection "),
        "{error}"
    );
    // Another database on the same server has a lock of its own.
    let other = TestDb::mysql();
    Migrator::new(&fixtures::portable::MIGRATIONS)
        .unwrap()
        .lock_wait(Some(std::time::Duration::from_millis(300)))
        .upgrade(&mut other.any(), Target::Head)
        .unwrap();
}

#[test]
fn a_mysql_url_connects_and_a_misspelt_one_is_refused() {
    let db = TestDb::mysql();
    let conn = AnyConnection::establish(&db.url).unwrap();
    assert_eq!(format!("{conn:?}"), "AnyConnection(mysql)");
    let mariadb = db.url.replacen("mysql://", "mariadb://", 1);
    assert_eq!(
        AnyConnection::establish(&mariadb).unwrap().dialect(),
        Dialect::Mysql
    );
    let error = AnyConnection::establish("mysql:root@127.0.0.1/app")
        .unwrap_err()
        .to_string();
    assert!(error.contains("mysql://user@host:3306/dbname"), "{error}");
}

#[test]
fn removing_a_label_a_row_still_holds_fails_and_keeps_it() {
    mod removed {
        migrate_runtime::migrations! {
            #![targets = "postgres, sqlite, mysql"]
            mod m0001 {
                migrate_runtime::migration! {
                    id: "0001_create_tickets",
                    parent: none,
                    change {
                        create_enum(ticket_state, ["open", "closed"]);
                        create_table(tickets, { id: bigint identity, state: enum(ticket_state) default("open") }, primary_key: pk_tickets(id));
                        create_index(ix_tickets_open, tickets(id), where: "state = 'open'");
                    }
                }
            }
            mod m0002 {
                migrate_runtime::migration! {
                    id: "0002_add_pending",
                    parent: "0001_create_tickets",
                    upgrade { add_enum_value(ticket_state, "pending", after: "closed"); }
                    downgrade {
                        #[allow(drop_enum_value, reason = "fixture: tickets is small")]
                        drop_enum_value(ticket_state, "pending", after: "closed");
                    }
                }
            }
        }
    }
    for db in [TestDb::postgres(), TestDb::mysql()] {
        let conn = &mut db.any();
        let migrator = Migrator::new(&removed::MIGRATIONS).unwrap();
        migrator.upgrade(conn, Target::Head).unwrap();
        let before = schema(conn);
        conn.batch_execute("INSERT INTO tickets (state) VALUES ('pending')")
            .unwrap();
        let error = migrator
            .downgrade(conn, Target::Revision("0001_create_tickets".into()))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(
                "failed at op 1 `drop_enum_value(ticket_state, \"pending\", after: \"closed\")`"
            ),
            "{error}"
        );
        assert_eq!(schema(conn), before, "nothing of the removal was kept");
        assert_eq!(
            migrator.current(conn).unwrap(),
            ["0002_add_pending"],
            "still applied"
        );
        // Once no row holds it, the label goes, and the partial index keeps working.
        conn.batch_execute("DELETE FROM tickets").unwrap();
        migrator
            .downgrade(conn, Target::Revision("0001_create_tickets".into()))
            .unwrap();
        conn.batch_execute("INSERT INTO tickets (state) VALUES ('closed')")
            .unwrap();
        assert!(conn
            .batch_execute("INSERT INTO tickets (state) VALUES ('pending')")
            .is_err());
    }
}

#[test]
fn an_op_mysql_cannot_write_refuses_the_run_before_its_first_statement() {
    mod opaque {
        migrate_runtime::migrations! {
            #![targets = "postgres, mysql"]
            mod m0001 {
                migrate_runtime::migration! {
                    id: "0001_adopt_legacy",
                    parent: none,
                    upgrade {
                        execute("CREATE TABLE legacy (code VARCHAR(10) NULL)", down: "DROP TABLE legacy");
                    }
                    downgrade {
                        execute("DROP TABLE legacy", down: "CREATE TABLE legacy (code VARCHAR(10) NULL)");
                    }
                }
            }
            mod m0002 {
                migrate_runtime::migration! {
                    id: "0002_require_codes",
                    parent: "0001_adopt_legacy",
                    change { alter_column(legacy, code, set_not_null); }
                }
            }
        }
    }
    let db = TestDb::mysql();
    let conn = &mut db.any();
    let error = Migrator::new(&opaque::MIGRATIONS)
        .unwrap()
        .upgrade(conn, Target::Head)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("migration 0002_require_codes failed at op 1")
            && error.contains("does not know the definition of `legacy.code`")
            && error.contains("the run was refused before its first statement"),
        "{error}"
    );
    assert_eq!(
        tables(conn),
        ["migrate_progress", "migrate_versions"],
        "0001 did not run either"
    );
}

/// The version table keeps each migration's definition in a `LONGTEXT` (MySQL's `text` stops at
/// 64 KiB), escaped for MySQL, where a backslash in `'…'` is an escape; a table an earlier version
/// created gets the column from `repair`, which then re-records an edit made on purpose.
#[test]
fn repair_records_an_edit_and_the_definition_on_mariadb() {
    mod applied {
        migrate_runtime::migrations! {
            #![targets = "mysql"]
            mod m0001 {
                migrate_runtime::migration! {
                    id: "0001_create_notes",
                    parent: none,
                    change {
                        create_table(notes, { id: bigint, path: varchar(100) default("C:\\dir\\'; --") }, primary_key: pk_notes(id));
                    }
                }
            }
        }
    }
    mod edited {
        migrate_runtime::migrations! {
            #![targets = "mysql"]
            mod m0001 {
                migrate_runtime::migration! {
                    id: "0001_create_notes",
                    parent: none,
                    change {
                        create_table(notes, { id: bigint, path: varchar(200) default("C:\\dir\\'; --") }, primary_key: pk_notes(id));
                    }
                }
            }
        }
    }
    let db = TestDb::mysql();
    let conn = &mut db.any();
    let applied = Migrator::new(&applied::MIGRATIONS).unwrap();
    applied.upgrade(conn, Target::Head).unwrap();
    let recorded = |conn: &mut AnyConnection| {
        let [checksum, definition, column_type, _] = conn
            .query_texts(
                "SELECT checksum AS a, definition AS b,
                        (SELECT data_type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'migrate_versions' AND column_name = 'definition') AS c,
                        NULL AS d
                 FROM migrate_versions",
            )
            .unwrap()
            .remove(0);
        (checksum.unwrap(), definition.unwrap(), column_type.unwrap())
    };
    let (checksum, definition, column_type) = recorded(conn);
    assert_eq!(column_type, "longtext");
    assert!(
        definition.contains(r#"default("C:\\dir\\'; --")"#),
        "{definition}"
    );
    assert_eq!(migrate_core::checksum::of_canonical(&definition), checksum);

    // As an earlier version left it: no definition column.
    conn.batch_execute("ALTER TABLE migrate_versions DROP COLUMN definition")
        .unwrap();
    let migrator = Migrator::new(&edited::MIGRATIONS).unwrap();
    assert!(matches!(
        migrator.upgrade(conn, Target::Head),
        Err(Error::Drift { .. })
    ));
    let preview = migrator.applied_edit(conn, "0001").unwrap();
    assert!(preview.is_edited() && preview.recorded_definition.is_none());
    // The database gets what the edit says by hand, and the edit is recorded.
    conn.batch_execute(
        "ALTER TABLE notes MODIFY path VARCHAR(200) NOT NULL DEFAULT 'C:\\\\dir\\\\''; --'",
    )
    .unwrap();
    let repaired = migrator.repair(conn, "0001").unwrap();
    assert!(repaired.is_edited() && repaired.diff().is_none());
    let (checksum, definition, column_type) = recorded(conn);
    assert_eq!(column_type, "longtext");
    assert_eq!(checksum, migrator.migrations()[0].checksum);
    assert_eq!(migrate_core::checksum::of_canonical(&definition), checksum);
    assert!(migrator.upgrade(conn, Target::Head).unwrap().is_empty());
    assert!(migrator.schema_drift(conn).unwrap().is_empty());
}
