//! One op statement → one core [`Op`], recording the tokens of each part for diagnostics.
//!
//! Drops are written exactly like the op that created the object (`drop_index` takes what
//! `create_index` took), so the inverse is a swap of names and the computed downgrade pastes back.

use migrate_core::diagnostic::{did_you_mean, CheckId, Diagnostic, Location, Part, Section};
use migrate_core::model::{
    CheckConstraint, ColumnChange, Dialect, EnumPosition, EnumType, ForeignKey, Index, Op, OpKind,
    PrimaryKey, RawSql, ReferentialAction, Rows, Table, Text, UniqueConstraint,
};
use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::ParseStream;
use syn::{Ident, Token};

use crate::args::{self, any_ident, lit_str, table_columns, text, Arg, Args};
use crate::ctxt::Ctxt;

/// Takes the arguments labelled with a dialect's name, in [`Dialect::ALL`] order.
fn per_dialect(args: &mut Args) -> Vec<(Dialect, Arg)> {
    Dialect::ALL
        .iter()
        .filter_map(|&dialect| args.named(dialect.name()).map(|arg| (dialect, arg)))
        .collect()
}

/// Parses one statement of an `upgrade`/`downgrade` block.
pub(crate) fn op(cx: &mut Ctxt, section: Section, statement: TokenStream) -> syn::Result<Op> {
    cx.record(Location::op(section), &statement);
    let mut tokens = statement.clone().into_iter();
    let (name, content) = match (tokens.next(), tokens.next(), tokens.next()) {
        (Some(TokenTree::Ident(name)), Some(TokenTree::Group(group)), None)
            if group.delimiter() == proc_macro2::Delimiter::Parenthesis =>
        {
            (name, group.stream())
        }
        (Some(TokenTree::Ident(name)), None, None) => (name, TokenStream::new()),
        _ => {
            return Err(syn::Error::new_spanned(
                statement,
                "expected an op such as `add_column(table, column: type);`",
            ))
        }
    };
    let Some(kind) = OpKind::from_name(&name.to_string()) else {
        let names: Vec<&str> = OpKind::ALL.iter().map(|kind| kind.name()).collect();
        let hint = did_you_mean(&name.to_string(), &names)
            .map(|known| format!("did you mean `{known}`? "))
            .unwrap_or_default();
        return Err(syn::Error::new_spanned(
            &name,
            format!("unknown op `{name}`; {hint}known ops: {}", names.join(", ")),
        ));
    };
    let mut parser = OpParser {
        cx,
        section,
        args: Args::split(name, content),
    };
    parser.parse(kind)
}

struct OpParser<'a> {
    cx: &'a mut Ctxt,
    section: Section,
    args: Args,
}

impl OpParser<'_> {
    fn record(&mut self, part: Part, tokens: impl ToTokens) {
        self.cx.record(Location::new(self.section, part), tokens);
    }

    /// A string argument, recording its literal as the op's value number `position`.
    fn value(&mut self, position: usize, arg: &Arg) -> syn::Result<Text> {
        let lit = arg.parse(lit_str)?;
        self.record(Part::Value(position), &lit);
        Ok(lit.value().into())
    }

    fn ident(&mut self, part: Part, what: &str, signature: &str) -> syn::Result<Ident> {
        let arg = self.args.unlabelled(what, signature)?;
        let ident = arg.as_ident().ok_or_else(|| {
            syn::Error::new_spanned(&arg, format!("expected {what} here; write `{signature}`"))
        })?;
        self.record(part, &ident);
        Ok(ident)
    }

    /// `table(col, …)`, recording the table and each column.
    fn table_columns(&mut self, arg: &Arg) -> syn::Result<(Text, Vec<Text>)> {
        let (table, columns) = arg.parse(table_columns)?;
        self.record(Part::Table, &table);
        for (position, column) in columns.iter().enumerate() {
            self.record(Part::Column(position), column);
        }
        Ok((text(&table), columns.iter().map(text).collect()))
    }

    /// The explicit name that starts index and constraint ops; when the author left it out, an
    /// `implicit_name` diagnostic, and parsing goes on with the conventional name.
    fn object_name(
        &mut self,
        kind: OpKind,
        signature: &str,
        conventional: impl FnOnce(&Arg) -> Option<String>,
    ) -> syn::Result<Text> {
        let first = self.args.positional("a name", signature)?;
        if let Some(name) = first.as_ident() {
            self.record(Part::Name, &name);
            return Ok(text(&name));
        }
        let suggestion = conventional(&first).unwrap_or_else(|| "<name>".to_owned());
        self.implicit_name(kind, &suggestion, first.to_token_stream());
        // Parse on with the argument put back, so the rest of the op is still checked.
        self.args = {
            let mut rest = vec![first];
            while let Ok(arg) = self.args.positional("", "") {
                rest.push(arg);
            }
            let tokens: Vec<TokenStream> = rest.iter().map(ToTokens::to_token_stream).collect();
            let joined = quote::quote!(#(#tokens),*);
            Args::split(self.args.op().clone(), joined)
        };
        Ok(suggestion.into())
    }

    /// Reports an index or constraint written without its name, at `tokens`.
    fn implicit_name(&mut self, kind: OpKind, suggestion: &str, tokens: TokenStream) {
        self.record(Part::Name, tokens);
        self.cx.diagnostic(
            &Diagnostic::new(
                CheckId::ImplicitName,
                Location::new(self.section, Part::Name),
                format!("`{}` needs an explicit name: generated names differ between databases and tools, so a downgrade or a retry could not address the object", kind.name()),
            )
            .help(format!("name it first: `{}({suggestion}, …)`", kind.name())),
        );
    }

    /// The next string of an `execute`, at value `position`.
    fn sql_value(&mut self, position: &mut usize, arg: &Arg) -> syn::Result<Text> {
        let sql = self.value(*position, arg)?;
        *position += 1;
        Ok(sql)
    }

    /// `postgres: "…", sqlite: none, …`, in [`Dialect::ALL`] order, which is the order of their
    /// value positions.
    fn dialect_sql(
        &mut self,
        written: Vec<(Dialect, Arg)>,
        position: &mut usize,
    ) -> syn::Result<RawSql> {
        let mut texts = Vec::new();
        for (dialect, arg) in written {
            let sql = match arg.value_ident() {
                Some(none) if none == "none" => {
                    self.record(Part::Value(*position), &arg);
                    *position += 1;
                    Text::from("")
                }
                _ => self.sql_value(position, &arg)?,
            };
            texts.push((dialect, sql));
        }
        Ok(RawSql::PerDialect(texts.into()))
    }

    /// `down: "…"`, or `down: (postgres: "…", sqlite: "…")`.
    fn down_sql(
        &mut self,
        arg: &Arg,
        position: &mut usize,
        signature: &str,
    ) -> syn::Result<RawSql> {
        let mut tokens = arg.value.clone().into_iter();
        let group = match (tokens.next(), tokens.next()) {
            (Some(TokenTree::Group(group)), None)
                if group.delimiter() == proc_macro2::Delimiter::Parenthesis =>
            {
                group
            }
            _ => return Ok(RawSql::Portable(self.sql_value(position, arg)?)),
        };
        let mut inner = Args::split(self.args.op().clone(), group.stream());
        let written = per_dialect(&mut inner);
        inner.finish(signature, &["postgres", "sqlite", "mysql"])?;
        if written.is_empty() {
            return Err(syn::Error::new_spanned(
                arg,
                format!("expected the `down:` SQL per dialect; write `{signature}`"),
            ));
        }
        self.dialect_sql(written, position)
    }

    /// `[{ id: 1, name: "admin" }, …]`: every row names the same columns, in any order; values
    /// are recorded row by row in the first row's column order.
    fn rows(
        &mut self,
        table: Text,
        list: &Arg,
        kind: OpKind,
        signature: &str,
    ) -> syn::Result<Rows> {
        type Row = Vec<(Ident, TokenStream, migrate_core::model::DefaultValue)>;
        let parsed: Vec<Row> = list.parse(|input: ParseStream| {
            let content;
            syn::bracketed!(content in input);
            let rows = content.parse_terminated(
                |input: ParseStream| {
                    let fields;
                    syn::braced!(fields in input);
                    let row = fields.parse_terminated(
                        |input: ParseStream| {
                            let column: Ident = input.parse()?;
                            input.parse::<Token![:]>()?;
                            let fork = input.fork();
                            let value = args::default_value(input)?;
                            let tokens = crate::parse::tokens_between(&fork, input);
                            Ok((column, tokens, value))
                        },
                        Token![,],
                    )?;
                    Ok(row.into_iter().collect::<Row>())
                },
                Token![,],
            )?;
            Ok(rows.into_iter().collect())
        })?;
        let Some(first) = parsed.first() else {
            return Err(syn::Error::new_spanned(
                list,
                format!(
                    "`{}` needs at least one row; write `{signature}`",
                    kind.name()
                ),
            ));
        };
        let columns: Vec<Ident> = first.iter().map(|(column, ..)| column.clone()).collect();
        for (position, column) in columns.iter().enumerate() {
            if columns[..position].contains(column) {
                return Err(syn::Error::new_spanned(
                    column,
                    format!("`{column}` is given twice"),
                ));
            }
            self.record(Part::Column(position), column);
        }
        let mut values = Vec::new();
        let mut position = 0;
        for row in &parsed {
            let mut ordered = Vec::new();
            for column in &columns {
                let Some((_, tokens, value)) = row.iter().find(|(name, ..)| name == column) else {
                    return Err(syn::Error::new_spanned(
                        row.first().map(|(name, ..)| name.clone()).unwrap_or_else(|| column.clone()),
                        format!("this row has no `{column}`: every row gives a value for the columns of the first one"),
                    ));
                };
                self.record(Part::Value(position), tokens);
                position += 1;
                ordered.push(value.clone());
            }
            if let Some((extra, ..)) = row.iter().find(|(name, ..)| !columns.contains(name)) {
                return Err(syn::Error::new_spanned(
                    extra,
                    format!("the first row has no `{extra}`: every row gives a value for the same columns"),
                ));
            }
            values.push(migrate_core::model::List::from(ordered));
        }
        Ok(Rows {
            table,
            columns: columns.iter().map(text).collect::<Vec<_>>().into(),
            values: values.into(),
        })
    }

    fn parse(&mut self, kind: OpKind) -> syn::Result<Op> {
        let op = match kind {
            OpKind::CreateTable | OpKind::DropTable => {
                let signature =
                    "create_table(name, { column: type, … }, primary_key: pk_name(column, …))";
                let primary_key = self.args.named("primary_key");
                let name = self.ident(Part::Table, "the table name", signature)?;
                let columns_arg = self.args.positional("the column list", signature)?;
                if !args::is_brace_group(&columns_arg.value) {
                    return Err(syn::Error::new_spanned(
                        columns_arg,
                        format!("expected the column list in braces; write `{signature}`"),
                    ));
                }
                let group = match columns_arg.value.into_iter().next() {
                    Some(TokenTree::Group(group)) => group,
                    _ => unreachable!("checked by is_brace_group"),
                };
                let mut columns = Vec::new();
                let mut column_args = Args::split(name.clone(), group.stream());
                while let Ok(column_arg) = column_args.positional("", "") {
                    let Some(column_name) = column_arg.key.clone() else {
                        return Err(syn::Error::new_spanned(
                            column_arg,
                            "expected a column: `name: type`",
                        ));
                    };
                    let (column, value) =
                        column_arg.parse(|input| args::column(&column_name, input))?;
                    self.record(Part::Column(columns.len()), &column_arg);
                    if let Some(value) = value {
                        self.record(Part::Value(columns.len()), value);
                    }
                    columns.push(column);
                }
                let primary_key = match primary_key {
                    Some(arg) => {
                        let (pk_name, pk_columns) = arg.parse(table_columns)?;
                        self.record(Part::Name, &pk_name);
                        Some(PrimaryKey {
                            name: text(&pk_name),
                            columns: pk_columns.iter().map(text).collect(),
                        })
                    }
                    None => None,
                };
                self.args.finish(signature, &["primary_key"])?;
                let table = Table {
                    name: text(&name),
                    columns: columns.into(),
                    primary_key,
                };
                if kind == OpKind::CreateTable {
                    Op::CreateTable(table)
                } else {
                    Op::DropTable(table)
                }
            }
            OpKind::AddColumn | OpKind::DropColumn => {
                let signature = format!(
                    "{}(table, column: type [nullable] [default(…)])",
                    kind.name()
                );
                let table = self.ident(Part::Table, "the table name", &signature)?;
                let column_arg = self.args.positional("the column", &signature)?;
                let Some(column_name) = column_arg.key.clone() else {
                    let message = if kind == OpKind::DropColumn {
                        format!("`drop_column` needs the definition of the column it drops, so that the downgrade can re-create it; write `drop_column({table}, {}: <type> [nullable])`", column_arg.value)
                    } else {
                        format!("expected a column definition; write `{signature}`")
                    };
                    return Err(syn::Error::new_spanned(column_arg, message));
                };
                self.record(Part::Column(0), &column_arg);
                let (column, value) =
                    column_arg.parse(|input| args::column(&column_name, input))?;
                if let Some(value) = value {
                    self.record(Part::Value(0), value);
                }
                self.args.finish(&signature, &[])?;
                let table = text(&table);
                if kind == OpKind::AddColumn {
                    Op::AddColumn { table, column }
                } else {
                    Op::DropColumn { table, column }
                }
            }
            OpKind::RenameTable => {
                let signature = "rename_table(old_name => new_name)";
                let arg = self.args.positional("the rename", signature)?;
                let (from, to) = arg.parse(rename)?;
                self.record(Part::Table, &from);
                self.record(Part::Name, &to);
                self.args.finish(signature, &[])?;
                Op::RenameTable {
                    from: text(&from),
                    to: text(&to),
                }
            }
            OpKind::RenameColumn => {
                let signature = "rename_column(table, old_name => new_name)";
                let table = self.ident(Part::Table, "the table name", signature)?;
                let arg = self.args.positional("the rename", signature)?;
                let (from, to) = arg.parse(rename)?;
                self.record(Part::Column(0), &from);
                self.record(Part::Name, &to);
                self.args.finish(signature, &[])?;
                Op::RenameColumn {
                    table: text(&table),
                    from: text(&from),
                    to: text(&to),
                }
            }
            OpKind::AlterColumn => {
                let signature = "alter_column(table, column, set_not_null | drop_not_null | set_type(type, from: type) | set_default(value, from: value | none) | drop_default(was: value))";
                let table = self.ident(Part::Table, "the table name", signature)?;
                let column = self.ident(Part::Column(0), "the column name", signature)?;
                let change_arg = self.args.positional("the change", signature)?;
                self.record(Part::Type, &change_arg);
                let (change, values) = column_change(&change_arg, signature)?;
                for (position, tokens) in values {
                    self.record(Part::Value(position), tokens);
                }
                self.args.finish(signature, &[])?;
                Op::AlterColumn {
                    table: text(&table),
                    column: text(&column),
                    change,
                }
            }
            OpKind::CreateIndex | OpKind::DropIndex => {
                let signature = format!(
                    "{}(ix_table_column, table(column, …), [unique], [concurrently], [where: \"predicate\"])",
                    kind.name()
                );
                let predicate = self.args.named("where");
                let unique = self.args.flag("unique").is_some();
                let concurrently = self.args.flag("concurrently").is_some();
                let name = self.object_name(kind, &signature, |arg| {
                    let (table, columns) = arg.parse(table_columns).ok()?;
                    let columns: Vec<String> = columns.iter().map(ToString::to_string).collect();
                    Some(format!("ix_{table}_{}", columns.join("_")))
                })?;
                let on = self
                    .args
                    .positional("the indexed table and columns", &signature)?;
                let (table, columns) = self.table_columns(&on)?;
                let predicate = match predicate {
                    Some(arg) => Some(self.value(0, &arg)?),
                    None => None,
                };
                self.args
                    .finish(&signature, &["unique", "concurrently", "where"])?;
                let index = Index {
                    name,
                    table,
                    columns: columns.into(),
                    unique,
                    predicate,
                    concurrently,
                };
                if kind == OpKind::CreateIndex {
                    Op::CreateIndex(index)
                } else {
                    Op::DropIndex(index)
                }
            }
            OpKind::AddForeignKey | OpKind::DropForeignKey => {
                let signature = format!(
                    "{}(fk_table_column, table(column), references: other(id), on_delete: cascade | restrict | set_null | set_default | no_action [, on_update: …])",
                    kind.name()
                );
                let references = self.args.named("references");
                let on_delete = self.args.named("on_delete");
                let on_update = self.args.named("on_update");
                let name = self.object_name(kind, &signature, |arg| {
                    let (table, columns) = arg.parse(table_columns).ok()?;
                    let columns: Vec<String> = columns.iter().map(ToString::to_string).collect();
                    Some(format!("fk_{table}_{}", columns.join("_")))
                })?;
                let on = self
                    .args
                    .positional("the referencing table and columns", &signature)?;
                let (table, columns) = self.table_columns(&on)?;
                let Some(references) = references else {
                    return Err(syn::Error::new_spanned(
                        on,
                        format!(
                            "`{}` is missing `references: other_table(column)`",
                            kind.name()
                        ),
                    ));
                };
                let (referenced_table, referenced_columns) = references.parse(table_columns)?;
                let Some(on_delete) = on_delete else {
                    return Err(syn::Error::new_spanned(
                        references,
                        format!("`{}` needs an explicit `on_delete:` (cascade, restrict, set_null, set_default or no_action): what happens to these rows when the referenced row goes is a decision, not a default", kind.name()),
                    ));
                };
                let referential_action = |arg: &Arg, key: &str| -> syn::Result<ReferentialAction> {
                    let action = arg.parse(any_ident)?;
                    ReferentialAction::from_name(&action.to_string()).ok_or_else(|| {
                        let names: Vec<&str> =
                            ReferentialAction::ALL.iter().map(|a| a.name()).collect();
                        syn::Error::new_spanned(
                            &action,
                            format!(
                                "unknown `{key}` action `{action}`; expected one of: {}",
                                names.join(", ")
                            ),
                        )
                    })
                };
                let on_delete = referential_action(&on_delete, "on_delete")?;
                let on_update = match &on_update {
                    Some(arg) => referential_action(arg, "on_update")?,
                    None => ReferentialAction::NoAction,
                };
                if columns.len() != referenced_columns.len() {
                    return Err(syn::Error::new_spanned(
                        references,
                        format!(
                            "{} referencing columns but {} referenced ones",
                            columns.len(),
                            referenced_columns.len()
                        ),
                    ));
                }
                self.args
                    .finish(&signature, &["references", "on_delete", "on_update"])?;
                let fk = ForeignKey {
                    name,
                    table,
                    columns: columns.into(),
                    referenced_table: text(&referenced_table),
                    referenced_columns: referenced_columns.iter().map(text).collect(),
                    on_delete,
                    on_update,
                };
                if kind == OpKind::AddForeignKey {
                    Op::AddForeignKey(fk)
                } else {
                    Op::DropForeignKey(fk)
                }
            }
            OpKind::AddCheck | OpKind::DropCheck => {
                let signature = format!("{}(ck_table_what, table, \"SQL condition\")", kind.name());
                let implicit = self.args_look_like_unnamed_check();
                let name = if implicit {
                    let table = self.args.peek_ident().map(|table| table.to_string());
                    let suggestion = format!("ck_{}_<what>", table.as_deref().unwrap_or("<table>"));
                    let tokens = self.args.peek_tokens();
                    self.implicit_name(kind, &suggestion, tokens);
                    // Checking goes on under a valid name, so the placeholder causes no more errors.
                    suggestion
                        .replace("<what>", "check")
                        .replace("<table>", "table")
                        .into()
                } else {
                    let name = self.ident(Part::Name, "the constraint name", &signature)?;
                    text(&name)
                };
                let table = self.ident(Part::Table, "the table name", &signature)?;
                let condition = self.args.unlabelled("the condition", &signature)?;
                let expr = self.value(0, &condition)?;
                self.args.finish(&signature, &[])?;
                let check = CheckConstraint {
                    name,
                    table: text(&table),
                    expr,
                };
                if kind == OpKind::AddCheck {
                    Op::AddCheck(check)
                } else {
                    Op::DropCheck(check)
                }
            }
            OpKind::AddUnique | OpKind::DropUnique => {
                let signature = format!("{}(uq_table_column, table(column, …))", kind.name());
                let name = self.object_name(kind, &signature, |arg| {
                    let (table, columns) = arg.parse(table_columns).ok()?;
                    let columns: Vec<String> = columns.iter().map(ToString::to_string).collect();
                    Some(format!("uq_{table}_{}", columns.join("_")))
                })?;
                let on = self.args.positional("the table and columns", &signature)?;
                let (table, columns) = self.table_columns(&on)?;
                self.args.finish(&signature, &[])?;
                let unique = UniqueConstraint {
                    name,
                    table,
                    columns: columns.into(),
                };
                if kind == OpKind::AddUnique {
                    Op::AddUnique(unique)
                } else {
                    Op::DropUnique(unique)
                }
            }
            OpKind::AddPrimaryKey | OpKind::DropPrimaryKey => {
                let signature = format!("{}(pk_table, table(column, …))", kind.name());
                let name = self.object_name(kind, &signature, |arg| {
                    let (table, _) = arg.parse(table_columns).ok()?;
                    Some(format!("pk_{table}"))
                })?;
                let on = self.args.positional("the table and columns", &signature)?;
                let (table, columns) = self.table_columns(&on)?;
                self.args.finish(&signature, &[])?;
                let key = PrimaryKey {
                    name,
                    columns: columns.into(),
                };
                if kind == OpKind::AddPrimaryKey {
                    Op::AddPrimaryKey { table, key }
                } else {
                    Op::DropPrimaryKey { table, key }
                }
            }
            OpKind::CreateEnum | OpKind::DropEnum => {
                let signature = format!("{}(name, [\"value\", …])", kind.name());
                let name = self.ident(Part::Name, "the enum name", &signature)?;
                let values = self
                    .args
                    .positional("the values", &signature)?
                    .parse(args::string_list)?;
                for (position, value) in values.iter().enumerate() {
                    self.record(Part::Value(position), value);
                }
                self.args.finish(&signature, &[])?;
                let ty = EnumType {
                    name: text(&name),
                    values: values.iter().map(|value| value.value().into()).collect(),
                };
                if kind == OpKind::CreateEnum {
                    Op::CreateEnum(ty)
                } else {
                    Op::DropEnum(ty)
                }
            }
            OpKind::AddEnumValue | OpKind::DropEnumValue => {
                let signature = if kind == OpKind::AddEnumValue {
                    "add_enum_value(name, \"value\", [before: \"other\" | after: \"other\"])"
                } else {
                    "drop_enum_value(name, \"value\", [after: \"the label before it\" | before: \"the one after it\"])"
                };
                let before = self.args.named("before");
                let after = self.args.named("after");
                let name = self.ident(Part::Name, "the enum name", signature)?;
                let value = self.args.unlabelled("the value", signature)?;
                let value = self.value(0, &value)?;
                let position = match (before, after) {
                    (Some(before), None) => Some(EnumPosition::Before(self.value(1, &before)?)),
                    (None, Some(after)) => Some(EnumPosition::After(self.value(1, &after)?)),
                    (None, None) => None,
                    (Some(_), Some(after)) => {
                        return Err(syn::Error::new_spanned(
                            after,
                            "give `before:` or `after:`, not both",
                        ))
                    }
                };
                self.args.finish(signature, &["before", "after"])?;
                let enum_name = text(&name);
                if kind == OpKind::AddEnumValue {
                    Op::AddEnumValue {
                        enum_name,
                        value,
                        position,
                    }
                } else {
                    Op::DropEnumValue {
                        enum_name,
                        value,
                        position,
                    }
                }
            }
            OpKind::Execute => {
                let signature = "execute(\"SQL\", down: \"SQL that undoes it\")`, or per dialect `execute(postgres: \"…\", sqlite: \"…\", mysql: none, down: (postgres: \"…\", sqlite: \"…\", mysql: none))";
                let down = self.args.named("down");
                let written = per_dialect(&mut self.args);
                let mut position = 0;
                let known = ["down", "postgres", "sqlite", "mysql"];
                let up = if written.is_empty() {
                    if self.args.next_is_labelled() {
                        // A label that names no dialect: say which ones there are.
                        self.args.finish(signature, &known)?;
                    }
                    let up = self.args.unlabelled("the SQL", signature)?;
                    RawSql::Portable(self.sql_value(&mut position, &up)?)
                } else {
                    self.dialect_sql(written, &mut position)?
                };
                let down = match down {
                    Some(arg) => Some(self.down_sql(&arg, &mut position, signature)?),
                    None => None,
                };
                self.args
                    .finish(signature, &["down", "postgres", "sqlite", "mysql"])?;
                Op::Execute { up, down }
            }
            OpKind::InsertRows | OpKind::DeleteRows => {
                let signature = format!("{}(table, [{{ column: value, … }}, …])", kind.name());
                let table = self.ident(Part::Table, "the table name", &signature)?;
                let list = self.args.positional("the rows", &signature)?;
                self.args.finish(&signature, &[])?;
                let rows = self.rows(text(&table), &list, kind, &signature)?;
                if kind == OpKind::InsertRows {
                    Op::InsertRows(rows)
                } else {
                    Op::DeleteRows(rows)
                }
            }
            OpKind::Backfill => {
                let signature = "backfill(table, set: \"column = value\", where: \"rows still to do\", batch: 1_000)";
                let set = self.args.named("set");
                let filter = self.args.named("where");
                let batch = self.args.named("batch");
                let table = self.ident(Part::Table, "the table name", signature)?;
                let (Some(set), Some(filter), Some(batch)) = (set, filter, batch) else {
                    return Err(syn::Error::new_spanned(
                        &table,
                        format!("`backfill` needs `set:`, `where:` and `batch:`; the `where:` must select only rows not yet done, so each batch makes progress; write `{signature}`"),
                    ));
                };
                let batch_size: u32 = batch
                    .parse(|input: ParseStream| input.parse::<syn::LitInt>())?
                    .base10_parse()?;
                if batch_size == 0 {
                    return Err(syn::Error::new_spanned(
                        batch,
                        "`batch:` must be at least 1",
                    ));
                }
                self.args.finish(signature, &["set", "where", "batch"])?;
                if let Ok(decision) = set.parse(placeholder) {
                    return Err(syn::Error::new_spanned(
                        &set.value,
                        format!("`todo(…)` marks what `migrate new --autogenerate` left to you: decide {}, and write it in its place", decision.value()),
                    ));
                }
                Op::Backfill {
                    table: text(&table),
                    set: self.value(0, &set)?,
                    filter: self.value(1, &filter)?,
                    batch_size,
                }
            }
            OpKind::RunRust => {
                let signature = "run(up: path::to::function, down: path::to::function)";
                let up = self.args.named("up");
                let down = self.args.named("down");
                let Some(up) = up else {
                    return Err(syn::Error::new_spanned(
                        self.args_op(),
                        format!("`run` is missing `up:`; write `{signature}`"),
                    ));
                };
                let up_path = up.parse(|input: ParseStream| input.parse::<syn::Path>())?;
                self.record(Part::Name, &up_path);
                self.cx.rust_steps.push(up_path.clone());
                let down = match down {
                    Some(arg) => {
                        let path = arg.parse(|input: ParseStream| input.parse::<syn::Path>())?;
                        self.record(Part::Table, &path);
                        self.cx.rust_steps.push(path.clone());
                        Some(path_text(&path))
                    }
                    None => None,
                };
                self.args.finish(signature, &["up", "down"])?;
                Op::RunRust {
                    up: path_text(&up_path),
                    down,
                }
            }
        };
        Ok(op)
    }

    fn args_op(&self) -> Ident {
        self.args.op().clone()
    }

    /// `add_check(users, "age >= 0")`: two positionals, the second a string.
    fn args_look_like_unnamed_check(&mut self) -> bool {
        let mut probe = Vec::new();
        while let Ok(arg) = self.args.positional("", "") {
            probe.push(arg);
        }
        let unnamed = probe.len() == 2 && probe[1].parse(lit_str).is_ok();
        let tokens: Vec<TokenStream> = probe.iter().map(ToTokens::to_token_stream).collect();
        self.args = Args::split(self.args.op().clone(), quote::quote!(#(#tokens),*));
        unnamed
    }
}

/// The text of a path as written, without spaces: `crate::data::fill_roles`.
pub(crate) fn path_text(path: &syn::Path) -> Text {
    path.to_token_stream().to_string().replace(' ', "").into()
}

/// `old => new`
fn rename(input: ParseStream) -> syn::Result<(Ident, Ident)> {
    let from = any_ident(input)?;
    input.parse::<Token![=>]>()?;
    let to = any_ident(input)?;
    Ok((from, to))
}

/// The change, and the tokens of the values in it by position (see `Part::Value`).
fn column_change(
    arg: &Arg,
    signature: &str,
) -> syn::Result<(ColumnChange, Vec<(usize, TokenStream)>)> {
    if let Some(word) = arg.as_ident() {
        return match word.to_string().as_str() {
            "set_not_null" => Ok((ColumnChange::SetNotNull, Vec::new())),
            "drop_not_null" => Ok((ColumnChange::DropNotNull, Vec::new())),
            "set_type" | "set_default" | "drop_default" => Err(syn::Error::new_spanned(
                &word,
                format!(
                    "`{word}` records the previous state so it can be undone; write `{signature}`"
                ),
            )),
            other => Err(unknown_change(&word, other, signature)),
        };
    }
    let mut values = Vec::new();
    let change = arg.parse(|input: ParseStream| {
        let word = any_ident(input)?;
        let content;
        syn::parenthesized!(content in input);
        let mut inner = Args::split(word.clone(), content.parse()?);
        match word.to_string().as_str() {
            "set_type" => {
                let signature = "set_type(new_type, from: old_type, [using: \"SQL expression\"])";
                let from = inner.named("from");
                let using = inner.named("using");
                let to = inner.positional("the new type", signature)?.parse(args::column_type)?;
                let Some(from) = from else {
                    return Err(syn::Error::new_spanned(
                        &word,
                        format!("`set_type` needs `from:` the current type, so that it can be undone; write `{signature}`"),
                    ));
                };
                let from = from.parse(args::column_type)?;
                let using = match using {
                    Some(using) => {
                        values.push((0, using.value.clone()));
                        Some(using.parse(lit_str)?.value().into())
                    }
                    None => None,
                };
                inner.finish(signature, &["from", "using"])?;
                Ok(ColumnChange::SetType { to, from, using })
            }
            "set_default" => {
                let signature = "set_default(value, from: previous_value | none)";
                let from = inner.named("from");
                let to = inner.positional("the new default", signature)?;
                values.push((0, to.value.clone()));
                let to = to.parse(args::default_value)?;
                let Some(from) = from else {
                    return Err(syn::Error::new_spanned(
                        &word,
                        format!("`set_default` needs `from:` the current default (or `none`), so that it can be undone; write `{signature}`"),
                    ));
                };
                let from = if from.value_ident().is_some_and(|ident| ident == "none") {
                    None
                } else {
                    values.push((1, from.value.clone()));
                    Some(from.parse(args::default_value)?)
                };
                inner.finish(signature, &["from"])?;
                Ok(ColumnChange::SetDefault { to, from })
            }
            "drop_default" => {
                let signature = "drop_default(was: value)";
                let Some(was) = inner.named("was") else {
                    return Err(syn::Error::new_spanned(
                        &word,
                        format!("`drop_default` needs `was:` the dropped default, so that it can be undone; write `{signature}`"),
                    ));
                };
                values.push((0, was.value.clone()));
                let was = was.parse(args::default_value)?;
                inner.finish(signature, &["was"])?;
                Ok(ColumnChange::DropDefault { was })
            }
            other => Err(unknown_change(&word, other, signature)),
        }
    })?;
    Ok((change, values))
}

fn unknown_change(word: &Ident, other: &str, signature: &str) -> syn::Error {
    let known = [
        "set_not_null",
        "drop_not_null",
        "set_type",
        "set_default",
        "drop_default",
    ];
    let hint = did_you_mean(other, &known)
        .map(|known| format!("did you mean `{known}`? "))
        .unwrap_or_default();
    syn::Error::new_spanned(
        word,
        format!("unknown column change `{other}`; {hint}write `{signature}`"),
    )
}

/// `todo("what to decide")`: the placeholder autogenerate writes for a value only the author
/// knows (what a backfill sets existing rows to).
fn placeholder(input: ParseStream) -> syn::Result<syn::LitStr> {
    let word: Ident = input.parse()?;
    if word != "todo" {
        return Err(syn::Error::new_spanned(word, "not a placeholder"));
    }
    let content;
    syn::parenthesized!(content in input);
    content.parse()
}
