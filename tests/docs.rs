//! `docs/checks.md` is generated from the rules (`CheckId::ALL`) and their reviewed trybuild cases,
//! and this test fails when it is out of date: regenerate with
//! `MIGRATE_BLESS_DOCS=1 cargo test -p migrate-tests --test docs`.

use std::path::{Path, PathBuf};

use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
use migrate_core::model::{Op, RawSql};
use migrate_core::render::Dialect;
use migrate_core::CheckId;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// The case without its `fn main` (a fail case's is empty; a pass case's asserts on the value).
fn example(source: &str) -> String {
    let end = source.find("\nfn main()").unwrap_or(source.len());
    source[..end].trim().to_owned()
}

/// The compiler's message: every `error:` headline and its help, without the source excerpt.
fn errors(stderr: &str) -> String {
    let mut out = Vec::new();
    let mut keep = false;
    for line in stderr.lines() {
        if line.starts_with("error") {
            keep = true;
        } else if line.starts_with(" -->") {
            keep = false;
        }
        if keep {
            out.push(line);
        }
    }
    out.join("\n").trim().to_owned()
}

/// One statement of each kind raw SQL is read as, on tables that already exist; the generated
/// section shows the rules the checker raises for each (none: it runs as written). The README
/// states how many kinds there are.
const RAW_SQL_KINDS: &[(Dialect, &str)] = &[
    (Dialect::Postgres, "CREATE INDEX ix ON users (lower(email))"),
    (
        Dialect::Postgres,
        "CREATE INDEX CONCURRENTLY ix ON users (lower(email))",
    ),
    (Dialect::Postgres, "DROP INDEX ix"),
    (Dialect::Postgres, "DROP INDEX CONCURRENTLY ix"),
    (Dialect::Postgres, "REINDEX INDEX ix"),
    (Dialect::Postgres, "REINDEX INDEX CONCURRENTLY ix"),
    (
        Dialect::Postgres,
        "ALTER TABLE posts ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id)",
    ),
    (
        Dialect::Postgres,
        "ALTER TABLE users ADD CONSTRAINT ck CHECK (age >= 0)",
    ),
    (
        Dialect::Postgres,
        "ALTER TABLE users ADD CONSTRAINT ck CHECK (age >= 0) NOT VALID",
    ),
    (
        Dialect::Postgres,
        "ALTER TABLE users VALIDATE CONSTRAINT ck",
    ),
    (
        Dialect::Postgres,
        "ALTER TABLE users ADD CONSTRAINT uq UNIQUE (email)",
    ),
    (
        Dialect::Postgres,
        "ALTER TABLE users ADD CONSTRAINT pk PRIMARY KEY (id)",
    ),
    (
        Dialect::Postgres,
        "ALTER TABLE users ADD CONSTRAINT uq UNIQUE USING INDEX uq",
    ),
    (
        Dialect::Postgres,
        "ALTER TABLE rooms ADD CONSTRAINT ex EXCLUDE USING gist (during WITH &&)",
    ),
    (
        Dialect::Postgres,
        "ALTER TABLE users ADD COLUMN handle text NOT NULL",
    ),
    (
        Dialect::Postgres,
        "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()",
    ),
    (
        Dialect::Postgres,
        "ALTER TABLE users ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY",
    ),
    (
        Dialect::Postgres,
        "ALTER TABLE users ADD COLUMN lower_email text GENERATED ALWAYS AS (lower(email)) STORED",
    ),
    (Dialect::Postgres, "ALTER TABLE users ADD COLUMN bio text"),
    (
        Dialect::Postgres,
        "ALTER TABLE users ALTER COLUMN id TYPE numeric",
    ),
    (
        Dialect::Postgres,
        "ALTER TABLE users ALTER COLUMN email SET NOT NULL",
    ),
    (
        Dialect::Postgres,
        "ALTER TABLE users ALTER COLUMN email DROP NOT NULL, ALTER COLUMN age SET DEFAULT 0",
    ),
    (Dialect::Postgres, "ALTER TABLE users DROP COLUMN legacy"),
    (Dialect::Postgres, "ALTER TABLE users DROP CONSTRAINT ck"),
    (
        Dialect::Postgres,
        "ALTER TABLE users RENAME COLUMN name TO full_name",
    ),
    (Dialect::Postgres, "ALTER TABLE users RENAME TO accounts"),
    (Dialect::Postgres, "ALTER TABLE users SET UNLOGGED"),
    (Dialect::Postgres, "DROP TABLE sessions"),
    (Dialect::Postgres, "DROP SCHEMA billing CASCADE"),
    (Dialect::Postgres, "TRUNCATE sessions CASCADE"),
    (Dialect::Postgres, "VACUUM FULL users"),
    (Dialect::Postgres, "CLUSTER users USING pk_users"),
    (Dialect::Postgres, "VACUUM ANALYZE users"),
    (Dialect::Postgres, "LOCK TABLE users IN SHARE MODE"),
    (Dialect::Postgres, "BEGIN"),
    (Dialect::Postgres, "SET search_path TO app"),
    (Dialect::Postgres, "SET LOCAL statement_timeout = '5min'"),
    (
        Dialect::Postgres,
        "CREATE TABLE notes (id bigint PRIMARY KEY); CREATE INDEX ix_notes ON notes (id)",
    ),
    (
        Dialect::Postgres,
        "CREATE VIEW active_users AS SELECT * FROM users WHERE active",
    ),
    (
        Dialect::Postgres,
        "CREATE FUNCTION one() RETURNS int AS 'SELECT 1' LANGUAGE sql",
    ),
    (
        Dialect::Postgres,
        "CREATE TRIGGER touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()",
    ),
    (Dialect::Postgres, "COMMENT ON TABLE users IS 'people'"),
    (Dialect::Postgres, "GRANT SELECT ON users TO reporting"),
    (Dialect::Postgres, "CREATE EXTENSION IF NOT EXISTS citext"),
    (Dialect::Postgres, "UPDATE users SET email = lower(email)"),
    (Dialect::Postgres, "DO $$ BEGIN PERFORM 1; END $$"),
    (Dialect::Mysql, "ALTER TABLE users MODIFY COLUMN age bigint"),
    (Dialect::Mysql, "RENAME TABLE users TO accounts"),
    (Dialect::Mysql, "LOCK TABLES users WRITE"),
];

/// The rules `sql` raises as the only op of a migration.
fn raw_sql_rules(dialect: Dialect, sql: &str) -> Vec<CheckId> {
    let up = match dialect {
        Dialect::Postgres => RawSql::from(sql.to_owned()),
        _ => RawSql::PerDialect(vec![(dialect, sql.to_owned().into())].into()),
    };
    let def = MigrationDef {
        id: "0002_raw".into(),
        parents: vec!["0001_base".into()],
        replaces: vec![],
        doc: String::new(),
        upgrade: vec![Op::Execute { up, down: None }],
        downgrade: DowngradeDef::Irreversible("docs".into()),
        lock_timeout_ms: None,
        statement_timeout_ms: None,
        waivers: vec![],
        adopted_names: false,
    };
    let mut rules: Vec<CheckId> = check(def, &Config::default())
        .1
        .into_iter()
        .map(|diagnostic| diagnostic.check)
        .filter(|check| matches!(check.family(), "safety" | "transactions"))
        .collect();
    rules.dedup();
    rules
}

fn raw_sql_section() -> String {
    let mut section = String::from(
        "\n## Raw SQL\n\n\
         Each statement of an `execute` is parsed with the parser of the database it runs on and \
         raises the rule of the typed op it amounts to, under the same id and waiver. Only a \
         statement that cannot be parsed, or whose effect is not known, raises `raw_sql`. One \
         statement of each kind, on tables that already exist:\n\n\
         | statement | dialect | rules |\n|---|---|---|\n",
    );
    for (dialect, sql) in RAW_SQL_KINDS {
        let rules = raw_sql_rules(*dialect, sql);
        let rules = match rules.is_empty() {
            true => "none".to_owned(),
            false => rules
                .iter()
                .map(|rule| format!("[`{rule}`](#{rule})"))
                .collect::<Vec<_>>()
                .join(", "),
        };
        section.push_str(&format!("| `{sql}` | {} | {rules} |\n", dialect.name()));
    }
    section
}

fn generate() -> String {
    let mut doc = String::from(
        "# The rules of `migration!`\n\n\
         Generated by `tests/docs.rs` from the rules and their reviewed compile-fail and pass cases; \
         do not edit by hand. Waivable rules can be silenced on one op with \
         `#[allow(<rule>, reason = \"…\")]`.\n\n| rule | family | waivable |\n|---|---|---|\n",
    );
    for check in CheckId::ALL {
        doc.push_str(&format!(
            "| [`{id}`](#{id}) | {} | {} |\n",
            check.family(),
            if check.is_waivable() { "yes" } else { "no" },
            id = check.as_str()
        ));
    }
    doc.push_str(&raw_sql_section());
    for check in CheckId::ALL {
        let id = check.as_str();
        let fail = format!("tests/ui/fail/{}/{id}", check.family());
        doc.push_str(&format!("\n## {id}\n\nRejected (`{fail}.rs`):\n\n"));
        let source = read(&root().join(format!("{fail}.rs"))).unwrap_or_default();
        doc.push_str(&format!("```rust\n{}\n```\n\n", example(&source)));
        let stderr = read(&root().join(format!("{fail}.stderr"))).unwrap_or_default();
        doc.push_str(&format!("```text\n{}\n```\n", errors(&stderr)));
        let pass = format!("tests/ui/pass/safe_{id}.rs");
        if let Some(source) = read(&root().join(&pass)) {
            doc.push_str(&format!(
                "\nAccepted instead (`{pass}`):\n\n```rust\n{}\n```\n",
                example(&source)
            ));
        }
    }
    doc
}

#[test]
fn docs_checks_md_is_up_to_date() {
    let path = root().join("docs/checks.md");
    let generated = generate();
    if std::env::var_os("MIGRATE_BLESS_DOCS").is_some() {
        std::fs::create_dir_all(root().join("docs")).expect("create docs/");
        std::fs::write(&path, &generated).expect("write docs/checks.md");
    }
    let current = read(&path).unwrap_or_default();
    assert!(
        current == generated,
        "docs/checks.md is out of date; regenerate it with `MIGRATE_BLESS_DOCS=1 cargo test -p migrate-tests --test docs`"
    );
}

#[test]
fn every_safety_rule_has_a_safe_form() {
    let missing: Vec<&str> = CheckId::ALL
        .iter()
        .filter(|check| check.family() == "safety")
        .map(|check| check.as_str())
        .filter(|id| !root().join(format!("tests/ui/pass/safe_{id}.rs")).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "safety rules without a pass case showing the safe form: {missing:?}"
    );
}

/// The README's DSL example is `tests/ui/pass/readme_example.rs`, so it compiles; this keeps the
/// two the same text.
#[test]
fn the_readme_shows_the_compiled_dsl_example() {
    let case = read(&root().join("tests/ui/pass/readme_example.rs")).unwrap_or_default();
    let start = case.find("migrate_runtime::migration! {").unwrap_or(0);
    let end = case.find("\nfn main()").unwrap_or(case.len());
    let example = case[start..end].trim();
    let readme = read(&root().join("README.md")).unwrap_or_default();
    assert!(
        readme.contains(example),
        "the README's DSL example differs from tests/ui/pass/readme_example.rs"
    );
}

/// The README's data step is the example's, which compiles and whose data test runs it on three
/// backends; this keeps the two the same text.
#[test]
fn the_readme_shows_the_example_data_step() {
    let source = read(&root().join("examples/todo-migrations/src/data.rs")).unwrap_or_default();
    let start = source
        .find("pub(crate) fn name_blank_accounts")
        .unwrap_or(source.len());
    let function = source[start..].trim();
    let readme = read(&root().join("README.md")).unwrap_or_default();
    assert!(
        !function.is_empty() && readme.contains(function),
        "the README's data step differs from `name_blank_accounts` in examples/todo-migrations/src/data.rs"
    );
}

/// The README says how many kinds of raw SQL statement are checked: the kinds listed here.
#[test]
fn the_readme_counts_the_raw_sql_statement_kinds() {
    let readme = read(&root().join("README.md")).unwrap_or_default();
    let claim = format!("{} kinds of statement", RAW_SQL_KINDS.len());
    assert!(
        readme.contains(&claim),
        "the README's Raw SQL section should say \"{claim}\""
    );
}
