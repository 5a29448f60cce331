//! The statements of an `execute` as `sqlparser` reads them: what the compile-time checks use.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, DataType, Ident,
    ObjectName, ObjectType, RenameTableNameKind, Set, Statement as Ast, TableConstraint,
};
use sqlparser::dialect::{Dialect as SqlDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer, Whitespace};

use super::{Effect, Statement};
use crate::render::Dialect;

/// Reads `sql` as `dialect` reads it, statement by statement.
///
/// ```
/// use migrate_core::render::Dialect;
/// use migrate_core::statements::{read, Effect};
///
/// let statements = read("CREATE INDEX ix ON users (email); SELECT 1", Dialect::Postgres);
/// assert_eq!(statements[0].text, "CREATE INDEX ix ON users (email)");
/// assert_eq!(statements[0].effects, [Effect::BuildsIndex { table: "users".into() }]);
/// assert!(statements[1].effects.is_empty());
/// ```
pub fn read(sql: &str, dialect: Dialect) -> Vec<Statement<'_>> {
    let parser_dialect: &dyn SqlDialect = match dialect {
        Dialect::Postgres => &PostgreSqlDialect {},
        Dialect::Sqlite => &SQLiteDialect {},
        Dialect::Mysql => &MySqlDialect {},
    };
    let tokens = match Tokenizer::new(parser_dialect, sql).tokenize_with_location() {
        Ok(tokens) => tokens,
        // Without tokens there are no statements to tell apart.
        Err(error) => {
            return vec![Statement {
                text: sql.trim(),
                effects: vec![Effect::Unreadable {
                    reason: error.to_string(),
                }],
            }]
        }
    };
    let offsets = Offsets::new(sql);
    let mut statements = Vec::new();
    let mut at = 0;
    loop {
        while tokens
            .get(at)
            .is_some_and(|token| matches!(token.token, Token::Whitespace(_) | Token::SemiColon))
        {
            at += 1;
        }
        if at >= tokens.len() || tokens[at].token == Token::EOF {
            return statements;
        }
        let (effects, length) = match read_one(&tokens[at..], parser_dialect) {
            Ok(read) => read,
            // What cannot be parsed is taken to end at the next `;`, and reading goes on.
            Err(reason) => (
                vec![Effect::Unreadable {
                    reason: reason.trim_start_matches("sql parser error: ").to_owned(),
                }],
                tokens[at..]
                    .iter()
                    .position(|token| matches!(token.token, Token::SemiColon | Token::EOF))
                    .unwrap_or(tokens.len() - at),
            ),
        };
        let start = offsets.of(tokens[at].span.start);
        let end = tokens[at..at + length]
            .iter()
            .rev()
            .find(|token| !matches!(token.token, Token::Whitespace(_) | Token::EOF))
            .map_or(start, |token| offsets.of(token.span.end));
        statements.push(Statement {
            text: &sql[start..end],
            effects,
        });
        at += length;
    }
}

/// Reads the statement `tokens` starts with: its effects and how many tokens it spans (up to,
/// not including, the `;` or the end).
fn read_one(
    tokens: &[TokenWithSpan],
    dialect: &dyn SqlDialect,
) -> Result<(Vec<Effect>, usize), String> {
    let words = leading_keywords(tokens, 3);
    match words.as_slice() {
        [Keyword::REINDEX, ..] | [Keyword::CLUSTER, ..] | [Keyword::VACUUM, ..] => {
            let length = tokens
                .iter()
                .position(|token| matches!(token.token, Token::SemiColon | Token::EOF))
                .unwrap_or(tokens.len());
            return Ok((by_keywords(&tokens[..length]), length));
        }
        _ => {}
    }
    // `DROP INDEX CONCURRENTLY name`: read without the keyword the parser does not know.
    let mut owned = tokens.to_vec();
    let drop_concurrently = words == [Keyword::DROP, Keyword::INDEX, Keyword::CONCURRENTLY];
    if drop_concurrently {
        if let Some(token) = owned
            .iter_mut()
            .find(|token| keyword(token) == Some(Keyword::CONCURRENTLY))
        {
            token.token = Token::Whitespace(Whitespace::Space);
        }
    }
    let mut parser = Parser::new(dialect).with_tokens_with_locations(owned);
    let statement = parser
        .parse_statement()
        .map_err(|error| error.to_string())?;
    let length = parser.index();
    // The parser stops where the statement ends; anything but `;` or the end there is an error.
    let next = tokens[length..]
        .iter()
        .find(|token| !matches!(token.token, Token::Whitespace(_)));
    if let Some(next) = next.filter(|next| !matches!(next.token, Token::SemiColon | Token::EOF)) {
        return Err(format!(
            "sql parser error: Expected: end of statement, found: {} at {}",
            next.token, next.span.start
        ));
    }
    let mut effects = effects(&statement);
    if drop_concurrently {
        effects.retain(|effect| !matches!(effect, Effect::DropsIndex { .. }));
        effects.push(Effect::RunsOutsideTransaction);
    }
    Ok((effects, length))
}

fn keyword(token: &TokenWithSpan) -> Option<Keyword> {
    match &token.token {
        Token::Word(word) => Some(word.keyword),
        _ => None,
    }
}

/// The first `count` words of the statement, as keywords (`NoKeyword` for other names).
fn leading_keywords(tokens: &[TokenWithSpan], count: usize) -> Vec<Keyword> {
    tokens
        .iter()
        .filter(|token| !matches!(token.token, Token::Whitespace(_)))
        .take(count)
        .map_while(keyword)
        .collect()
}

/// `REINDEX`, `CLUSTER`, `VACUUM`, read from their keywords.
fn by_keywords(tokens: &[TokenWithSpan]) -> Vec<Effect> {
    let has = |wanted: Keyword| tokens.iter().any(|token| keyword(token) == Some(wanted));
    match leading_keywords(tokens, 1).first() {
        Some(Keyword::REINDEX) => {
            let concurrently = has(Keyword::CONCURRENTLY);
            // Reindexing a whole schema, database or the catalogs commits per table.
            let whole = has(Keyword::SCHEMA) || has(Keyword::DATABASE) || has(Keyword::SYSTEM);
            let mut effects = Vec::new();
            if !concurrently {
                effects.push(Effect::Reindexes);
            }
            if concurrently || whole {
                effects.push(Effect::RunsOutsideTransaction);
            }
            effects
        }
        Some(Keyword::CLUSTER) => vec![Effect::RewritesTable { how: "CLUSTER" }],
        _ if has(Keyword::FULL) => vec![
            Effect::RewritesTable { how: "VACUUM FULL" },
            Effect::RunsOutsideTransaction,
        ],
        _ => vec![Effect::RunsOutsideTransaction],
    }
}

/// PostgreSQL's folding: an unquoted name is lowercase.
fn ident(ident: &Ident) -> String {
    match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_lowercase(),
    }
}

/// The object's own name, without its schema.
fn object(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map(ident)
        .unwrap_or_else(|| name.to_string())
}

/// The start of a statement's text as the parser prints it, for [`Effect::Unknown`].
fn what(shown: &impl std::fmt::Display) -> String {
    let text = shown.to_string();
    let words: Vec<&str> = text.split_whitespace().take(4).collect();
    let more = text.split_whitespace().count() > words.len();
    format!("{}{}", words.join(" "), if more { " …" } else { "" })
}

fn effects(statement: &Ast) -> Vec<Effect> {
    match statement {
        // Data, and objects that hold no rows: nothing a live table notices beyond its rows.
        Ast::Query(_)
        | Ast::Insert(_)
        | Ast::Update(_)
        | Ast::Delete(_)
        | Ast::Merge(_)
        | Ast::CreateView(_)
        | Ast::CreateFunction(_)
        | Ast::CreateProcedure { .. }
        | Ast::CreateTrigger(_)
        | Ast::CreateRule(_)
        | Ast::CreatePolicy(_)
        | Ast::CreateExtension(_)
        | Ast::CreateSchema { .. }
        | Ast::CreateSequence { .. }
        | Ast::CreateType { .. }
        | Ast::CreateDomain(_)
        | Ast::CreateRole(_)
        | Ast::CreateVirtualTable { .. }
        | Ast::AlterFunction(_)
        | Ast::AlterView(_)
        | Ast::AlterType(_)
        | Ast::AlterTrigger(_)
        | Ast::AlterPolicy(_)
        | Ast::AlterRole { .. }
        | Ast::AlterIndex { .. }
        | Ast::DropFunction(_)
        | Ast::DropTrigger(_)
        | Ast::DropPolicy(_)
        | Ast::DropRule(_)
        | Ast::DropProcedure { .. }
        | Ast::Comment { .. }
        | Ast::Grant(_)
        | Ast::Revoke(_)
        | Ast::GrantRole(_)
        | Ast::RevokeRole(_)
        | Ast::AlterDefaultPrivileges(_)
        | Ast::Analyze(_)
        | Ast::RefreshMaterializedView(_)
        | Ast::NOTIFY { .. } => Vec::new(),
        Ast::CreateTable(table) => vec![Effect::CreatesTable(object(&table.name))],
        Ast::CreateIndex(index) if index.concurrently => vec![Effect::RunsOutsideTransaction],
        Ast::CreateIndex(index) => vec![Effect::BuildsIndex {
            table: object(&index.table_name),
        }],
        Ast::Drop {
            object_type,
            names,
            cascade,
            ..
        } => match object_type {
            ObjectType::Table => names
                .iter()
                .map(|name| Effect::DropsTable(object(name)))
                .collect(),
            ObjectType::Index => names
                .iter()
                .map(|name| Effect::DropsIndex {
                    index: object(name),
                })
                .collect(),
            ObjectType::Schema | ObjectType::Database => names
                .iter()
                .map(|name| Effect::DropsSchemaOrDatabase {
                    what: format!("{} `{name}`", object_type.to_string().to_lowercase()),
                })
                .collect(),
            // `CASCADE` drops what depends on the object: a view, or a column of the type.
            _ if *cascade => vec![Effect::Unknown {
                what: format!("DROP {object_type} … CASCADE"),
            }],
            _ => Vec::new(),
        },
        Ast::DropExtension(drop)
            if drop.cascade_or_restrict == Some(sqlparser::ast::ReferentialAction::Cascade) =>
        {
            vec![Effect::Unknown {
                what: what(statement),
            }]
        }
        Ast::DropExtension(_) => Vec::new(),
        Ast::DropDomain(drop)
            if drop.drop_behavior == Some(sqlparser::ast::DropBehavior::Cascade) =>
        {
            vec![Effect::Unknown {
                what: what(statement),
            }]
        }
        Ast::DropDomain(_) => Vec::new(),
        Ast::AlterTable(alter) => {
            let table = object(&alter.name);
            alter
                .operations
                .iter()
                .flat_map(|operation| alter_table(&table, operation))
                .collect()
        }
        Ast::RenameTable(renames) => renames
            .iter()
            .map(|rename| Effect::RenamesTable {
                from: object(&rename.old_name),
                to: object(&rename.new_name),
            })
            .collect(),
        Ast::Truncate(truncate) => vec![Effect::Truncates {
            tables: truncate
                .table_names
                .iter()
                .map(|target| object(&target.name))
                .collect(),
            cascade: truncate.cascade == Some(sqlparser::ast::CascadeOption::Cascade),
        }],
        Ast::Vacuum(vacuum) if vacuum.full => vec![
            Effect::RewritesTable { how: "VACUUM FULL" },
            Effect::RunsOutsideTransaction,
        ],
        Ast::Vacuum(_) => vec![Effect::RunsOutsideTransaction],
        Ast::Lock(lock) => vec![Effect::LocksTables {
            tables: lock
                .tables
                .iter()
                .map(|target| object(&target.name))
                .collect(),
        }],
        Ast::LockTables { tables } => vec![Effect::LocksTables {
            tables: tables.iter().map(|table| ident(&table.table)).collect(),
        }],
        Ast::StartTransaction { .. }
        | Ast::Commit { .. }
        | Ast::Rollback { .. }
        | Ast::Savepoint { .. }
        | Ast::ReleaseSavepoint { .. }
        | Ast::Reset(_) => vec![Effect::ControlsTransaction],
        // `SET LOCAL` ends with the transaction it is in; any other `SET` outlives the migration.
        Ast::Set(Set::SingleAssignment {
            scope: Some(sqlparser::ast::ContextModifier::Local),
            ..
        }) => Vec::new(),
        Ast::Set(Set::SetTimeZone { local: true, .. }) => Vec::new(),
        Ast::Set(_) => vec![Effect::ControlsTransaction],
        _ => vec![Effect::Unknown {
            what: what(statement),
        }],
    }
}

fn alter_table(table: &str, operation: &AlterTableOperation) -> Vec<Effect> {
    let table = table.to_owned();
    let one = |effect| vec![effect];
    match operation {
        AlterTableOperation::AddConstraint {
            constraint,
            not_valid,
        } => match constraint {
            TableConstraint::ForeignKey(_) if !not_valid => one(Effect::ValidatesConstraint {
                table,
                kind: "FOREIGN KEY",
            }),
            TableConstraint::Check(_) if !not_valid => one(Effect::ValidatesConstraint {
                table,
                kind: "CHECK",
            }),
            TableConstraint::Unique(_) => one(Effect::BuildsConstraintIndex {
                table,
                kind: "UNIQUE",
            }),
            TableConstraint::PrimaryKey(_) => one(Effect::BuildsConstraintIndex {
                table,
                kind: "PRIMARY KEY",
            }),
            TableConstraint::Exclude(_) => one(Effect::BuildsConstraintIndex {
                table,
                kind: "EXCLUDE",
            }),
            TableConstraint::Index(_) | TableConstraint::FulltextOrSpatial(_) => {
                one(Effect::BuildsIndex { table })
            }
            _ => Vec::new(),
        },
        AlterTableOperation::AddColumn { column_def, .. } => add_column(&table, column_def),
        AlterTableOperation::AlterColumn { column_name, op } => {
            let column = ident(column_name);
            match op {
                AlterColumnOperation::SetNotNull => one(Effect::SetsNotNull { table, column }),
                AlterColumnOperation::SetDataType { data_type, .. } => one(Effect::ChangesType {
                    table,
                    column,
                    to: data_type.to_string(),
                }),
                AlterColumnOperation::AddGenerated { .. } => {
                    one(Effect::AddsIdentityColumn { table, column })
                }
                AlterColumnOperation::DropNotNull
                | AlterColumnOperation::SetDefault { .. }
                | AlterColumnOperation::DropDefault => Vec::new(),
                other => one(Effect::Unknown {
                    what: format!("ALTER TABLE … ALTER COLUMN {} {}", column_name, what(other)),
                }),
            }
        }
        // MySQL: a new definition of the column, its type included.
        AlterTableOperation::ModifyColumn {
            col_name,
            data_type,
            ..
        } => one(Effect::ChangesType {
            table,
            column: ident(col_name),
            to: data_type.to_string(),
        }),
        AlterTableOperation::ChangeColumn {
            old_name,
            new_name,
            data_type,
            ..
        } => {
            let mut effects = vec![Effect::ChangesType {
                table: table.clone(),
                column: ident(old_name),
                to: data_type.to_string(),
            }];
            if ident(old_name) != ident(new_name) {
                effects.push(Effect::RenamesColumn {
                    table,
                    from: ident(old_name),
                    to: ident(new_name),
                });
            }
            effects
        }
        AlterTableOperation::DropColumn { column_names, .. } => column_names
            .iter()
            .map(|column| Effect::DropsColumn {
                table: table.clone(),
                column: ident(column),
            })
            .collect(),
        AlterTableOperation::DropConstraint { name, .. } => one(Effect::DropsConstraint {
            table,
            name: ident(name),
        }),
        AlterTableOperation::DropPrimaryKey { .. } => one(Effect::DropsConstraint {
            table,
            name: "PRIMARY KEY".to_owned(),
        }),
        AlterTableOperation::DropForeignKey { name, .. } => one(Effect::DropsConstraint {
            table,
            name: ident(name),
        }),
        AlterTableOperation::DropIndex { name } => one(Effect::DropsIndex { index: ident(name) }),
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => one(Effect::RenamesColumn {
            table,
            from: ident(old_column_name),
            to: ident(new_column_name),
        }),
        AlterTableOperation::RenameTable { table_name } => {
            let (RenameTableNameKind::As(to) | RenameTableNameKind::To(to)) = table_name;
            one(Effect::RenamesTable {
                from: table,
                to: object(to),
            })
        }
        AlterTableOperation::SetLogged => one(Effect::RewritesTable { how: "SET LOGGED" }),
        AlterTableOperation::SetUnlogged => one(Effect::RewritesTable {
            how: "SET UNLOGGED",
        }),
        AlterTableOperation::DetachPartitionOf {
            mode: Some(sqlparser::ast::DetachPartitionMode::Concurrently),
            ..
        } => one(Effect::RunsOutsideTransaction),
        // Brief catalog changes: they wait for the lock, then are instant.
        AlterTableOperation::RenameConstraint { .. }
        | AlterTableOperation::ValidateConstraint { .. }
        | AlterTableOperation::EnableTrigger { .. }
        | AlterTableOperation::DisableTrigger { .. }
        | AlterTableOperation::EnableRowLevelSecurity
        | AlterTableOperation::DisableRowLevelSecurity
        | AlterTableOperation::ForceRowLevelSecurity
        | AlterTableOperation::NoForceRowLevelSecurity
        | AlterTableOperation::OwnerTo { .. } => Vec::new(),
        other => one(Effect::Unknown {
            what: format!("ALTER TABLE … {}", what(other)),
        }),
    }
}

fn add_column(table: &str, column: &ColumnDef) -> Vec<Effect> {
    let table = table.to_owned();
    let name = ident(&column.name);
    let options: Vec<&ColumnOption> = column.options.iter().map(|option| &option.option).collect();
    let default = options.iter().find_map(|option| match option {
        ColumnOption::Default(expr) => Some(expr.to_string()),
        _ => None,
    });
    let serial =
        matches!(&column.data_type, DataType::Custom(name, _) if object(name).ends_with("serial"));
    let identity = serial
        || options.iter().any(|option| {
            matches!(option, ColumnOption::Identity(_))
                || matches!(
                    option,
                    ColumnOption::Generated {
                        generation_expr: None,
                        ..
                    }
                )
        });
    let not_null = options
        .iter()
        .any(|option| matches!(option, ColumnOption::NotNull | ColumnOption::PrimaryKey(_)));
    let mut effects = Vec::new();
    if identity {
        effects.push(Effect::AddsIdentityColumn {
            table: table.clone(),
            column: name.clone(),
        });
    } else if not_null
        && default
            .as_deref()
            .is_none_or(|d| d.eq_ignore_ascii_case("NULL"))
    {
        effects.push(Effect::AddsRequiredColumn {
            table: table.clone(),
            column: name.clone(),
        });
    }
    if let Some(default) = default.filter(|sql| !crate::check::sql_is_non_volatile(sql)) {
        effects.push(Effect::AddsVolatileDefault {
            table: table.clone(),
            column: name.clone(),
            default,
        });
    }
    for option in options {
        match option {
            ColumnOption::Unique(_) => effects.push(Effect::BuildsConstraintIndex {
                table: table.clone(),
                kind: "UNIQUE",
            }),
            ColumnOption::PrimaryKey(_) => effects.push(Effect::BuildsConstraintIndex {
                table: table.clone(),
                kind: "PRIMARY KEY",
            }),
            // PostgreSQL 18's virtual generated columns are computed when read.
            ColumnOption::Generated {
                generation_expr: Some(_),
                generation_expr_mode: Some(sqlparser::ast::GeneratedExpressionMode::Stored),
                ..
            } => effects.push(Effect::RewritesTable {
                how: "ADD COLUMN … GENERATED ALWAYS AS (…) STORED",
            }),
            _ => {}
        }
    }
    effects
}

/// Byte offsets of the tokenizer's line and column (1-based, counted in characters).
struct Offsets<'a> {
    sql: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Offsets<'a> {
    fn new(sql: &'a str) -> Offsets<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(sql.match_indices('\n').map(|(at, _)| at + 1));
        Offsets { sql, line_starts }
    }

    fn of(&self, location: Location) -> usize {
        let line = usize::try_from(location.line).unwrap_or(1).max(1) - 1;
        let Some(&start) = self.line_starts.get(line) else {
            return self.sql.len();
        };
        let column = usize::try_from(location.column).unwrap_or(1).max(1) - 1;
        self.sql[start..]
            .char_indices()
            .nth(column)
            .map_or(self.sql.len(), |(at, _)| start + at)
    }
}
