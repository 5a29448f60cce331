//! The SQL of a range of migrations, printed without a database: what `migrate sql` shows.
//!
//! The statements come from [`Renderer::render_run`], which the executor runs, applied to the
//! same op list (the upgrade, or the downgrade) of the same plan the planner makes for `upgrade`
//! and `downgrade`, so the script and a real run cannot disagree. What the runtime adds around
//! them is not part of the script: transactions, timeouts, the lock and the version table
//! bookkeeping. Each migration's header comment says how it runs; one that joins the transaction
//! of the migration before it works only on tables created in the script, in the plain form
//! (no `CONCURRENTLY`, constraints validated at once), harmless on tables nothing uses yet.
//!
//! Some steps have no fixed SQL: a Rust data step, SQLite's table rebuild (its statements are
//! written from the live table), and an op the dialect cannot express. The script shows each as a
//! comment where it would run, and [`SqlScript::missing`] lists them, because a script that
//! leaves them out does not build what an upgrade builds: `migrate sql | psql` followed by
//! `migrate stamp` would record a schema that was never made. The CLI refuses such a script
//! unless `--allow-partial` says the caller will do those steps another way.

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::fmt::{self, Display, Formatter};
use std::str::FromStr;

use migrate_core::model::{Downgrade, Migration, Mode, Op, Unpublished};
use migrate_core::render::{needs_schema, render_ops_in, render_ops_on, Dialect, Step};
use migrate_core::schema::Simulation;

use crate::executor::Direction;
use crate::planner::{Graph, Target};
use crate::Error;

/// The range of the offline `sql` command: `from:to`, or `to` alone for `base:to`.
///
/// Going up (`base:head`, `0002:0004`), the script upgrades a database at `from` to `to`; going
/// down (`0004:0002`, `head:base`), it is the downgrade from `from` back to `to`.
///
/// ```
/// use migrate_runtime::{SqlRange, Target};
///
/// let range: SqlRange = "0002:head".parse().unwrap();
/// assert_eq!(range.from, Target::Revision("0002".into()));
/// assert_eq!(range.to, Target::Head);
/// assert_eq!("head".parse::<SqlRange>().unwrap().from, Target::Base);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlRange {
    /// Where the database is: `base` when nothing is applied.
    pub from: Target,
    /// Where the script takes it.
    pub to: Target,
}

impl FromStr for SqlRange {
    type Err = Infallible;

    /// `from:to`; an empty `from` is `base`, an empty `to` is `head`, and no `:` means `base:to`.
    fn from_str(text: &str) -> Result<SqlRange, Infallible> {
        let target = |text: &str, empty: Target| match text {
            "" => Ok(empty),
            text => text.parse(),
        };
        Ok(match text.split_once(':') {
            Some((from, to)) => SqlRange {
                from: target(from, Target::Base)?,
                to: target(to, Target::Head)?,
            },
            None => SqlRange {
                from: Target::Base,
                to: target(text, Target::Head)?,
            },
        })
    }
}

impl Display for SqlRange {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.from, self.to)
    }
}

/// The migrations `range` runs, in order, and which way.
pub(crate) fn plan(
    graph: &Graph<'_>,
    range: &SqlRange,
) -> Result<(Vec<&'static Migration>, Direction), Error> {
    let nothing = BTreeSet::new();
    // The database at `from` holds `from` and everything it depends on: what an upgrade of an
    // empty database to `from` would apply.
    let at_from = match &range.from {
        Target::Base => Vec::new(),
        from => graph.upgrade_plan(&nothing, from)?,
    };
    let applied: BTreeSet<&str> = at_from.iter().map(|m| m.id.as_ref()).collect();
    let down = match &range.to {
        Target::Base => true,
        Target::Relative(n) => *n < 0,
        Target::Revision(_) => !graph.downgrade_plan(&applied, &range.to)?.is_empty(),
        Target::Head | Target::Heads => false,
    };
    if down {
        Ok((graph.downgrade_plan(&applied, &range.to)?, Direction::Down))
    } else {
        Ok((graph.upgrade_plan(&applied, &range.to)?, Direction::Up))
    }
}

/// The ops a migration runs in `direction`; an irreversible downgrade is an error, as in a run.
pub(crate) fn ops(
    migration: &'static Migration,
    direction: Direction,
) -> Result<&'static [Op], Error> {
    match direction {
        Direction::Up => Ok(&migration.upgrade),
        Direction::Down => match &migration.downgrade {
            Downgrade::Ops(ops) => Ok(ops),
            Downgrade::Irreversible(reason) => Err(Error::Irreversible {
                id: migration.id.to_string(),
                reason: reason.to_string(),
            }),
        },
    }
}

/// Whether the executor runs `ops` in one transaction on `dialect`, rather than step by step with
/// each step's progress recorded: PostgreSQL unless an op cannot run in a transaction, SQLite
/// always, MySQL never (each DDL statement commits).
pub(crate) fn transactional(ops: &[Op], dialect: Dialect) -> bool {
    match dialect {
        Dialect::Postgres => Mode::of(ops) == Mode::Transactional,
        _ => dialect.has_transactional_ddl(),
    }
}

/// Renders the migrations of a plan, in the plan's order, for one dialect. MySQL's renderer (and
/// PostgreSQL's removal of an enum label) needs the schema the chain built before each migration:
/// it is folded once and carried from each migration to its child, so a plan of N migrations
/// folds each op once.
pub(crate) struct Renderer<'m> {
    /// Every migration, in graph order.
    all: &'m [&'static Migration],
    dialect: Dialect,
    /// The schema after the migration rendered last, going up, once one needed it.
    after: Option<(&'static str, Simulation)>,
}

impl<'m> Renderer<'m> {
    pub(crate) fn new(all: &'m [&'static Migration], dialect: Dialect) -> Renderer<'m> {
        Renderer {
            all,
            dialect,
            after: None,
        }
    }

    /// The migrations of a run, in order, each rendered and wrapped as the executor runs it: on
    /// PostgreSQL a migration that [`Unpublished::admits`] the transaction of the migration
    /// before it joins that transaction, and its ops on the tables created there get the plain
    /// form. On a fresh database the whole run is then one transaction, as `psql -1` would run
    /// it, and its indexes are built without `CONCURRENTLY` on tables no one else can see yet.
    pub(crate) fn render_run(
        &mut self,
        plan: &[&'static Migration],
        direction: Direction,
    ) -> Result<Vec<Planned>, Error> {
        let mut open: Option<Unpublished> = None;
        let mut planned = Vec::with_capacity(plan.len());
        for &migration in plan {
            let ops = ops(migration, direction)?;
            let joined = open.take().filter(|unpublished| unpublished.admits(ops));
            let joins = joined.is_some();
            let mut unpublished = joined.unwrap_or_default();
            let admitted = self.dialect == Dialect::Postgres && (joins || unpublished.admits(ops));
            let steps =
                self.render_in(migration, direction, admitted.then_some(&mut unpublished))?;
            let wrap = match (joins, admitted || transactional(ops, self.dialect)) {
                (true, _) => Wrap::Joins,
                (false, true) => Wrap::Transaction,
                (false, false) => Wrap::Steps,
            };
            open = admitted.then_some(unpublished);
            planned.push(Planned {
                migration,
                ops,
                steps,
                wrap,
            });
        }
        Ok(planned)
    }

    /// The steps of each op `migration` runs in `direction`, in a transaction of its own.
    pub(crate) fn render(
        &mut self,
        migration: &'static Migration,
        direction: Direction,
    ) -> Result<Vec<Vec<Step>>, Error> {
        self.render_in(migration, direction, None)
    }

    /// The steps of each op `migration` runs in `direction`; with `unpublished`, in the
    /// transaction that created those tables ([`render_ops_in`]).
    fn render_in(
        &mut self,
        migration: &'static Migration,
        direction: Direction,
        unpublished: Option<&mut Unpublished>,
    ) -> Result<Vec<Vec<Step>>, Error> {
        let ops = ops(migration, direction)?;
        let render = |before: &Simulation| match unpublished {
            Some(unpublished) => render_ops_in(ops, self.dialect, before, unpublished),
            None => render_ops_on(ops, self.dialect, before),
        };
        if !needs_schema(ops, self.dialect) {
            // Once a migration of the run needed the schema, it is carried along (one op at a
            // time) so that a later one does not fold the chain again.
            if let (Direction::Up, Some((last, mut schema)), [parent]) =
                (direction, self.after.take(), migration.parents.as_ref())
            {
                if parent.as_ref() == last {
                    migrate_core::fold::apply(&mut schema, migration);
                    self.after = Some((migration.id.as_ref(), schema));
                }
            }
            return Ok(render(&Simulation::closed()));
        }
        let folded = |including| {
            // The graph was validated when the migrator was made.
            migrate_core::fold::simulation_at(self.all, &migration.id, including)
                .unwrap_or_else(|_| Simulation::closed())
        };
        let before = match (direction, self.after.take(), migration.parents.as_ref()) {
            (Direction::Up, Some((last, schema)), [parent]) if parent.as_ref() == last => schema,
            (Direction::Up, ..) => folded(false),
            (Direction::Down, ..) => folded(true),
        };
        let steps = render(&before);
        if direction == Direction::Up {
            let mut after = before;
            migrate_core::fold::apply(&mut after, migration);
            self.after = Some((migration.id.as_ref(), after));
        }
        Ok(steps)
    }
}

/// How the executor wraps a migration of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wrap {
    /// Its ops in one transaction, which the migrations after it may join.
    Transaction,
    /// In the transaction of the migration before it, still open: it only creates, or works on
    /// tables created in that transaction (PostgreSQL).
    Joins,
    /// Step by step, each step's progress recorded.
    Steps,
}

/// A migration of a run, rendered as it runs there.
pub(crate) struct Planned {
    pub migration: &'static Migration,
    pub ops: &'static [Op],
    /// The steps of each op.
    pub steps: Vec<Vec<Step>>,
    pub wrap: Wrap,
}

/// The SQL of a range, as [`Migrator::sql`](crate::Migrator::sql) renders it, and the steps it
/// cannot hold.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "a script with missing steps does not do what an upgrade does: check `missing`"]
pub struct SqlScript {
    /// For each migration a header comment, then for each op a comment with the op as written
    /// and the SQL of its steps, each ending with `;`; a missing step is a comment where it runs.
    pub sql: String,
    /// The steps that have no fixed SQL, in the order they run; empty when running `sql` does
    /// what the upgrade or downgrade does.
    pub missing: Vec<MissingStep>,
}

impl SqlScript {
    /// Whether the script holds every step of the range.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// A step of a range that its script cannot hold, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingStep {
    pub migration: String,
    /// The op's number in the migration's upgrade or downgrade, from 1, as the script's
    /// `-- op N:` comment says it.
    pub op_number: usize,
    /// The op as written.
    pub op: String,
    pub why: String,
}

impl Display for MissingStep {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} op {} `{}`: {}",
            self.migration, self.op_number, self.op, self.why
        )
    }
}

/// Why `step` is not in a script for `dialect`, when it is not.
fn missing_because(step: &Step, dialect: Dialect) -> Option<String> {
    match step {
        Step::RunRust { path } if crate::data::does_nothing(path) => None,
        Step::RunRust { path } => Some(format!(
            "a Rust data step: `{path}` runs as Rust code, which no SQL script holds"
        )),
        Step::RebuildTable { table, .. } => Some(format!(
            "SQLite cannot make this change in place: the runtime rebuilds table `{table}`, with statements written from the live table's definition"
        )),
        Step::Unsupported(reason) => Some(format!(
            "{} cannot run it: {reason}",
            match dialect {
                Dialect::Postgres => "PostgreSQL",
                Dialect::Sqlite => "SQLite",
                Dialect::Mysql => "MySQL",
            }
        )),
        Step::Sql(_)
        | Step::SqlOutsideTransaction(_)
        | Step::DropInvalidIndex(_)
        | Step::Backfill { .. } => None,
    }
}

/// The script: for each migration a header comment, then for each op a comment with the op as
/// written and the SQL of its steps, each ending with `;`.
pub(crate) fn render(
    all: &[&'static Migration],
    plan: &[&'static Migration],
    direction: Direction,
    dialect: Dialect,
) -> Result<SqlScript, Error> {
    // Render every migration before printing any, so a script is whole or not at all.
    let planned = Renderer::new(all, dialect).render_run(plan, direction)?;
    let mut script = String::new();
    let mut missing = Vec::new();
    for Planned {
        migration,
        ops,
        steps: rendered,
        wrap,
    } in planned
    {
        let way = match direction {
            Direction::Up => "upgrade",
            Direction::Down => "downgrade",
        };
        let mode = match (wrap, dialect) {
            (Wrap::Transaction, _) => "in one transaction",
            (Wrap::Joins, _) => {
                "in the transaction of the migration before it: it works only on tables created there, which no other session sees before it commits"
            }
            (Wrap::Steps, Dialect::Mysql) => {
                "step by step: MySQL commits each DDL statement, so each step's progress is recorded"
            }
            (Wrap::Steps, _) => "step by step, each step committed on its own",
        };
        comment(&mut script, &format!("{} ({way}, {mode})", migration.id));
        for (index, (op, steps)) in ops.iter().zip(rendered).enumerate() {
            comment(&mut script, &format!("op {}: {op}", index + 1));
            // One entry per op: its steps would all be missing for the same reason.
            if let Some(why) = steps.iter().find_map(|step| missing_because(step, dialect)) {
                missing.push(MissingStep {
                    migration: migration.id.to_string(),
                    op_number: index + 1,
                    op: op.to_string(),
                    why,
                });
            }
            for step in steps {
                script.push_str(&step.display_sql());
                script.push('\n');
            }
        }
        script.push('\n');
    }
    Ok(SqlScript {
        sql: script,
        missing,
    })
}

/// `text` as SQL comment lines.
fn comment(script: &mut String, text: &str) {
    for line in text.lines() {
        script.push_str("-- ");
        script.push_str(line);
        script.push('\n');
    }
}
