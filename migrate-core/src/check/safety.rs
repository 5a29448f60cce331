//! Safety: what would hurt a live database, decided from the op list alone.
//!
//! Each rule says what goes wrong in production (the lock taken, the rewrite, the lost data, the
//! failing deploy) and the form to write instead. A rule knows when it does not apply: a table
//! created earlier in the same migration has no rows and no readers, so nothing done to it can
//! block or rewrite anything. What the renderer makes safe by construction (`NOT VALID` then
//! `VALIDATE` for foreign keys and checks, `SET NOT NULL` proven by a validated check, unique
//! constraints on an index built concurrently, a `lock_timeout` on every migration) needs no rule.
//!
//! The downgrade is checked too, but only for what hurts *while* it runs (locks, rewrites,
//! failures): removing or renaming back what the upgrade added is what a downgrade is for.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{CheckId, Diagnostic, Location, Part, Section};
use crate::model::{on_new_table, ColumnChange, ColumnType, DefaultValue, Mode, Op, Scalar, Text};

/// Which way the ops run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    Up,
    Down,
}

struct Rules<'a> {
    ops: &'a [Op],
    section: &'a dyn Fn(usize) -> Section,
    direction: Direction,
    out: &'a mut Vec<Diagnostic>,
}

impl Rules<'_> {
    fn report(&mut self, index: usize, part: Part, check: CheckId, message: String, help: String) {
        if self.direction == Direction::Down && !applies_to_downgrades(check) {
            return;
        }
        self.out.push(
            Diagnostic::new(check, Location::new((self.section)(index), part), message).help(help),
        );
    }

    /// How a message names the op at `index`: by its number where the author wrote it, and, in
    /// a computed downgrade, as the inverse of the upgrade op it undoes.
    fn op_name(&self, index: usize) -> String {
        match (self.section)(index) {
            Section::ComputedDowngrade(origin) => {
                format!("the inverse of op {} of the upgrade", origin + 1)
            }
            Section::Downgrade(position) => format!("op {} of the downgrade", position + 1),
            _ => format!("op {}", index + 1),
        }
    }
}

fn applies_to_downgrades(check: CheckId) -> bool {
    matches!(
        check,
        CheckId::IndexNotConcurrent
            | CheckId::DropIndexNotConcurrent
            | CheckId::AddColumnRequired
            | CheckId::AddColumnVolatileDefault
            | CheckId::AddColumnIdentity
            | CheckId::AddColumnStoredGenerated
            | CheckId::TypeChangeRewrites
            | CheckId::TypeChangeNarrowing
            | CheckId::EnumValueUsedInTransaction
            | CheckId::UniqueWithConstantDefault
            | CheckId::LockHeldAcrossSlowStep
            | CheckId::DropEnumValue
            | CheckId::ConstraintValidatesTable
            | CheckId::ConstraintBuildsIndex
            | CheckId::SetNotNullScans
            | CheckId::ReindexNotConcurrent
            | CheckId::TableRewrite
            | CheckId::LockTable
            | CheckId::TransactionControl
            | CheckId::MixedTransactionModes
    )
}

pub(super) fn check_safety(
    ops: &[Op],
    section: &dyn Fn(usize) -> Section,
    direction: Direction,
    out: &mut Vec<Diagnostic>,
) {
    let mut rules = Rules {
        ops,
        section,
        direction,
        out,
    };
    let new = on_new_table(ops);
    for (index, op) in ops.iter().enumerate() {
        let existing = !new[index];
        // A table dropped later in the same ops is locked by its own `DROP TABLE` anyway.
        let name_after = match op {
            Op::RenameTable { to, .. } => Some(to.as_ref()),
            _ => op.table(),
        };
        let doomed = name_after.is_some_and(|table| dropped_later(&ops[index + 1..], table));
        check_locks(&mut rules, index, op, existing, doomed);
        // What goes with a table dropped later is lost with it: only the drop itself is reported.
        let loses = existing && (!doomed || matches!(op, Op::DropTable(_)));
        check_loss_and_breakage(&mut rules, index, op, loses);
        check_types(&mut rules, index, op);
        if let Op::Execute { up, down } = op {
            let section = (rules.section)(index);
            for finding in super::raw_sql::check_execute(ops, index, section, up, down.as_ref()) {
                let part = Part::Value(finding.position);
                rules.report(index, part, finding.check, finding.message, finding.help);
            }
        }
    }
    check_enum_values(&mut rules);
    check_slow_steps(&mut rules, &new);
    check_unique_with_constant_default(&mut rules, &new);
    check_foreign_keys(&mut rules, &new);
}

/// Whether one of `earlier` adds the constraint `name`.
fn added_earlier(earlier: &[Op], name: &str) -> bool {
    earlier.iter().any(|op| match op {
        Op::AddForeignKey(fk) => fk.name == name,
        Op::AddCheck(check) => check.name == name,
        Op::AddUnique(unique) => unique.name == name,
        Op::AddPrimaryKey { key, .. } => key.name == name,
        _ => false,
    })
}

/// Whether `table` (under this name or one it is renamed to) is dropped by one of `later`.
fn dropped_later(later: &[Op], table: &str) -> bool {
    let mut name = table;
    for op in later {
        match op {
            Op::RenameTable { from, to } if from == name => name = to,
            Op::DropTable(dropped) if dropped.name == name => return true,
            _ => {}
        }
    }
    false
}

fn safe_add_column(table: &str, column: &str, ty: &ColumnType) -> String {
    format!(
        "add it nullable, fill it in batches, then require it:\n\n    add_column({table}, {column}: {ty} nullable);\n    backfill({table}, set: \"{column} = …\", where: \"{column} IS NULL\", batch: 1_000);\n    alter_column({table}, {column}, set_not_null);"
    )
}

fn safe_stored_generated(table: &str, column: &crate::model::Column, expr: &str) -> String {
    let (name, ty) = (&column.name, &column.ty);
    format!(
        "on SQLite and MySQL, a virtual column is added without touching the rows: `{name}: {ty} generated({expr:?})`, computed when read (PostgreSQL has them only from 18)\n\non PostgreSQL, add a plain column, keep it computed for new rows with a trigger, and fill the old rows in batches:\n\n    add_column({table}, {name}: {ty} nullable);\n    execute(\"CREATE TRIGGER … BEFORE INSERT OR UPDATE ON {table} … SET {name} = {expr}\", down: \"DROP TRIGGER …\");\n    backfill({table}, set: \"{name} = {expr}\", where: \"{name} IS NULL\", batch: 1_000);\n\nor read it through a view that computes it; or, for a small table, waive this: `#[allow(add_column_stored_generated, reason = \"…\")]`"
    )
}

/// `doomed`: the table is dropped later in the same ops, which makes its locks moot; what would
/// fail outright is still reported, since the migration would stop there.
fn check_locks(rules: &mut Rules<'_>, index: usize, op: &Op, existing: bool, doomed: bool) {
    if !existing {
        return;
    }
    let locks = !doomed;
    match op {
        Op::DropEnumValue {
            enum_name, value, ..
        } => rules.report(
            index,
            Part::Value(0),
            CheckId::DropEnumValue,
            format!("removing {value:?} from `{enum_name}` re-creates the type and rewrites every table with a column of it under an ACCESS EXCLUSIVE lock (a copy on MySQL), and fails if a row still holds {value:?}"),
            format!("first move the rows off {value:?} (a `backfill`), and remove it when the tables are small or in a maintenance window, saying so: `#[allow({}, reason = \"…\")]`", CheckId::DropEnumValue),
        ),
        Op::CreateIndex(created) if !created.concurrently && locks => rules.report(
            index,
            Part::Whole,
            CheckId::IndexNotConcurrent,
            format!("`create_index` on existing table `{}` takes a SHARE lock: every INSERT, UPDATE and DELETE on it waits for the whole build", created.table),
            format!("build it without blocking writes: `{}` (the migration then runs outside a transaction, so keep other DDL out of it)", Op::CreateIndex(crate::model::Index { concurrently: true, ..created.clone() })),
        ),
        Op::DropIndex(dropped) if !dropped.concurrently && locks => rules.report(
            index,
            Part::Whole,
            CheckId::DropIndexNotConcurrent,
            format!("`drop_index` on existing table `{}` takes an ACCESS EXCLUSIVE lock: reads and writes of the table queue behind it", dropped.table),
            format!("`{}`", Op::DropIndex(crate::model::Index { concurrently: true, ..dropped.clone() })),
        ),
        Op::AddColumn { table, column } => {
            let no_default = matches!(column.default, None | Some(DefaultValue::Null));
            // An identity or generated column gives every row its value.
            let valued = column.identity || column.generated.is_some();
            if !column.nullable && no_default && !valued {
                rules.report(
                    index,
                    Part::Column(0),
                    CheckId::AddColumnRequired,
                    format!("adding NOT NULL column `{}` without a default fails on a table with rows, and the running app's INSERTs that do not set it fail too", column.name),
                    format!("{}\n\nor give it a constant default: `{}: {} default(…)`", safe_add_column(table, &column.name, &column.ty), column.name, column.ty),
                );
            }
            let volatile = match &column.default {
                Some(DefaultValue::Function(function)) => function.is_volatile(),
                Some(DefaultValue::Sql(sql)) => !sql_is_non_volatile(sql),
                _ => false,
            };
            if volatile && locks {
                // `sql("gen_random_uuid()")` is the typed `gen_random_uuid()`: show that form.
                let default = match &column.default {
                    Some(DefaultValue::Sql(sql)) => typed_function(sql)
                        .map(|function| DefaultValue::Function(function).to_string())
                        .unwrap_or_else(|| format!("sql({sql:?})")),
                    other => other.as_ref().map(ToString::to_string).unwrap_or_default(),
                };
                rules.report(
                    index,
                    Part::Column(0),
                    CheckId::AddColumnVolatileDefault,
                    format!("the default `{default}` gives every row its own value (or the checker cannot tell that it does not), so PostgreSQL rewrites `{table}` and its indexes under an ACCESS EXCLUSIVE lock"),
                    format!("add the column without a default, then set the default for new rows and fill the old ones in batches:\n\n    add_column({table}, {}: {} nullable);\n    alter_column({table}, {}, set_default({default}, from: none));\n    backfill({table}, set: \"{} = …\", where: \"{} IS NULL\", batch: 1_000);\n\nor, for an `sql(…)` default that is constant, waive it: `#[allow(add_column_volatile_default, reason = \"…\")]`", column.name, column.ty, column.name, column.name, column.name),
                );
            }
            if column.identity && locks {
                rules.report(
                    index,
                    Part::Column(0),
                    CheckId::AddColumnIdentity,
                    format!("an identity column gives every existing row a value: PostgreSQL rewrites `{table}` under an ACCESS EXCLUSIVE lock"),
                    "create a new table with the identity column and copy the rows over, or add a nullable `bigint` and fill it in batches".to_owned(),
                );
            }
            if let Some(generated) = column.generated.as_ref().filter(|generated| generated.stored) {
                if locks {
                    rules.report(
                        index,
                        Part::Column(0),
                        CheckId::AddColumnStoredGenerated,
                        format!("a stored generated column is computed for every existing row when it is added: PostgreSQL rewrites `{table}` and its indexes under an ACCESS EXCLUSIVE lock, MySQL copies it while writes wait, SQLite rebuilds it"),
                        safe_stored_generated(table, column, &generated.expr),
                    );
                }
            }
        }
        Op::AlterColumn {
            table,
            column,
            change: ColumnChange::SetType { to, from, using },
        } => match classify(
            from,
            to,
            using.as_deref().is_some_and(|using| !just_the_column(using, column)),
        ) {
            TypeChange::Safe => {}
            TypeChange::Rewrite if doomed => {}
            TypeChange::Rewrite => rules.report(
                index,
                Part::Type,
                CheckId::TypeChangeRewrites,
                format!("changing `{table}.{column}` from `{from}` to `{to}` rewrites the table and rebuilds its indexes under an ACCESS EXCLUSIVE lock"),
                "expand and contract: add a column of the new type, write both, backfill it in batches, switch reads to it, then drop the old one".to_owned(),
            ),
            TypeChange::Narrowing => rules.report(
                index,
                Part::Type,
                CheckId::TypeChangeNarrowing,
                format!("changing `{table}.{column}` from `{from}` to `{to}` fails on any existing value that does not fit, after locking and rewriting the table"),
                format!("check that every value fits first, then waive it with what you checked: `#[allow(type_change_narrowing, reason = \"…\")]`; or expand and contract with a new `{to}` column"),
            ),
        },
        _ => {}
    }
}

fn check_loss_and_breakage(rules: &mut Rules<'_>, index: usize, op: &Op, existing: bool) {
    let waive = |rule: CheckId| format!("`#[allow({rule}, reason = \"…\")]`");
    match op {
        Op::DropColumn { table, column } if existing => rules.report(
            index,
            Part::Column(0),
            CheckId::DropColumn,
            format!("dropping `{table}.{}` loses its data, and running app versions that still read or write it fail", column.name),
            format!("first stop using the column in code and deploy that; then drop it, saying so: {}", waive(CheckId::DropColumn)),
        ),
        Op::DropTable(table) if existing => rules.report(
            index,
            Part::Table,
            CheckId::DropTable,
            format!("dropping table `{}` loses its data, and running app versions that still use it fail", table.name),
            format!("first stop using the table in code and deploy that; then drop it, saying so: {}", waive(CheckId::DropTable)),
        ),
        Op::RenameColumn { table, from, to } if existing => rules.report(
            index,
            Part::Whole,
            CheckId::RenameColumn,
            format!("renaming `{table}.{from}` to `{to}` breaks every running client that uses the old name until all are redeployed"),
            format!("expand and contract: add `{to}`, write both, backfill, switch reads, drop `{from}`; or, when no running code uses the name, {}", waive(CheckId::RenameColumn)),
        ),
        Op::AlterColumn {
            table,
            column,
            change: ColumnChange::DropNotNull,
        } if existing => rules.report(
            index,
            Part::Whole,
            CheckId::DropNotNull,
            format!("dropping NOT NULL on `{table}.{column}` lets NULLs in, and running app versions that read it as never null (a diesel `Text`, not `Nullable<Text>`) fail on the first one"),
            format!("first deploy code that reads it as nullable (`Option<T>`); then drop it, saying so: {}", waive(CheckId::DropNotNull)),
        ),
        Op::RenameTable { from, to } if existing => rules.report(
            index,
            Part::Whole,
            CheckId::RenameTable,
            format!("renaming table `{from}` to `{to}` breaks every running client that uses the old name until all are redeployed"),
            format!("keep the old name working during the rollout with a view (`execute(\"CREATE VIEW {from} AS SELECT * FROM {to}\", down: \"DROP VIEW {from}\")`), or, when no running code uses the name, {}", waive(CheckId::RenameTable)),
        ),
        // A constraint the same migration added guarded nothing before it: dropping it again
        // (add a check, rely on it, drop it) loses no guarantee.
        Op::DropForeignKey(crate::model::ForeignKey { name, .. })
        | Op::DropCheck(crate::model::CheckConstraint { name, .. })
        | Op::DropUnique(crate::model::UniqueConstraint { name, .. })
        | Op::DropPrimaryKey {
            key: crate::model::PrimaryKey { name, .. },
            ..
        } if existing && !added_earlier(&rules.ops[..index], name) =>
        {
            rules.report(
                index,
                Part::Name,
                CheckId::DropConstraint,
                format!("dropping `{name}` removes an integrity guarantee: rows that break it can be written from now on"),
                format!("make sure no code relies on it, then {}", waive(CheckId::DropConstraint)),
            )
        }
        Op::CreateIndex(created) if !created.unique && created.columns.len() > 3 => rules.report(
            index,
            Part::Whole,
            CheckId::IndexTooManyColumns,
            format!("an index on {} columns rarely helps the planner past its first three, and every write pays for all of them", created.columns.len()),
            format!("index the most selective columns first, three at most; or {}", waive(CheckId::IndexTooManyColumns)),
        ),
        Op::AddEnumValue { enum_name, value, position: None } => rules.report(
            index,
            Part::Whole,
            CheckId::EnumValuePosition,
            format!("{value:?} is appended last to `{enum_name}`: where the order of values matters (`ORDER BY`, `<`), appending changes what queries mean"),
            format!("say where it goes: `add_enum_value({enum_name}, {value:?}, after: \"…\")` or `before: \"…\"`"),
        ),
        _ => {}
    }
}

/// Type choices PostgreSQL's own documentation and linters advise against, on new columns.
fn check_types(rules: &mut Rules<'_>, index: usize, op: &Op) {
    let columns: Vec<(usize, &crate::model::Column)> = match op {
        Op::CreateTable(table) => table.columns.iter().enumerate().collect(),
        Op::AddColumn { column, .. } => vec![(0, column)],
        _ => return,
    };
    for (position, column) in columns {
        let scalar = match &column.ty {
            ColumnType::Scalar(scalar) | ColumnType::Array(scalar) => scalar,
        };
        let (check, message, help) = match scalar {
            Scalar::Json => (
                CheckId::JsonColumn,
                format!("`{}` is `json`, which has no equality operator: `DISTINCT`, `GROUP BY` and `UNION` over the table start failing", column.name),
                "use `jsonb`".to_owned(),
            ),
            Scalar::Timestamp => (
                CheckId::TimestampWithoutTimeZone,
                format!("`{}` is `timestamp` (without time zone): the offset of every value written is silently dropped", column.name),
                "use `timestamptz`".to_owned(),
            ),
            Scalar::Char(_) => (
                CheckId::CharColumn,
                format!("`{}` is `char(n)`, which pads with spaces and compares surprisingly, for no gain in PostgreSQL", column.name),
                "use `text` or `varchar(n)`".to_owned(),
            ),
            _ => continue,
        };
        rules.report(index, Part::Column(position), check, message, help);
    }
}

/// In one transaction, a lock taken by DDL on an existing table is held until the commit, so a
/// Rust data step after it (of unknown length) keeps every query on that table waiting.
fn check_slow_steps(rules: &mut Rules<'_>, new: &[bool]) {
    if Mode::of(rules.ops) != Mode::Transactional {
        return;
    }
    let ops = rules.ops;
    let locking = ops.iter().enumerate().find(|(index, op)| {
        !new[*index]
            && !matches!(
                op,
                Op::Backfill { .. } | Op::CreateTable(_) | Op::DropTable(_)
            )
            && op
                .table()
                .is_some_and(|table| !dropped_later(&ops[index + 1..], table))
    });
    let Some((locked_at, locking_op)) = locking else {
        return;
    };
    let table = locking_op.table().unwrap_or_default().to_owned();
    let slow: Vec<usize> = rules.ops[locked_at + 1..]
        .iter()
        .enumerate()
        .filter(|(_, op)| matches!(op, Op::RunRust { .. }))
        .map(|(offset, _)| locked_at + 1 + offset)
        .collect();
    for index in slow {
        rules.report(
            index,
            Part::Whole,
            CheckId::LockHeldAcrossSlowStep,
            format!("this Rust step runs in the transaction in which {} (`{}`) locked `{table}`: every query on `{table}` waits until the step and the migration finish", rules.op_name(locked_at), locking_op.kind().name()),
            "put the data step in a migration of its own, or make it a batched `backfill` (one short transaction per batch)".to_owned(),
        );
    }
}

/// PostgreSQL refuses to use an enum value in the transaction that added it.
fn check_enum_values(rules: &mut Rules<'_>) {
    if Mode::of(rules.ops) != Mode::Transactional {
        return;
    }
    let mut added: Vec<(usize, &Text, &Text)> = Vec::new();
    for (index, op) in rules.ops.iter().enumerate() {
        if let Op::AddEnumValue {
            enum_name, value, ..
        } = op
        {
            added.push((index, enum_name, value));
            continue;
        }
        for (added_at, enum_name, value) in &added {
            if uses_value(op, enum_name, value) {
                rules.report(
                    index,
                    Part::Whole,
                    CheckId::EnumValueUsedInTransaction,
                    format!("{value:?} was added to `{enum_name}` by {}, in this same transaction; PostgreSQL refuses to use a new enum value in the transaction that added it (\"unsafe use of new value\")", rules.op_name(*added_at)),
                    "use the value in the next migration".to_owned(),
                );
            }
        }
    }
}

fn uses_value(op: &Op, enum_name: &str, value: &str) -> bool {
    // Raw SQL names the value as PostgreSQL spells it: the plain literal, or `E'…'` when the
    // value holds a backslash (the plain form then reads differently under the two settings of
    // `standard_conforming_strings`, so either may have been written).
    let plain = crate::render::quote_literal(value);
    let escaped = crate::render::Dialect::Postgres.quote_literal(value);
    let written = |sql: &str| sql.contains(&plain) || sql.contains(&escaped);
    // A default is a use only on a column of that enum: `default("ok")` on a text column is text.
    let default_is = |column: &crate::model::Column| {
        let of_enum = matches!(
            &column.ty,
            ColumnType::Scalar(Scalar::Enum(name)) | ColumnType::Array(Scalar::Enum(name)) if name == enum_name
        );
        of_enum && matches!(&column.default, Some(DefaultValue::Str(text)) if text == value)
    };
    match op {
        Op::CreateTable(table) => table.columns.iter().any(default_is),
        Op::AddColumn { column, .. } => default_is(column),
        Op::AlterColumn {
            change:
                ColumnChange::SetDefault {
                    to: DefaultValue::Str(text),
                    ..
                },
            ..
        } => text == value,
        Op::AddCheck(check) => written(&check.expr),
        Op::CreateIndex(index) => index
            .predicate
            .as_ref()
            .is_some_and(|predicate| written(predicate)),
        Op::Execute { up, .. } => up.texts().into_iter().any(|(_, sql)| written(sql)),
        Op::Backfill { set, filter, .. } => written(set) || written(filter),
        _ => false,
    }
}

/// A constant default gives every existing row the same value; a unique index on it then fails.
fn check_unique_with_constant_default(rules: &mut Rules<'_>, new: &[bool]) {
    let constant_columns: BTreeMap<(&str, &str), usize> = rules
        .ops
        .iter()
        .enumerate()
        .filter(|(index, _)| !new[*index])
        .filter_map(|(index, op)| match op {
            Op::AddColumn { table, column } if same_for_every_row(&column.default) => {
                Some(((table.as_ref(), column.name.as_ref()), index))
            }
            _ => None,
        })
        .collect();
    let mut found = Vec::new();
    for (index, op) in rules.ops.iter().enumerate() {
        let (table, columns) = match op {
            Op::CreateIndex(created) if created.unique && created.predicate.is_none() => {
                (&created.table, &created.columns)
            }
            Op::AddUnique(unique) => (&unique.table, &unique.columns),
            _ => continue,
        };
        if columns.len() != 1 {
            continue;
        }
        if let Some(added_at) = constant_columns.get(&(table.as_ref(), columns[0].as_ref())) {
            found.push((index, table.to_string(), columns[0].to_string(), *added_at));
        }
    }
    for (index, table, column, added_at) in found {
        rules.report(
            index,
            Part::Whole,
            CheckId::UniqueWithConstantDefault,
            format!("{} gives every existing row of `{table}` the same `{column}`, so this unique index fails as soon as the table has two rows", rules.op_name(added_at)),
            "add the column without a default, backfill distinct values, then add the unique index in a later migration".to_owned(),
        );
    }
}

/// Functions an `sql(…)` default may call without making it volatile: PostgreSQL evaluates a
/// non-volatile default once for `ADD COLUMN` and stores it in the catalog, with no rewrite.
const NON_VOLATILE_FUNCTIONS: &[&str] = &[
    "now",
    "current_setting",
    "lower",
    "upper",
    "coalesce",
    "nullif",
    "greatest",
    "least",
    "concat",
    "length",
    "trim",
    "btrim",
    "replace",
    "substring",
    "md5",
    "abs",
    "round",
    "floor",
    "ceil",
    "date_trunc",
    "make_date",
    "make_interval",
    "make_timestamp",
    "make_timestamptz",
    "to_jsonb",
    "to_json",
    "jsonb_build_object",
    "json_build_object",
    "jsonb_build_array",
    "json_build_array",
    "array",
    "cast",
];

/// Whether an `sql(…)` default is known not to be volatile: its only calls are to
/// [`NON_VOLATILE_FUNCTIONS`] (a name before `(` that follows `::` or `AS` is a type, as in
/// `'0'::numeric(10, 2)`). Literals, casts and keywords such as `CURRENT_TIMESTAMP` are constant
/// or stable; any other call may be volatile.
///
/// ```text
/// '{}'::jsonb              not volatile
/// now() + interval '1 day' not volatile
/// gen_random_uuid()        volatile
/// my_function()            volatile (unknown)
/// ```
pub(crate) fn sql_is_non_volatile(sql: &str) -> bool {
    let mut previous: Option<String> = None;
    let mut chars = sql.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '\'' => {
                // A literal, `''` inside it included.
                while let Some((_, c)) = chars.next() {
                    if c == '\'' && chars.peek().map(|(_, next)| *next) != Some('\'') {
                        break;
                    }
                    if c == '\'' {
                        chars.next();
                    }
                }
                previous = Some("'".into());
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut end = at + c.len_utf8();
                while let Some((next_at, next)) = chars.peek().copied() {
                    if next.is_alphanumeric() || next == '_' {
                        end = next_at + next.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                let word = sql[at..end].to_lowercase();
                let rest = sql[end..].trim_start();
                let is_type = matches!(previous.as_deref(), Some("::" | "as"));
                if rest.starts_with('(')
                    && !is_type
                    && !NON_VOLATILE_FUNCTIONS.contains(&word.as_str())
                {
                    return false;
                }
                previous = Some(word);
            }
            ':' if chars.peek().map(|(_, next)| *next) == Some(':') => {
                chars.next();
                previous = Some("::".into());
            }
            c if c.is_whitespace() => {}
            _ => previous = Some(c.to_string()),
        }
    }
    true
}

/// The typed default an `sql(…)` default spells, as in `sql("gen_random_uuid()")`.
fn typed_function(sql: &str) -> Option<crate::model::SqlFunction> {
    let name = sql.trim().strip_suffix("()")?;
    crate::model::SqlFunction::from_name(&name.to_lowercase())
}

/// Whether a default gives every existing row the same value: a literal, or a stable function
/// such as `now()`, evaluated once for the `ADD COLUMN`.
fn same_for_every_row(default: &Option<DefaultValue>) -> bool {
    match default {
        Some(DefaultValue::Function(function)) => !function.is_volatile(),
        Some(DefaultValue::Sql(sql)) => sql_is_non_volatile(sql),
        Some(DefaultValue::Null) | None => false,
        Some(_) => true,
    }
}

/// Foreign keys on tables created here: an index on the referencing columns, and matching types.
fn check_foreign_keys(rules: &mut Rules<'_>, new: &[bool]) {
    let mut types: BTreeMap<(String, String), ColumnType> = BTreeMap::new();
    // Columns added to existing tables here: no index on them exists unless created here.
    let mut added: BTreeSet<(String, String)> = BTreeSet::new();
    let mut indexed: BTreeSet<(String, String)> = BTreeSet::new();
    for op in rules.ops {
        match op {
            Op::CreateTable(table) => {
                for column in table.columns.iter() {
                    types.insert(
                        (table.name.to_string(), column.name.to_string()),
                        column.ty.clone(),
                    );
                }
                if let Some(pk) = &table.primary_key {
                    indexed.insert((table.name.to_string(), pk.columns.join(",")));
                }
            }
            Op::AddColumn { table, column } => {
                added.insert((table.to_string(), column.name.to_string()));
                types.insert(
                    (table.to_string(), column.name.to_string()),
                    column.ty.clone(),
                );
            }
            Op::CreateIndex(created) if created.predicate.is_none() => {
                indexed.insert((created.table.to_string(), created.columns.join(",")));
            }
            Op::AddUnique(unique) => {
                indexed.insert((unique.table.to_string(), unique.columns.join(",")));
            }
            _ => {}
        }
    }
    let mut reports = Vec::new();
    for (index, op) in rules.ops.iter().enumerate() {
        let Op::AddForeignKey(fk) = op else { continue };
        let columns = fk.columns.join(",");
        let leading = indexed.iter().any(|(table, index_columns)| {
            table == fk.table.as_ref()
                && (index_columns == &columns || index_columns.starts_with(&format!("{columns},")))
        });
        let columns_new = fk
            .columns
            .iter()
            .all(|column| added.contains(&(fk.table.to_string(), column.to_string())));
        if (new[index] || columns_new) && !leading {
            let create_index = format!(
                "create_index(ix_{}_{}, {}({}))",
                fk.table,
                fk.columns.join("_"),
                fk.table,
                fk.columns.join(", ")
            );
            reports.push((
                index,
                CheckId::ForeignKeyWithoutIndex,
                format!("no index starts with `{}({})`: every delete or key update in `{}` scans `{}` while holding its locks", fk.table, fk.columns.join(", "), fk.referenced_table, fk.table),
                match new[index] {
                    true => format!("`{create_index}`"),
                    // On a live table the index is built concurrently, outside any transaction,
                    // so it cannot share this migration with the column: the whole sequence.
                    false => format!("keep the new column in this migration, and move the foreign key to the next one, after the index it needs, built without blocking writes:\n\n    {}, concurrently);\n    {op};", &create_index[..create_index.len() - 1]),
                },
            ));
        }
        for (column, referenced) in fk.columns.iter().zip(fk.referenced_columns.iter()) {
            let from = types.get(&(fk.table.to_string(), column.to_string()));
            let to = types.get(&(fk.referenced_table.to_string(), referenced.to_string()));
            if let (Some(from), Some(to)) = (from, to) {
                if from != to {
                    reports.push((
                        index,
                        CheckId::ForeignKeyTypeMismatch,
                        format!("`{}.{column}` is `{from}` but references `{}.{referenced}` of type `{to}`: every join casts, and keys beyond the smaller type cannot be referenced", fk.table, fk.referenced_table),
                        format!("declare `{column}` as `{to}`"),
                    ));
                }
            }
        }
    }
    for (index, check, message, help) in reports {
        rules.report(index, Part::Whole, check, message, help);
    }
}

enum TypeChange {
    /// PostgreSQL keeps the data as it is (binary-coercible, no rewrite).
    Safe,
    Rewrite,
    /// Some existing values may not fit.
    Narrowing,
}

/// `using`: a `USING` expression computes every value anew, so the table is rewritten even
/// between binary-compatible types.
/// Whether a `using:` expression is the column itself, possibly cast (`role`, `role::text`,
/// `CAST(role AS text)`): PostgreSQL then needs no rewrite for a binary-coercible change, as
/// without `using:`.
fn just_the_column(using: &str, column: &str) -> bool {
    let text: String = using
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('"', "");
    let column = column.to_lowercase();
    let inner = text
        .strip_prefix("cast(")
        .and_then(|rest| rest.strip_suffix(')'))
        .and_then(|rest| rest.split_once(" as "))
        .map(|(expr, _)| expr.trim().to_owned());
    let expr = inner.unwrap_or(text);
    let expr = expr
        .split_once("::")
        .map_or(expr.as_str(), |(expr, _)| expr)
        .trim();
    expr == column
}

/// Whether PostgreSQL keeps the stored values through a type change of `column` (no rewrite).
pub(crate) fn keeps_values(
    from: &ColumnType,
    to: &ColumnType,
    using: Option<&str>,
    column: &str,
) -> bool {
    let computes = using.is_some_and(|using| !just_the_column(using, column));
    matches!(classify(from, to, computes), TypeChange::Safe)
}

/// `using`: the change has a `using:` that is more than the column itself.
fn classify(from: &ColumnType, to: &ColumnType, using: bool) -> TypeChange {
    let (ColumnType::Scalar(from), ColumnType::Scalar(to)) = (from, to) else {
        return if from == to && !using {
            TypeChange::Safe
        } else {
            TypeChange::Rewrite
        };
    };
    use Scalar::*;
    let change = match (from, to) {
        _ if from == to => TypeChange::Safe,
        (Varchar(n), Varchar(m)) if m >= n => TypeChange::Safe,
        (Varchar(_), Text) => TypeChange::Safe,
        (Numeric(Some((p, s))), Numeric(Some((q, t)))) if q >= p && s == t => TypeChange::Safe,
        (Numeric(Some(_)), Numeric(None)) => TypeChange::Safe,
        // No rewrite when the session's time zone is UTC, which the rendering pins: existing
        // values are read as UTC.
        (Timestamp, Timestamptz) | (Timestamptz, Timestamp) => TypeChange::Safe,
        (Varchar(_), Varchar(_))
        | (Text, Varchar(_) | Char(_))
        | (Varchar(_), Char(_))
        | (BigInt, Integer | SmallInt)
        | (Integer, SmallInt)
        | (Numeric(_), Numeric(_) | Integer | SmallInt | BigInt)
        | (DoublePrecision, Real | Integer | SmallInt | BigInt | Numeric(_))
        | (Real, Integer | SmallInt | BigInt | Numeric(_))
        | (SmallInt | Integer | BigInt, Numeric(Some(_)))
        | (Timestamptz | Timestamp, Date | Time) => TypeChange::Narrowing,
        // Parsing text into anything else fails on values that do not parse.
        (Text | Varchar(_) | Char(_), _) => TypeChange::Narrowing,
        _ => TypeChange::Rewrite,
    };
    match change {
        TypeChange::Safe if using => TypeChange::Rewrite,
        change => change,
    }
}

/// A written downgrade that drops a table or column the upgrade did not create loses data that
/// was there before the migration: reported like the same drop in an upgrade, waivable on the
/// downgrade op. Dropping what the upgrade added is what a downgrade is for, and renaming back
/// is what the rolled-back code expects, so neither is reported (a renamed object is not one the
/// upgrade created: dropping it instead of renaming it back loses its data).
pub(super) fn check_downgrade_losses(upgrade: &[Op], downgrade: &[Op], out: &mut Vec<Diagnostic>) {
    let mut tables: BTreeSet<&str> = BTreeSet::new();
    let mut columns: BTreeSet<(&str, &str)> = BTreeSet::new();
    for op in upgrade {
        match op {
            Op::CreateTable(table) => {
                tables.insert(&table.name);
            }
            Op::AddColumn { table, column } => {
                columns.insert((table, &column.name));
            }
            // A renamed table or column holds the data it had before: dropping it loses that.
            _ => {}
        }
    }
    let new = on_new_table(downgrade);
    for (index, op) in downgrade.iter().enumerate() {
        if new[index] {
            continue;
        }
        let at = |part| Location::new(Section::Downgrade(index), part);
        let waive = |rule: CheckId| format!("`#[allow({rule}, reason = \"…\")]` on this op");
        match op {
            Op::DropTable(table) if !tables.contains(table.name.as_ref()) => out.push(
                Diagnostic::new(
                    CheckId::DropTable,
                    at(Part::Table),
                    format!("rolling back drops table `{}`, which the upgrade did not create: the rows it held before the migration are lost", table.name),
                )
                .help(format!("undo only what the upgrade did; if losing the table is the intent, say so: {}", waive(CheckId::DropTable))),
            ),
            Op::DropColumn { table, column }
                if !tables.contains(table.as_ref())
                    && !columns.contains(&(table.as_ref(), column.name.as_ref())) =>
            {
                out.push(
                    Diagnostic::new(
                        CheckId::DropColumn,
                        at(Part::Column(0)),
                        format!("rolling back drops `{table}.{}`, which the upgrade did not add: the values it held before the migration are lost", column.name),
                    )
                    .help(format!("undo only what the upgrade did; if losing the column is the intent, say so: {}", waive(CheckId::DropColumn))),
                )
            }
            _ => {}
        }
    }
}
