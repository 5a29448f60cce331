//! The commands that report: `current`, `history`, `heads`, `status`, and `check`, which turns
//! what they report into a pass or a failure.

use std::collections::BTreeMap;
use std::fmt::Write;

use migrate_core::model::{Downgrade, Migration};
use migrate_core::render::Dialect;

use super::{json, CliError, Context};
use crate::{AppliedRow, Direction, Error, Interrupted};

pub(super) fn current(context: &Context<'_>, as_json: bool) -> Result<String, CliError> {
    let migrator = context.migrator()?;
    let mut conn = context.connect("current")?;
    let current = migrator.current(&mut conn)?;
    // What `current` shows is this build's migrations only.
    context.warn_unknown(&migrator, &mut conn)?;
    if as_json {
        return Ok(format!(
            "{}\n",
            json::object(&[("current", json::strings(&current))])
        ));
    }
    Ok(lines(&current, "base (nothing applied)"))
}

pub(super) fn heads(context: &Context<'_>, as_json: bool) -> Result<String, CliError> {
    let heads: Vec<String> = context
        .migrator()?
        .heads()
        .iter()
        .map(|head| head.id.to_string())
        .collect();
    if as_json {
        return Ok(format!(
            "{}\n",
            json::object(&[("heads", json::strings(&heads))])
        ));
    }
    Ok(lines(&heads, ""))
}

pub(super) fn status(context: &Context<'_>, as_json: bool) -> Result<String, CliError> {
    let migrator = context.migrator()?;
    let mut conn = context.connect("status")?;
    let current = migrator.current(&mut conn)?;
    let pending: Vec<String> = migrator
        .pending(&mut conn)?
        .iter()
        .map(|migration| migration.id.to_string())
        .collect();
    let interrupted = migrator.interrupted(&mut conn)?;
    let drifted = drifted(&migrator, &mut conn)?;
    let unknown = migrator.unknown_applied(&mut conn)?;
    // The live schema against what the applied migrations build; not when the version table
    // itself is refused (drifted, or holding rows this build does not know), which comes first,
    // nor when migrations this build does not have changed the schema.
    let schema_drift: Vec<String> = match drifted.is_empty() && unknown.is_empty() {
        true => migrator
            .schema_drift(&mut conn)
            .map(|differences| differences.iter().map(ToString::to_string).collect())
            .unwrap_or_default(),
        false => Vec::new(),
    };
    if as_json {
        let drifted = drifted.iter().map(|(id, recorded, current)| {
            json::object(&[
                ("id", json::string(id)),
                ("recorded", json::string(recorded)),
                ("current", json::string(current)),
            ])
        });
        let interrupted = interrupted.iter().map(|run| {
            json::object(&[
                ("id", json::string(&run.id)),
                ("direction", json::string(direction_name(run.direction))),
                ("steps_done", run.steps_done.to_string()),
                ("steps_total", run.steps_total.to_string()),
                ("edited", run.edited.to_string()),
                ("next", json::or_null(run.next.as_deref().map(json::string))),
                ("retry", json::string(&run.retry())),
            ])
        });
        return Ok(format!(
            "{}\n",
            json::object(&[
                ("current", json::strings(&current)),
                ("pending", json::strings(&pending)),
                ("interrupted", json::array(interrupted)),
                ("drifted", json::array(drifted)),
                ("schema_drift", json::strings(&schema_drift)),
                (
                    "unknown_applied",
                    json::strings(unknown.iter().map(|row| &row.id))
                ),
            ])
        ));
    }
    let mut out = String::new();
    let current = match current.as_slice() {
        [] => "base (nothing applied)".to_owned(),
        ids => ids.join(", "),
    };
    let _ = writeln!(out, "current: {current}");
    if pending.is_empty() && drifted.is_empty() && unknown.is_empty() {
        let _ = writeln!(out, "pending: none, the database is up to date");
    } else if pending.is_empty() {
        let _ = writeln!(out, "pending: none");
    } else {
        let _ = writeln!(out, "pending: {}", pending.len());
        for id in &pending {
            let _ = writeln!(out, "  {id}");
        }
    }
    if !interrupted.is_empty() {
        let _ = writeln!(out, "interrupted:\n{}", interrupted_report(&interrupted));
    }
    match drifted.as_slice() {
        [] => {}
        [_] => {
            let _ = writeln!(out, "drifted: 1 migration was edited after it was applied; restore it and write a new migration for the change, or record an edit the database already has with `migrate repair <id>` (`upgrade` and `check` refuse to run until then)");
        }
        all => {
            let _ = writeln!(out, "drifted: {} migrations were edited after they were applied; restore them and write new migrations for the changes, or record edits the database already has with `migrate repair <id>` (`upgrade` and `check` refuse to run until then)", all.len());
        }
    }
    for (id, recorded, current) in &drifted {
        let _ = writeln!(
            out,
            "  {id}  checksum {recorded} in the database, {current} in this build"
        );
    }
    if !unknown.is_empty() {
        let refused = match context.allow_unknown {
            true => "`downgrade` refuses while they are applied",
            false => {
                "`upgrade` and `check` refuse to run without --allow-unknown, `downgrade` refuses"
            }
        };
        let _ = writeln!(
            out,
            "unknown: {} applied migration{} this build does not have, newer than its own, applied by a newer build ({refused}):",
            unknown.len(),
            if unknown.len() == 1 { "" } else { "s" },
        );
        for row in &unknown {
            let _ = writeln!(out, "  {}  applied {}", row.id, row.applied_at);
        }
    }
    if !schema_drift.is_empty() {
        let _ = writeln!(
            out,
            "schema: not the one the migrations build (`check` fails until a migration or a fix makes them agree):"
        );
        for difference in &schema_drift {
            let _ = writeln!(out, "  {difference}");
        }
    }
    Ok(out)
}

/// The applied migrations edited since they were applied, as `(id, recorded checksum, this
/// build's checksum)`: what `check` and `upgrade` refuse as drift, every one of them listed.
///
/// [`Migrator::verify`] decides, as it does for `check`, so a row that is another set's migration
/// under the same id is not called an edit; it names the first drifted migration only, so the
/// others come from comparing each applied record with this build.
fn drifted(
    migrator: &crate::Migrator,
    conn: &mut impl crate::Database,
) -> Result<Vec<(String, String, String)>, CliError> {
    match migrator.verify(conn) {
        Err(Error::Drift { .. }) => Ok(migrator
            .history(conn)?
            .into_iter()
            .filter_map(|(migration, row)| {
                let row = row?;
                (row.checksum != *migration.checksum)
                    .then(|| (row.id, row.checksum, migration.checksum.to_string()))
            })
            .collect()),
        Err(error @ Error::Database { .. }) => Err(error.into()),
        // Any other refusal is not drift: `status` reports the rest as before, `check` refuses.
        Ok(_) | Err(_) => Ok(Vec::new()),
    }
}

pub(super) fn history(
    context: &Context<'_>,
    verbose: bool,
    as_json: bool,
) -> Result<String, CliError> {
    let migrator = context.migrator()?;
    let mut conn = context.connect("history")?;
    let history = migrator.history(&mut conn)?;
    // Records of migrations this build does not have: a newer build applied them.
    let unknown: Vec<AppliedRow> = migrator
        .applied(&mut conn)?
        .into_iter()
        .filter(|row| migrator.registration(&row.id).is_none())
        .collect();
    let all: Vec<&'static Migration> = history.iter().map(|(migration, _)| *migration).collect();
    let shape = Shape::new(&all);
    if as_json {
        let entries = history.iter().map(|(migration, row)| {
            json::object(&[
                ("id", json::string(&migration.id)),
                ("parents", json::strings(migration.parents.iter())),
                ("head", shape.is_head(migration).to_string()),
                ("applied", row.is_some().to_string()),
                (
                    "applied_at",
                    json::or_null(row.as_ref().map(|row| json::string(&row.applied_at))),
                ),
                (
                    "execution_ms",
                    json::or_null(row.as_ref().map(|row| row.execution_ms.to_string())),
                ),
                ("checksum", json::string(&migration.checksum)),
                (
                    "recorded_as",
                    json::strings(row.iter().flat_map(|row| row.recorded_as.iter())),
                ),
                ("doc", json::string(&migration.doc)),
            ])
        });
        return Ok(format!(
            "{}\n",
            json::object(&[
                ("history", json::array(entries)),
                (
                    "unknown_applied",
                    json::strings(unknown.iter().map(|row| &row.id))
                ),
            ])
        ));
    }
    let width = history
        .iter()
        .map(|(migration, _)| migration.id.len())
        .chain(unknown.iter().map(|row| row.id.len()))
        .max()
        .unwrap_or(0);
    let status = |row: &Option<AppliedRow>| match row {
        Some(row) => format!("{}  {:>6} ms", row.applied_at, row.execution_ms),
        None => "pending".to_owned(),
    };
    // A squash applied before it existed: the rows of what it replaces record it.
    let recorded_as = |row: &Option<AppliedRow>| match row {
        Some(row) if !row.recorded_as.is_empty() => format!(
            "  (recorded as the {} migrations it replaces)",
            row.recorded_as.len()
        ),
        _ => String::new(),
    };
    let status_width = history
        .iter()
        .map(|(_, row)| status(row).len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (migration, row) in &history {
        let mark = if row.is_some() { "[x]" } else { "[ ]" };
        let line = format!(
            "{mark} {:<width$}  {:<status_width$}  {}{}",
            migration.id,
            status(row),
            shape.tags(migration),
            recorded_as(row)
        );
        let _ = writeln!(out, "{}", line.trim_end());
        if verbose {
            details(&mut out, migration, crate::Database::dialect(&conn));
        }
    }
    for row in &unknown {
        let _ = writeln!(
            out,
            "[?] {:<width$}  {}  not in this build",
            row.id, row.applied_at
        );
    }
    Ok(out)
}

pub(super) fn check(context: &Context<'_>) -> Result<String, CliError> {
    // `Migrator::new` refuses duplicate ids, unknown parents and cycles.
    let migrator = context.migrator()?;
    let heads = migrator.heads();
    if heads.len() > 1 {
        return Err(Error::MultipleHeads {
            heads: heads.iter().map(|head| head.id.to_string()).collect(),
        }
        .into());
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "graph: {} migrations, one head ({}); their compile-time checks passed when this binary was built",
        migrator.migrations().len(),
        heads.iter().map(|head| head.id.as_ref()).collect::<Vec<_>>().join(", ")
    );
    match context.connect_if_configured()? {
        Some(mut conn) => {
            let applied = migrator.verify(&mut conn)?;
            // Reached with unknown migrations applied only with --allow-unknown.
            let unknown = context.warn_unknown(&migrator, &mut conn)?;
            let interrupted = migrator.interrupted(&mut conn)?;
            if !interrupted.is_empty() {
                return Err(CliError::Interrupted {
                    report: interrupted_report(&interrupted),
                });
            }
            let pending = migrator.pending(&mut conn)?;
            if !pending.is_empty() {
                return Err(CliError::Pending {
                    ids: pending.iter().map(|m| m.id.to_string()).collect(),
                });
            }
            if !unknown.is_empty() {
                // What they changed is in the schema, and no migration of this build builds it.
                let _ = writeln!(
                    out,
                    "database: {} applied, no drift, up to date; {} applied migration{} this build does not have ({}) changed the schema too, so it was not compared",
                    applied.len() - unknown.len(),
                    unknown.len(),
                    if unknown.len() == 1 { "" } else { "s" },
                    unknown.join(", ")
                );
                return Ok(if context.quiet { String::new() } else { out });
            }
            let differences = migrator.schema_drift(&mut conn)?;
            if !differences.is_empty() {
                return Err(CliError::SchemaDrift {
                    differences: differences.iter().map(ToString::to_string).collect(),
                });
            }
            let _ = writeln!(
                out,
                "database: {} applied, no drift, up to date; its schema is the one the migrations build",
                applied.len()
            );
        }
        None => {
            let _ = writeln!(
                out,
                "database: not checked (pass --database-url or set DATABASE_URL to check drift and pending migrations)"
            );
        }
    }
    Ok(if context.quiet { String::new() } else { out })
}

/// For each interrupted migration: how far it got, the SQL it completed, and what the next run
/// does with it.
fn interrupted_report(interrupted: &[Interrupted]) -> String {
    let mut out = String::new();
    for run in interrupted {
        let _ = writeln!(
            out,
            "  {} ({}) stopped after {} of its {} steps",
            run.id,
            direction_name(run.direction),
            run.steps_done,
            run.steps_total
        );
        let indented = |sql: &str| sql.replace('\n', "\n          ");
        for sql in &run.completed {
            let _ = writeln!(out, "    done: {}", indented(sql));
        }
        if let Some(next) = &run.next {
            let _ = writeln!(out, "    next: {}", indented(next));
        }
        let _ = writeln!(out, "    {}", run.retry());
    }
    out.trim_end().to_owned()
}

fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Up => "upgrade",
        Direction::Down => "downgrade",
    }
}

/// One id per line, or `empty` alone.
fn lines(ids: &[String], empty: &str) -> String {
    if ids.is_empty() && !empty.is_empty() {
        return format!("{empty}\n");
    }
    ids.iter().map(|id| format!("{id}\n")).collect()
}

/// The verbose lines of `history`: parents, how it runs on the connected database, downgrade,
/// checksum, doc comment.
fn details(out: &mut String, migration: &Migration, dialect: Dialect) {
    let parents = match migration.parents.as_ref() {
        [] => "none".to_owned(),
        parents => parents.join(", "),
    };
    let mode = match (crate::script::transactional(&migration.upgrade, dialect), dialect) {
        (true, _) => "in one transaction",
        (false, Dialect::Mysql) => {
            "step by step: MySQL commits each DDL statement, so each step's progress is recorded and a stopped run resumes after the last one"
        }
        (false, _) => "step by step, each step committed on its own",
    };
    let down = match &migration.downgrade {
        Downgrade::Ops(ops) => format!("{} down", ops.len()),
        Downgrade::Irreversible(reason) => format!("irreversible: {reason}"),
    };
    let _ = writeln!(out, "    parents:   {parents}");
    let _ = writeln!(out, "    runs:      {mode}");
    let _ = writeln!(out, "    ops:       {} up, {down}", migration.upgrade.len());
    let _ = writeln!(out, "    checksum:  {}", migration.checksum);
    for line in migration.doc.lines() {
        let _ = writeln!(out, "    {}", line.trim_end());
    }
}

/// Where each migration sits in the graph: heads, merge points, branch points.
struct Shape {
    children: BTreeMap<String, usize>,
}

impl Shape {
    fn new(migrations: &[&'static Migration]) -> Shape {
        // A parent naming a migration a squash replaced names the squash.
        let replacements = migrate_core::graph::Replacements::of(migrations);
        let mut children = BTreeMap::new();
        for migration in migrations {
            for parent in replacements.parents(migration) {
                *children.entry(parent.to_string()).or_insert(0) += 1;
            }
        }
        Shape { children }
    }

    fn is_head(&self, migration: &Migration) -> bool {
        !self.children.contains_key(migration.id.as_ref())
    }

    /// `(head)`, `(merge point)`, `(branch point)`, or nothing.
    fn tags(&self, migration: &Migration) -> String {
        let mut tags = Vec::new();
        if self.is_head(migration) {
            tags.push("head");
        }
        if migration.parents.len() > 1 {
            tags.push("merge point");
        }
        if self
            .children
            .get(migration.id.as_ref())
            .copied()
            .unwrap_or(0)
            > 1
        {
            tags.push("branch point");
        }
        if tags.is_empty() {
            String::new()
        } else {
            format!("({})", tags.join(", "))
        }
    }
}
