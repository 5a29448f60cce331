//! Autogenerate from a live PostgreSQL database, through `Migrator::autogenerate`: what the
//! catalogs say about enums, unique constraints, defaults and types becomes ops, and the chain
//! with those ops builds the schema the database has.

use migrate_runtime::core::check::{check, Config, DowngradeDef, MigrationDef};
use migrate_runtime::core::fold::autogenerate::{plan, Options, Plan};
use migrate_runtime::core::model::Migration;
use migrate_runtime::{live_schema, Database, Migrator, Target};

use crate::fixtures;
use crate::support::TestDb;

/// The chain's migrations with the plan's, each checked as `migration!` checks it.
fn with_plan(migrator: &Migrator, plan: &Plan) -> Vec<Migration> {
    let mut chain: Vec<Migration> = migrator.migrations().iter().map(|m| (*m).clone()).collect();
    for (index, (_, steps)) in plan.migrations().into_iter().enumerate() {
        let parent = chain.last().map(|m| m.id.to_string()).unwrap();
        let upgrade: Vec<_> = steps.iter().map(|step| step.op.clone()).collect();
        // As the CLI writes it: `change`, or `irreversible` when an op has no inverse.
        let downgrade = match migrate_runtime::core::inverse::downgrade_of(&upgrade) {
            Ok(_) => DowngradeDef::Computed,
            Err(_) => DowngradeDef::Irreversible("an enum label was added".into()),
        };
        let (written, problems) = check(
            MigrationDef {
                id: format!("{:04}_written", chain.len() + index + 1),
                parents: vec![parent],
                doc: String::new(),
                upgrade,
                downgrade,
                lock_timeout_ms: None,
                statement_timeout_ms: None,
                waivers: vec![],
                adopted_names: false,
                replaces: vec![],
            },
            &Config::default(),
        );
        let problems: Vec<String> = problems
            .iter()
            .map(|p| p.check.as_str().to_owned())
            .collect();
        assert_eq!(
            problems,
            Vec::<String>::new(),
            "the written migration passes its checks"
        );
        chain.push(written);
    }
    chain
}

#[test]
fn enums_uniques_defaults_and_types_changed_by_hand_become_ops_that_rebuild_them() {
    let db = TestDb::postgres();
    let mut conn = db.any();
    let migrator = Migrator::new(&fixtures::autogenerate_postgres::MIGRATIONS).unwrap();
    migrator.upgrade(&mut conn, Target::Head).unwrap();
    // A label cannot be used in the transaction that added it.
    conn.batch_execute("ALTER TYPE ticket_state ADD VALUE 'triaged' AFTER 'open'")
        .unwrap();
    conn.batch_execute(
        "ALTER TABLE tickets ADD CONSTRAINT uq_tickets_title UNIQUE (title);
         ALTER TABLE tickets ALTER COLUMN points SET DEFAULT 1;
         ALTER TABLE tickets ALTER COLUMN state SET DEFAULT 'triaged';
         ALTER TABLE tickets ALTER COLUMN due SET NOT NULL;
         ALTER TABLE tickets ALTER COLUMN title TYPE varchar(200);
         ALTER TABLE tickets ADD COLUMN estimate numeric(6, 2) DEFAULT 0.5;
         ALTER TABLE tickets ADD COLUMN labels text[] NOT NULL DEFAULT '{}';
         CREATE INDEX ix_tickets_points ON tickets (points) WHERE points > 3;
         CREATE VIEW open_tickets AS SELECT * FROM tickets WHERE state = 'open';",
    )
    .unwrap();

    let plan = migrator
        .autogenerate(&mut conn, &Options::default())
        .unwrap();
    let ops = |steps: &[migrate_runtime::core::fold::autogenerate::Step]| -> Vec<String> {
        steps.iter().map(|step| step.op.to_string()).collect()
    };
    assert_eq!(
        ops(&plan.main),
        [
            "add_enum_value(ticket_state, \"triaged\", after: \"open\")",
            "add_column(tickets, estimate: numeric(6, 2) nullable default(0.5))",
            "add_column(tickets, labels: array(text) default(\"{}\"))",
            "alter_column(tickets, state, set_default(\"triaged\", from: \"open\"))",
            "alter_column(tickets, title, set_type(varchar(200), from: varchar(100)))",
            "alter_column(tickets, points, set_default(1, from: none))",
            "alter_column(tickets, due, set_not_null)",
        ]
    );
    assert_eq!(
        ops(&plan.after),
        [
            "create_index(ix_tickets_points, tickets(points), where: \"(points > 3)\", concurrently)",
            "add_unique(uq_tickets_title, tickets(title))",
        ]
    );
    assert_eq!(
        plan.unwritten,
        ["view open_tickets: views are raw SQL (`execute`), which autogenerate does not write"]
    );

    // The chain with these ops builds what the database has: nothing is left to generate.
    let chain = with_plan(&migrator, &plan);
    let chain: Vec<&Migration> = chain.iter().collect();
    let folded = migrate_runtime::core::fold::schema(&chain, None).unwrap();
    let again = plan_against_live(&folded, &mut conn);
    assert!(again.is_empty(), "{again:#?}");
}

fn plan_against_live(
    folded: &migrate_runtime::core::fold::Schema,
    conn: &mut migrate_runtime::AnyConnection,
) -> Plan {
    plan(
        folded,
        &live_schema(conn).unwrap().target,
        &Options::default(),
    )
}

/// MySQL and MariaDB tell enums, uniques and keys their own way; what changed by hand still
/// becomes the ops that build it, in the words of the migrations (the enum keeps its name).
#[test]
fn mysql_changes_by_hand_become_ops_in_the_migrations_words() {
    let db = TestDb::mysql();
    let mut conn = db.any();
    let migrator = Migrator::new(&fixtures::autogenerate_mysql::MIGRATIONS).unwrap();
    migrator.upgrade(&mut conn, Target::Head).unwrap();
    conn.batch_execute(
        "ALTER TABLE tickets MODIFY state ENUM('open', 'triaged', 'closed') NOT NULL DEFAULT 'open';
         ALTER TABLE tickets ADD COLUMN points INT NULL DEFAULT 1;
         ALTER TABLE tickets ADD COLUMN priority ENUM('low', 'high') NOT NULL DEFAULT 'low';
         ALTER TABLE users ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;
         CREATE INDEX ix_tickets_points ON tickets (points);
         CREATE TABLE labels (id BIGINT AUTO_INCREMENT PRIMARY KEY, ticket_id BIGINT NOT NULL, name VARCHAR(40) NOT NULL,
             INDEX ix_labels_ticket_id (ticket_id),
             CONSTRAINT fk_labels_ticket_id FOREIGN KEY (ticket_id) REFERENCES tickets (id) ON DELETE CASCADE,
             CONSTRAINT ck_labels_name_not_blank CHECK (name <> ''));",
    )
    .unwrap();

    let plan = migrator
        .autogenerate(&mut conn, &Options::default())
        .unwrap();
    let ops: Vec<String> = plan
        .migrations()
        .iter()
        .flat_map(|(_, steps)| steps.iter().map(|step| step.op.to_string()))
        .collect();
    assert_eq!(
        ops,
        [
            "add_enum_value(ticket_state, \"triaged\", after: \"open\")",
            "create_enum(tickets_priority, [\"low\", \"high\"])",
            "create_table(labels, { id: bigint identity, ticket_id: bigint, name: varchar(40) }, primary_key: pk_labels(id))",
            "add_column(tickets, points: integer nullable default(1))",
            "add_column(tickets, priority: enum(tickets_priority) default(\"low\"))",
            "add_column(users, active: boolean default(true))",
            "create_index(ix_labels_ticket_id, labels(ticket_id))",
            "add_check(ck_labels_name_not_blank, labels, \"`name` <> ''\")",
            "add_foreign_key(fk_labels_ticket_id, labels(ticket_id), references: tickets(id), on_delete: cascade)",
            "create_index(ix_tickets_points, tickets(points), concurrently)",
        ]
    );

    let chain = with_plan(&migrator, &plan);
    let chain: Vec<&Migration> = chain.iter().collect();
    let folded = migrate_runtime::core::fold::schema(&chain, None).unwrap();
    let again = plan_against_live(&folded, &mut conn);
    assert!(again.is_empty(), "{again:#?}");
}
