//! The rules for MySQL and MariaDB, checked when a set of migrations lists `mysql` among its
//! targets (`package.metadata.migrate.targets`).
//!
//! They run in the fold because most need what only the chain knows: the type of an indexed
//! column, the labels an enum has, whether the table already has rows. Each names what the op
//! does on MySQL that it does not do on PostgreSQL, and the form that does not.

use crate::diagnostic::{CheckId, Diagnostic, Location, Part, Section};
use crate::model::{
    Column, ColumnChange, ColumnType, DefaultValue, EnumPosition, Op, ReferentialAction, Scalar,
};
use crate::render::Dialect;
use crate::schema::Simulation;

/// The problems of `op` on MySQL, against the chain's schema before it. `new_table`: the op's
/// table was created earlier in the same migration, so it has no rows to copy or check.
pub(super) fn rules(
    schema: &Simulation,
    op: &Op,
    section: Section,
    new_table: bool,
) -> Vec<Diagnostic> {
    let at = |part| Location::new(section, part);
    let mut found = match op {
        Op::CreateTable(table) => table
            .columns
            .iter()
            .enumerate()
            .filter_map(|(position, column)| generated_not_null(column, at(Part::Column(position))))
            .collect(),
        Op::AddColumn { column, .. } => generated_not_null(column, at(Part::Column(0)))
            .into_iter()
            .collect(),
        _ => Vec::new(),
    };
    let mut unsupported_type = |ty: &ColumnType, part| {
        if matches!(
            ty,
            ColumnType::Scalar(Scalar::Interval) | ColumnType::Array(Scalar::Interval)
        ) {
            found.push(
                Diagnostic::new(
                    CheckId::MysqlUnsupported,
                    at(part),
                    "MySQL has no `interval` type, and `mysql` is a target of these migrations",
                )
                .help("store a duration as `bigint` (microseconds, say), which every target has"),
            );
        }
    };
    match op {
        Op::CreateTable(table) => {
            for (position, column) in table.columns.iter().enumerate() {
                unsupported_type(&column.ty, Part::Column(position));
            }
        }
        Op::AddColumn { column, .. } => unsupported_type(&column.ty, Part::Type),
        Op::AlterColumn {
            change: ColumnChange::SetType { to, .. },
            ..
        } => unsupported_type(to, Part::Type),
        _ => {}
    }
    match op {
        Op::AddForeignKey(fk)
            if [fk.on_delete, fk.on_update].contains(&ReferentialAction::SetDefault) =>
        {
            found.push(
                Diagnostic::new(
                    CheckId::MysqlUnsupported,
                    at(Part::Name),
                    format!(
                        "InnoDB refuses a foreign key with `set_default`, and `mysql` is a target of these migrations: `{}` could not be created",
                        fk.name
                    ),
                )
                .help("use `set_null`, `cascade`, `restrict` or `no_action`, which every target has"),
            )
        }
        Op::CreateIndex(index) if index.unique && index.predicate.is_some() => found.push(
            Diagnostic::new(
                CheckId::MysqlUnsupported,
                at(Part::Value(0)),
                format!(
                    "MySQL has no partial indexes, and `{}` without its `where:` would refuse rows its predicate lets through",
                    index.name
                ),
            )
            .help("enforce it another way on MySQL: a generated column that holds the key only where the predicate holds, with a unique index on it (a partial index that is not unique becomes a full index on MySQL, which answers the same queries)"),
        ),
        _ => {}
    }
    found.extend(unbounded_key(schema, op, at));
    if !new_table {
        found.extend(copies_the_table(schema, op, at));
    }
    if let Op::Execute { up, .. } = op {
        for sql in crate::model::execute_texts(up, None) {
            if matches!(sql.dialect, None | Some(Dialect::Mysql)) {
                found.extend(raw_sql(sql.sql, at(Part::Value(sql.position))));
            }
        }
    }
    found
}

/// MariaDB takes no `NOT NULL` (nor `NULL`) after a generated column's expression; MySQL does.
fn generated_not_null(column: &Column, at: Location) -> Option<Diagnostic> {
    let generated = column.generated.as_ref()?;
    if column.nullable {
        return None;
    }
    Some(
        Diagnostic::new(
            CheckId::MysqlUnsupported,
            at,
            format!(
                "MariaDB refuses `NOT NULL` on a generated column, and `mysql` is a target of these migrations: `{}` is NOT NULL unless marked `nullable`",
                column.name
            ),
        )
        .help(format!(
            "mark it `nullable` (`{}: {} nullable {generated}`): its expression decides when it is null",
            column.name, column.ty
        )),
    )
}

/// Columns of these types have no length MySQL can index: a key on one needs a prefix length
/// (MySQL refuses it otherwise), and MariaDB makes a hash of it that turns every later change of
/// the table into a copy.
fn unbounded(ty: &ColumnType) -> bool {
    matches!(
        ty,
        ColumnType::Array(_)
            | ColumnType::Scalar(Scalar::Text | Scalar::Bytea | Scalar::Json | Scalar::Jsonb)
    )
}

fn unbounded_key(schema: &Simulation, op: &Op, at: impl Fn(Part) -> Location) -> Vec<Diagnostic> {
    let (table, columns, what) = match op {
        Op::CreateIndex(index) => (&index.table, &index.columns, "an index"),
        Op::AddUnique(unique) => (&unique.table, &unique.columns, "a unique constraint"),
        Op::AddPrimaryKey { table, key } => (table, &key.columns, "a primary key"),
        Op::CreateTable(table) => match &table.primary_key {
            Some(key) => (&table.name, &key.columns, "a primary key"),
            None => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    let type_of = |column: &str| match op {
        Op::CreateTable(created) => created
            .columns
            .iter()
            .find(|c| c.name.as_ref() == column)
            .map(|c| c.ty.clone()),
        _ => schema
            .column(table, column)
            .and_then(|facts| facts.ty.clone()),
    };
    columns
        .iter()
        .enumerate()
        .filter_map(|(position, column)| {
            let ty = type_of(column)?;
            unbounded(&ty).then(|| {
                Diagnostic::new(
                    CheckId::MysqlUnboundedKey,
                    at(Part::Column(position)),
                    format!(
                        "`{table}.{column}` is `{ty}`, which MySQL cannot put in {what} without a prefix length (MySQL refuses it; MariaDB keys a hash of it, and every later change of `{table}` then copies the table)"
                    ),
                )
                .help(format!(
                    "declare `{column}` as `varchar(n)` with the longest value the app accepts (an email: `varchar(320)`)"
                ))
            })
        })
        .collect()
}

/// The ops MySQL has no online form for on a table with rows.
fn copies_the_table(
    schema: &Simulation,
    op: &Op,
    at: impl Fn(Part) -> Location,
) -> Vec<Diagnostic> {
    let diagnostic = match op {
        Op::AddColumn { table, column }
            if matches!(
                column.default,
                Some(DefaultValue::Function(_) | DefaultValue::Sql(_))
            ) =>
        {
            Diagnostic::new(
                CheckId::MysqlExpressionDefault,
                at(Part::Value(0)),
                format!(
                    "on MySQL, adding `{}` with an expression default evaluates it for every row of `{table}`: the table is copied while writes wait",
                    column.name
                ),
            )
            .help(format!(
                "add the column nullable without a default (instant), then `alter_column({table}, {}, set_default(…))` for new rows, and `backfill` the existing ones",
                column.name
            ))
        }
        Op::AddForeignKey(fk) => Diagnostic::new(
            CheckId::MysqlForeignKey,
            at(Part::Name),
            format!(
                "on MySQL, adding foreign key `{}` to `{}`, which has rows, copies the table and blocks writes to `{}` and `{}` while every row is checked (MySQL has no `NOT VALID`)",
                fk.name, fk.table, fk.table, fk.referenced_table
            ),
        )
        .help("declare the foreign key in the `create_table` of its table, or waive this with a reason (a small table, a maintenance window)"),
        Op::AddCheck(check) => Diagnostic::new(
            CheckId::MysqlCheckConstraint,
            at(Part::Name),
            format!(
                "on MySQL, adding check `{}` to `{}`, which has rows, copies the table while writes wait (every row is checked under the lock)",
                check.name, check.table
            ),
        )
        .help("declare the check in the `create_table` of its table, or waive this with a reason (a small table, a maintenance window)"),
        Op::AlterColumn {
            table,
            column,
            change: ColumnChange::SetType { to, from, .. },
        } => {
            if crate::render::mysql_varchar_widening_in_place(from, to) {
                return Vec::new();
            }
            Diagnostic::new(
                CheckId::MysqlTypeChange,
                at(Part::Type),
                format!(
                    "on MySQL, changing `{table}.{column}` from `{from}` to `{to}` copies the table while writes wait: only widening a `varchar` within its length prefix (up to 63 characters, or from 64 on) is done in place"
                ),
            )
            .help(format!(
                "add a new column of type `{to}`, backfill it, move the app to it, then drop `{column}`; or waive this with a reason (a small table)"
            ))
        }
        Op::AddEnumValue {
            enum_name,
            value,
            position,
        } => {
            let Some(labels) = schema.enum_labels(enum_name) else {
                return Vec::new();
            };
            let appended = match position {
                None => true,
                Some(EnumPosition::After(after)) => labels.last().is_some_and(|last| last == after),
                Some(EnumPosition::Before(_)) => false,
            };
            if appended && labels.len() != 255 {
                return Vec::new();
            }
            let why = if appended {
                "its 256th label makes every value of it two bytes instead of one"
            } else {
                "a label placed before others renumbers the stored values"
            };
            Diagnostic::new(
                CheckId::MysqlEnumReorder,
                at(Part::Value(1)),
                format!(
                    "on MySQL, adding {value:?} to enum `{enum_name}` rewrites every table with a column of it, while writes wait: {why}"
                ),
            )
            .help(format!(
                "append the label after the last one (`add_enum_value({enum_name}, {value:?})`): MySQL does that instantly"
            ))
        }
        _ => return Vec::new(),
    };
    vec![diagnostic]
}

/// The raw SQL of an `execute`, upper-cased with runs of whitespace made one space, checked for
/// what MySQL would do differently from what it says.
fn raw_sql(sql: &str, at: Location) -> Vec<Diagnostic> {
    let text = sql
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
        .replace(" = ", "=")
        .replace("= ", "=")
        .replace(" =", "=");
    let mut found = Vec::new();
    if text.contains("ALGORITHM=COPY") {
        found.push(
            Diagnostic::new(
                CheckId::MysqlAlgorithmCopy,
                at,
                "`ALGORITHM=COPY` copies the whole table while writes wait",
            )
            .help("leave the algorithm out, or ask for `ALGORITHM=INPLACE, LOCK=NONE` (or `ALGORITHM=INSTANT`) so MySQL refuses instead of copying"),
        );
    }
    if text.contains("LOCK=SHARED") || text.contains("LOCK=EXCLUSIVE") {
        found.push(
            Diagnostic::new(
                CheckId::MysqlLockOption,
                at,
                "`LOCK=SHARED` blocks every write, and `LOCK=EXCLUSIVE` every read and write, for the whole statement",
            )
            .help("ask for `LOCK=NONE`, so MySQL refuses an operation it cannot do while reads and writes go on"),
        );
    }
    let mut previous = 0;
    for (at_references, _) in text.match_indices("REFERENCES") {
        let declared_as_foreign_key = text[previous..at_references].contains("FOREIGN KEY");
        previous = at_references + "REFERENCES".len();
        if !declared_as_foreign_key {
            found.push(
                Diagnostic::new(
                    CheckId::MysqlInlineReferences,
                    at,
                    "MySQL ignores `REFERENCES` written in a column definition: no foreign key is created, and nothing says so",
                )
                .help("declare it as a table constraint (`FOREIGN KEY (column) REFERENCES table (column)`), or with `add_foreign_key`"),
            );
            break;
        }
    }
    found
}
