//! Values: literals and SQL text the database would refuse, caught when the migration compiles
//! rather than when it runs, or worse, when the application first inserts a row.
//!
//! - No text may hold a NUL character (a literal, a label, or SQL the author wrote: a check, a
//!   generated column's expression): PostgreSQL refuses it in any text, and SQLite takes it for
//!   the end of the statement.
//! - An enum label is at most 63 bytes, PostgreSQL's limit.
//! - A numeric default fits its column's type. PostgreSQL stores a default expression without
//!   evaluating it, so `smallint default(40000)` is accepted by the migration and then refuses
//!   every row that takes it; a decimal default on an integer column is silently rounded.
//!
//! The range rule looks at the defaults an upgrade sets. A drop records, and a downgrade restores,
//! what the database already had: flagging those would stand in the way of the very migration
//! that repairs a bad default. Text rules apply everywhere, since no database ever held such text.

use std::collections::BTreeMap;

use super::{DowngradeDef, MigrationDef};
use crate::diagnostic::{CheckId, Diagnostic, Location, Part, Section};
use crate::model::{Column, ColumnChange, ColumnType, DefaultValue, Op, Scalar, SqlFunction};
use crate::render::Dialect;

/// PostgreSQL's NAMEDATALEN - 1, which bounds enum labels as it bounds identifiers.
pub const MAX_ENUM_LABEL_BYTES: usize = super::MAX_IDENTIFIER_BYTES;

pub(super) fn check_values(def: &MigrationDef, targets: &[Dialect], out: &mut Vec<Diagnostic>) {
    check_ops(&def.upgrade, Section::Upgrade, true, out);
    check_dialects(&def.upgrade, Section::Upgrade, targets, out);
    if let DowngradeDef::Ops(ops) = &def.downgrade {
        check_ops(ops, Section::Downgrade, false, out);
        check_dialects(ops, Section::Downgrade, targets, out);
    }
}

/// An `execute` written per dialect says what runs on each backend the crate targets (its
/// `targets`, or PostgreSQL and SQLite when it names none): a backend left out would fail the
/// migration there at run time.
fn check_dialects(
    ops: &[Op],
    section: fn(usize) -> Section,
    targets: &[Dialect],
    out: &mut Vec<Diagnostic>,
) {
    let targets = match targets {
        [] => &[Dialect::Postgres, Dialect::Sqlite][..],
        targets => targets,
    };
    for (index, op) in ops.iter().enumerate() {
        let Op::Execute { up, down } = op else {
            continue;
        };
        let up = (up, "", "the migration would fail there when it runs");
        let down = down.iter().map(|down| {
            (
                down,
                "`down:` ",
                "rolling the migration back would fail there",
            )
        });
        for (sql, side, consequence) in std::iter::once(up).chain(down) {
            for &dialect in targets {
                if sql.on(dialect).is_none() {
                    out.push(
                        Diagnostic::new(
                            CheckId::ExecuteMissingDialect,
                            Location::op(section(index)),
                            format!(
                                "this `execute` has no {side}SQL for {}, a target of this crate: {consequence}",
                                dialect.name()
                            ),
                        )
                        .help(format!(
                            "add `{0}: \"…\"` to the {side}SQL, or `{0}: none` when nothing needs to run on {0}",
                            dialect.name()
                        )),
                    );
                }
            }
        }
    }
}

fn check_ops(ops: &[Op], section: fn(usize) -> Section, upgrade: bool, out: &mut Vec<Diagnostic>) {
    let mut types = ColumnTypes::default();
    for (index, op) in ops.iter().enumerate() {
        let at = |part| Location::new(section(index), part);
        for text in texts(op) {
            check_nul(&text, at(text.part), out);
        }
        for (part, label) in labels(op) {
            check_label(label, at(part), out);
        }
        if let Op::Backfill { set, .. } = op {
            out.extend(assignment_problems(set, at(Part::Value(0))));
        }
        if upgrade {
            for (part, ty, default) in defaults_set(op, &types) {
                out.extend(default_problems(default, &ty, at(part)));
            }
        }
        types.apply(op);
    }
}

/// A text of an op that reaches the database, what it is, and which token it came from.
struct OpText<'a> {
    part: Part,
    what: String,
    text: &'a str,
}

/// Every text of `op` that is sent to the database: string defaults, enum labels, and the SQL the
/// author wrote.
fn texts(op: &Op) -> Vec<OpText<'_>> {
    let text = |part, what: String, text| OpText { part, what, text };
    fn default<'a>(part: Part, column: &str, default: &'a DefaultValue) -> Option<OpText<'a>> {
        match default {
            DefaultValue::Str(value) => Some(OpText {
                part,
                what: format!("the default of `{column}`"),
                text: value,
            }),
            DefaultValue::Sql(sql) => Some(OpText {
                part,
                what: format!("the SQL default of `{column}`"),
                text: sql,
            }),
            _ => None,
        }
    }
    fn generated(part: Part, column: &Column) -> Option<OpText<'_>> {
        column.generated.as_ref().map(|generated| OpText {
            part,
            what: format!("the expression of `{}`", column.name),
            text: &generated.expr,
        })
    }
    let mut found = Vec::new();
    match op {
        Op::CreateTable(table) | Op::DropTable(table) => {
            for (position, column) in table.columns.iter().enumerate() {
                if let Some(value) = &column.default {
                    found.extend(default(Part::Value(position), &column.name, value));
                }
                found.extend(generated(Part::Value(position), column));
            }
        }
        Op::AddColumn { column, .. } | Op::DropColumn { column, .. } => {
            if let Some(value) = &column.default {
                found.extend(default(Part::Value(0), &column.name, value));
            }
            found.extend(generated(Part::Value(0), column));
        }
        Op::AlterColumn { column, change, .. } => match change {
            ColumnChange::SetDefault { to, from } => {
                found.extend(default(Part::Value(0), column, to));
                if let Some(from) = from {
                    found.extend(default(Part::Value(1), column, from));
                }
            }
            ColumnChange::DropDefault { was } => {
                found.extend(default(Part::Value(0), column, was));
            }
            ColumnChange::SetType {
                using: Some(using), ..
            } => found.push(text(
                Part::Value(0),
                "the `using:` expression".into(),
                using,
            )),
            _ => {}
        },
        Op::CreateIndex(index) | Op::DropIndex(index) => {
            if let Some(predicate) = &index.predicate {
                found.push(text(
                    Part::Value(0),
                    "the `where:` predicate".into(),
                    predicate,
                ));
            }
        }
        Op::AddCheck(check) | Op::DropCheck(check) => {
            found.push(text(Part::Value(0), "the condition".into(), &check.expr));
        }
        Op::CreateEnum(_)
        | Op::DropEnum(_)
        | Op::AddEnumValue { .. }
        | Op::DropEnumValue { .. } => {
            for (part, label) in labels(op) {
                found.push(text(part, "the enum label".into(), label));
            }
        }
        Op::Execute { up, down } => {
            for sql in crate::model::execute_texts(up, down.as_ref()) {
                found.push(text(Part::Value(sql.position), sql.describe(), sql.sql));
            }
        }
        Op::Backfill { set, filter, .. } => {
            found.push(text(Part::Value(0), "the `set:` SQL".into(), set));
            found.push(text(Part::Value(1), "the `where:` SQL".into(), filter));
        }
        Op::RenameTable { .. }
        | Op::RenameColumn { .. }
        | Op::AddForeignKey(_)
        | Op::DropForeignKey(_)
        | Op::AddUnique(_)
        | Op::DropUnique(_)
        | Op::AddPrimaryKey { .. }
        | Op::DropPrimaryKey { .. }
        | Op::RunRust { .. } => {}
        Op::InsertRows(rows) | Op::DeleteRows(rows) => {
            let values = rows
                .values
                .iter()
                .flat_map(|row| rows.columns.iter().zip(row.iter()));
            for (position, (column, value)) in values.enumerate() {
                found.extend(default(Part::Value(position), column, value));
            }
        }
    }
    found
}

/// The enum labels an op names: the values of `create_enum`/`drop_enum`, the new label of
/// `add_enum_value` and the one it is placed next to.
fn labels(op: &Op) -> Vec<(Part, &str)> {
    match op {
        Op::CreateEnum(ty) | Op::DropEnum(ty) => ty
            .values
            .iter()
            .enumerate()
            .map(|(position, value)| (Part::Value(position), value.as_ref()))
            .collect(),
        Op::AddEnumValue {
            value, position, ..
        }
        | Op::DropEnumValue {
            value, position, ..
        } => {
            let mut labels = vec![(Part::Value(0), value.as_ref())];
            if let Some(
                crate::model::EnumPosition::Before(other)
                | crate::model::EnumPosition::After(other),
            ) = position
            {
                labels.push((Part::Value(1), other.as_ref()));
            }
            labels
        }
        _ => Vec::new(),
    }
}

fn check_nul(text: &OpText<'_>, at: Location, out: &mut Vec<Diagnostic>) {
    if !text.text.contains('\0') {
        return;
    }
    out.push(
        Diagnostic::new(
            CheckId::NulCharacter,
            at,
            format!(
                "{} {:?} holds a NUL character (`\\0`): PostgreSQL refuses NUL in any text, and SQLite stops reading the statement there",
                text.what, text.text
            ),
        )
        .help("remove the `\\0`; bytes that include NUL belong in a `bytea` column, written by a data step (`run(up: …)`)"),
    );
}

fn check_label(label: &str, at: Location, out: &mut Vec<Diagnostic>) {
    if label.len() <= MAX_ENUM_LABEL_BYTES {
        return;
    }
    out.push(
        Diagnostic::new(
            CheckId::EnumLabelTooLong,
            at,
            format!(
                "enum label {label:?} is {} bytes long: PostgreSQL refuses labels longer than {MAX_ENUM_LABEL_BYTES} bytes (\"invalid enum label\")",
                label.len()
            ),
        )
        .help(format!(
            "shorten it to at most {MAX_ENUM_LABEL_BYTES} bytes: a label is a short code; keep a longer description in a lookup table keyed by it"
        )),
    );
}

/// The column types the ops so far have made known, for `alter_column(…, set_default(…))`.
#[derive(Default)]
struct ColumnTypes(BTreeMap<(String, String), ColumnType>);

impl ColumnTypes {
    fn get(&self, table: &str, column: &str) -> Option<&ColumnType> {
        self.0.get(&(table.to_owned(), column.to_owned()))
    }

    fn apply(&mut self, op: &Op) {
        let key = |table: &str, column: &str| (table.to_owned(), column.to_owned());
        match op {
            Op::CreateTable(table) => {
                for column in table.columns.iter() {
                    self.0
                        .insert(key(&table.name, &column.name), column.ty.clone());
                }
            }
            Op::DropTable(table) => self.0.retain(|(owner, _), _| *owner != *table.name),
            Op::AddColumn { table, column } => {
                self.0.insert(key(table, &column.name), column.ty.clone());
            }
            Op::DropColumn { table, column } => {
                self.0.remove(&key(table, &column.name));
            }
            Op::RenameTable { from, to } => {
                let moved: Vec<_> = self
                    .0
                    .keys()
                    .filter(|(owner, _)| *owner == **from)
                    .cloned()
                    .collect();
                for old in moved {
                    if let Some(ty) = self.0.remove(&old) {
                        self.0.insert(key(to, &old.1), ty);
                    }
                }
            }
            Op::RenameColumn { table, from, to } => {
                if let Some(ty) = self.0.remove(&key(table, from)) {
                    self.0.insert(key(table, to), ty);
                }
            }
            Op::AlterColumn {
                table,
                column,
                change: ColumnChange::SetType { to, .. },
            } => {
                self.0.insert(key(table, column), to.clone());
            }
            _ => {}
        }
    }
}

/// The defaults `op` gives columns whose type is known, with the token each came from.
fn defaults_set<'a>(op: &'a Op, types: &ColumnTypes) -> Vec<(Part, ColumnType, &'a DefaultValue)> {
    match op {
        Op::CreateTable(table) => table
            .columns
            .iter()
            .enumerate()
            .filter_map(|(position, column)| {
                let default = column.default.as_ref()?;
                Some((Part::Value(position), column.ty.clone(), default))
            })
            .collect(),
        Op::AddColumn { column, .. } => column
            .default
            .iter()
            .map(|default| (Part::Value(0), column.ty.clone(), default))
            .collect(),
        Op::AlterColumn {
            table,
            column,
            change: ColumnChange::SetDefault { to, .. },
        } => types
            .get(table, column)
            .map(|ty| (Part::Value(0), ty.clone(), to))
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// What is wrong with giving a column of type `ty` the default `default`: a value of a kind
/// PostgreSQL cannot assign to the type, or a number outside its range. The fold calls it too,
/// for defaults set on columns an earlier migration made.
pub(crate) fn default_problems(
    default: &DefaultValue,
    ty: &ColumnType,
    at: Location,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some((message, help)) = misfit(default, ty) {
        out.push(Diagnostic::new(CheckId::DefaultTypeMismatch, at, message).help(help));
    }
    check_range(default, ty, at, &mut out);
    out
}

/// Why `default` cannot be a default of `ty` on PostgreSQL, which needs an assignment cast from
/// the literal's type (SQLite stores anything, so the mistake only shows there).
fn misfit(default: &DefaultValue, ty: &ColumnType) -> Option<(String, String)> {
    let ColumnType::Scalar(scalar) = ty else {
        return match default {
            DefaultValue::Null | DefaultValue::Sql(_) | DefaultValue::Str(_) => None,
            _ => Some((
                format!("`default({default})` does not fit the array type `{ty}`: PostgreSQL refuses the migration"),
                "write the array as text, e.g. `default(\"{}\")`, or as `sql(\"ARRAY[…]\")`".to_owned(),
            )),
        };
    };
    let text_like = matches!(scalar, Scalar::Text | Scalar::Varchar(_) | Scalar::Char(_));
    let numeric = scalar.is_integer()
        || matches!(
            scalar,
            Scalar::Numeric(_) | Scalar::Real | Scalar::DoublePrecision
        );
    let temporal = matches!(
        scalar,
        Scalar::Date | Scalar::Timestamp | Scalar::Timestamptz | Scalar::Time
    );
    let fits = match default {
        DefaultValue::Null | DefaultValue::Sql(_) => true,
        DefaultValue::Bool(_) => text_like || *scalar == Scalar::Boolean,
        DefaultValue::Int(_) | DefaultValue::Float(_) => text_like || numeric,
        DefaultValue::Str(text) => match scalar {
            _ if scalar.is_integer() => text.trim().parse::<i128>().is_ok(),
            Scalar::Numeric(_) | Scalar::Real | Scalar::DoublePrecision => {
                text.trim().parse::<f64>().is_ok()
            }
            Scalar::Boolean => matches!(
                text.trim().to_lowercase().as_str(),
                "true" | "false" | "t" | "f" | "yes" | "no" | "y" | "n" | "on" | "off" | "1" | "0"
            ),
            Scalar::Uuid => {
                let hex: String = text
                    .chars()
                    .filter(|c| !matches!(c, '-' | '{' | '}'))
                    .collect();
                hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
            }
            _ => true,
        },
        DefaultValue::Function(function) => match function {
            SqlFunction::Now | SqlFunction::ClockTimestamp | SqlFunction::CurrentDate => {
                text_like || temporal
            }
            SqlFunction::GenRandomUuid => text_like || *scalar == Scalar::Uuid,
            SqlFunction::Random => text_like || numeric,
        },
    };
    if fits {
        return None;
    }
    let example = match scalar {
        _ if scalar.is_integer() => "a whole number, e.g. `default(0)`".to_owned(),
        Scalar::Numeric(_) | Scalar::Real | Scalar::DoublePrecision => {
            "a number, e.g. `default(0.0)`".to_owned()
        }
        Scalar::Boolean => "`default(true)` or `default(false)`".to_owned(),
        Scalar::Uuid => "a UUID, e.g. `default(gen_random_uuid())`".to_owned(),
        Scalar::Date | Scalar::Timestamp | Scalar::Timestamptz => {
            "a date or time as text, e.g. `default(\"2024-01-01\")`, or `default(now())`".to_owned()
        }
        _ => "text, e.g. `default(\"…\")`".to_owned(),
    };
    Some((
        format!("`default({default})` does not fit a column of type `{scalar}`: PostgreSQL refuses the migration (no assignment cast), while SQLite would store it as written"),
        format!("write {example}, or change the column's type"),
    ))
}

fn check_range(default: &DefaultValue, ty: &ColumnType, at: Location, out: &mut Vec<Diagnostic>) {
    let (DefaultValue::Int(text) | DefaultValue::Float(text)) = default else {
        return;
    };
    let ColumnType::Scalar(scalar) = ty else {
        return;
    };
    let refused =
        "PostgreSQL accepts the migration, then refuses every row that takes this default";
    let (message, help) = match scalar {
        Scalar::SmallInt | Scalar::Integer | Scalar::BigInt => {
            let (min, max, wider) = match scalar {
                Scalar::SmallInt => (i128::from(i16::MIN), i128::from(i16::MAX), "`integer`"),
                Scalar::Integer => (i128::from(i32::MIN), i128::from(i32::MAX), "`bigint`"),
                _ => (i128::from(i64::MIN), i128::from(i64::MAX), "`numeric`"),
            };
            if matches!(default, DefaultValue::Float(_)) {
                (
                    format!("`{text}` is a decimal number and `{scalar}` holds whole numbers: PostgreSQL would silently round the default, and SQLite store it as written"),
                    format!("write a whole number from {min} to {max}, or make the column `numeric(p, s)` to keep the decimals"),
                )
            } else if text
                .parse::<i128>()
                .is_ok_and(|value| (min..=max).contains(&value))
            {
                return;
            } else {
                (
                    format!("`{text}` is out of range for `{scalar}` ({min} to {max}): {refused} (\"{scalar} out of range\")"),
                    format!("use a value from {min} to {max}, or a wider type such as {wider}"),
                )
            }
        }
        Scalar::Numeric(Some((precision, scale))) => {
            let Some(digits) = rounded_digits(text, *scale) else {
                return;
            };
            if digits <= u64::from(*precision) {
                return;
            }
            let whole = i64::from(*precision) - i64::from(*scale);
            (
                format!("`{text}` does not fit `{scalar}`, which holds absolute values below 10^{whole} once rounded to {scale} decimal places: {refused} (\"numeric field overflow\")"),
                format!("use a smaller value, or a wider type such as `numeric({digits}, {scale})`"),
            )
        }
        Scalar::Real | Scalar::DoublePrecision => {
            let nonzero = text
                .bytes()
                .take_while(|b| !matches!(b, b'e' | b'E'))
                .any(|b| matches!(b, b'1'..=b'9'));
            let (out_of_range, range, wider) = if *scalar == Scalar::Real {
                let value: f32 = text.parse().unwrap_or(f32::INFINITY);
                (
                    value.is_infinite() || (value == 0.0 && nonzero),
                    "about 1e-45 to 3.4e38 in magnitude",
                    "`double`",
                )
            } else {
                let value: f64 = text.parse().unwrap_or(f64::INFINITY);
                (
                    value.is_infinite() || (value == 0.0 && nonzero),
                    "about 5e-324 to 1.8e308 in magnitude",
                    "`numeric`",
                )
            };
            if !out_of_range {
                return;
            }
            (
                format!("`{text}` is out of range for `{scalar}` ({range}): {refused} (\"out of range for type\")"),
                format!("use a value within that range, or a wider type such as {wider}"),
            )
        }
        _ => return,
    };
    out.push(Diagnostic::new(CheckId::DefaultOutOfRange, at, message).help(help));
}

/// How many digits the absolute value of the decimal literal `text` has once rounded (half away
/// from zero, as PostgreSQL's `numeric` does) to `scale` decimal places and scaled to an integer;
/// `numeric(p, s)` holds it when that is at most `p`. `None` when `text` is not a decimal literal.
///
/// `999.995` at scale 2 rounds to `1000.00`, whose integer `100000` has 6 digits.
fn rounded_digits(text: &str, scale: u16) -> Option<u64> {
    let text = text.trim_start_matches(['-', '+']);
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i64>().ok()?),
        None => (text, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !whole
        .bytes()
        .chain(fraction.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // value = digits × 10^power
    let digits: Vec<u8> = whole
        .bytes()
        .chain(fraction.bytes())
        .map(|b| b - b'0')
        .skip_while(|digit| *digit == 0)
        .collect();
    if digits.is_empty() {
        return Some(0);
    }
    let power = exponent
        .saturating_sub(fraction.len() as i64)
        .saturating_add(i64::from(scale));
    if power >= 0 {
        return Some((digits.len() as u64).saturating_add(power as u64));
    }
    let cut = power.unsigned_abs();
    if cut > digits.len() as u64 {
        return Some(0);
    }
    let kept = &digits[..digits.len() - cut as usize];
    let rounds_up = digits[digits.len() - cut as usize] >= 5;
    let all_nines = kept.iter().all(|digit| *digit == 9);
    let count = kept.len() as u64;
    Some(if rounds_up && all_nines {
        count + 1
    } else {
        count
    })
}

/// A backfill's `set:` is the list of an `UPDATE … SET`: `column = expression`, comma-separated.
/// A column assigned twice, or a part that assigns nothing, is refused by the database when the
/// backfill runs (PostgreSQL: "multiple assignments to same column"); here it is refused at once.
fn assignment_problems(set: &str, at: Location) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for part in top_level_parts(set) {
        let target = part
            .split_once('=')
            .filter(|(_, value)| !value.starts_with('=') && !value.trim().is_empty())
            .map(|(target, _)| target.trim());
        // `column`, or PostgreSQL's `(a, b) = (…)`.
        let columns: Option<Vec<&str>> = target.and_then(|target| {
            let columns = match target.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
                Some(list) => list.split(',').map(str::trim).collect(),
                None => vec![target],
            };
            columns
                .iter()
                .all(|column| !column.is_empty() && !column.contains(char::is_whitespace))
                .then_some(columns)
        });
        let Some(columns) = columns else {
            found.push(
                Diagnostic::new(
                    CheckId::BackfillAssignments,
                    at,
                    format!("`{}` in `set:` assigns nothing: each part of `set:` is `column = expression`, as in `UPDATE … SET`", part.trim()),
                )
                .help("write `set: \"column = expression, other = expression\"`"),
            );
            continue;
        };
        for target in columns {
            let column = target.trim_matches('"').trim_matches('`').to_string();
            // Unquoted names fold to lower case; quoted ones are taken as written.
            let key = match target.starts_with('"') || target.starts_with('`') {
                true => column.clone(),
                false => column.to_lowercase(),
            };
            if seen.contains(&key) {
                found.push(
                    Diagnostic::new(
                        CheckId::BackfillAssignments,
                        at,
                        format!("`set:` assigns `{column}` twice: the database refuses the UPDATE (\"multiple assignments to same column\") when the backfill runs"),
                    )
                    .help(format!("assign `{column}` once")),
                );
            } else {
                seen.push(key);
            }
        }
    }
    found
}

/// `text` split at the commas outside parentheses and quotes.
fn top_level_parts(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None::<char>, 0);
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                parts.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}
