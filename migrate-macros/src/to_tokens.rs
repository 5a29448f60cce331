//! Core values as constructor tokens, so the macro emits the very value it checked as a `'static`
//! constant (`Cow::Borrowed` everywhere, which is const-constructible).

use migrate_core::model::{
    CheckConstraint, Column, ColumnChange, ColumnType, DefaultValue, Dialect, Downgrade,
    EnumPosition, ForeignKey, Index, Migration, Mode, Op, PrimaryKey, RawSql, ReferentialAction,
    Scalar, SqlFunction, Text, UniqueConstraint,
};
use proc_macro2::TokenStream;
use quote::quote;

fn model() -> TokenStream {
    quote!(::migrate_runtime::__private::model)
}

fn text(value: &str) -> TokenStream {
    quote!(::migrate_runtime::__private::t(#value))
}

fn opt<T>(value: &Option<T>, f: impl Fn(&T) -> TokenStream) -> TokenStream {
    match value {
        Some(value) => {
            let value = f(value);
            quote!(::std::option::Option::Some(#value))
        }
        None => quote!(::std::option::Option::None),
    }
}

fn list<T>(items: &[T], f: impl Fn(&T) -> TokenStream) -> TokenStream {
    let items = items.iter().map(f);
    quote!(::std::borrow::Cow::Borrowed(&[#(#items),*]))
}

fn texts(items: &[Text]) -> TokenStream {
    list(items, |item| text(item))
}

fn raw_sql(sql: &RawSql) -> TokenStream {
    let m = model();
    match sql {
        RawSql::Portable(sql) => {
            let sql = text(sql);
            quote!(#m::RawSql::Portable(#sql))
        }
        RawSql::PerDialect(texts) => {
            let texts = list(texts, |(dialect, sql)| {
                let dialect = match dialect {
                    Dialect::Postgres => quote!(#m::Dialect::Postgres),
                    Dialect::Sqlite => quote!(#m::Dialect::Sqlite),
                    Dialect::Mysql => quote!(#m::Dialect::Mysql),
                };
                let sql = text(sql);
                quote!((#dialect, #sql))
            });
            quote!(#m::RawSql::PerDialect(#texts))
        }
    }
}

pub(crate) fn migration(migration: &Migration) -> TokenStream {
    let m = model();
    let id = text(&migration.id);
    let parents = texts(&migration.parents);
    let replaces = texts(&migration.replaces);
    let doc = text(&migration.doc);
    let upgrade = list(&migration.upgrade, op);
    let downgrade = match &migration.downgrade {
        Downgrade::Ops(ops) => {
            let ops = list(ops, op);
            quote!(#m::Downgrade::Ops(#ops))
        }
        Downgrade::Irreversible(reason) => {
            let reason = text(reason);
            quote!(#m::Downgrade::Irreversible(#reason))
        }
    };
    let mode = match migration.mode {
        Mode::Transactional => quote!(#m::Mode::Transactional),
        Mode::NonTransactional => quote!(#m::Mode::NonTransactional),
    };
    let lock_timeout_ms = opt(&migration.lock_timeout_ms, |ms| quote!(#ms));
    let statement_timeout_ms = opt(&migration.statement_timeout_ms, |ms| quote!(#ms));
    let checksum = text(&migration.checksum);
    quote! {
        #m::Migration {
            id: #id,
            parents: #parents,
            replaces: #replaces,
            doc: #doc,
            upgrade: #upgrade,
            downgrade: #downgrade,
            mode: #mode,
            lock_timeout_ms: #lock_timeout_ms,
            statement_timeout_ms: #statement_timeout_ms,
            checksum: #checksum,
        }
    }
}

fn op(op: &Op) -> TokenStream {
    let m = model();
    match op {
        Op::CreateTable(t) => {
            let t = table(t);
            quote!(#m::Op::CreateTable(#t))
        }
        Op::DropTable(t) => {
            let t = table(t);
            quote!(#m::Op::DropTable(#t))
        }
        Op::AddColumn { table, column: c } => {
            let (table, c) = (text(table), column(c));
            quote!(#m::Op::AddColumn { table: #table, column: #c })
        }
        Op::DropColumn { table, column: c } => {
            let (table, c) = (text(table), column(c));
            quote!(#m::Op::DropColumn { table: #table, column: #c })
        }
        Op::RenameTable { from, to } => {
            let (from, to) = (text(from), text(to));
            quote!(#m::Op::RenameTable { from: #from, to: #to })
        }
        Op::RenameColumn { table, from, to } => {
            let (table, from, to) = (text(table), text(from), text(to));
            quote!(#m::Op::RenameColumn { table: #table, from: #from, to: #to })
        }
        Op::AlterColumn {
            table,
            column,
            change,
        } => {
            let (table, column, change) = (text(table), text(column), column_change(change));
            quote!(#m::Op::AlterColumn { table: #table, column: #column, change: #change })
        }
        Op::CreateIndex(i) => {
            let i = index(i);
            quote!(#m::Op::CreateIndex(#i))
        }
        Op::DropIndex(i) => {
            let i = index(i);
            quote!(#m::Op::DropIndex(#i))
        }
        Op::AddForeignKey(fk) => {
            let fk = foreign_key(fk);
            quote!(#m::Op::AddForeignKey(#fk))
        }
        Op::DropForeignKey(fk) => {
            let fk = foreign_key(fk);
            quote!(#m::Op::DropForeignKey(#fk))
        }
        Op::AddCheck(c) => {
            let c = check(c);
            quote!(#m::Op::AddCheck(#c))
        }
        Op::DropCheck(c) => {
            let c = check(c);
            quote!(#m::Op::DropCheck(#c))
        }
        Op::AddUnique(u) => {
            let u = unique(u);
            quote!(#m::Op::AddUnique(#u))
        }
        Op::DropUnique(u) => {
            let u = unique(u);
            quote!(#m::Op::DropUnique(#u))
        }
        Op::InsertRows(rows) | Op::DeleteRows(rows) => {
            let (table, columns) = (text(&rows.table), texts(&rows.columns));
            let values = list(&rows.values, |row| list(row, default_value));
            let rows = quote!(#m::Rows { table: #table, columns: #columns, values: #values });
            match op {
                Op::InsertRows(_) => quote!(#m::Op::InsertRows(#rows)),
                _ => quote!(#m::Op::DeleteRows(#rows)),
            }
        }
        Op::AddPrimaryKey { table, key } => {
            let (table, key) = (text(table), primary_key(key));
            quote!(#m::Op::AddPrimaryKey { table: #table, key: #key })
        }
        Op::DropPrimaryKey { table, key } => {
            let (table, key) = (text(table), primary_key(key));
            quote!(#m::Op::DropPrimaryKey { table: #table, key: #key })
        }
        Op::CreateEnum(e) => {
            let (name, values) = (text(&e.name), texts(&e.values));
            quote!(#m::Op::CreateEnum(#m::EnumType { name: #name, values: #values }))
        }
        Op::DropEnum(e) => {
            let (name, values) = (text(&e.name), texts(&e.values));
            quote!(#m::Op::DropEnum(#m::EnumType { name: #name, values: #values }))
        }
        Op::AddEnumValue {
            enum_name,
            value,
            position,
        }
        | Op::DropEnumValue {
            enum_name,
            value,
            position,
        } => {
            let (enum_name, value) = (text(enum_name), text(value));
            let position = opt(position, |position| match position {
                EnumPosition::Before(other) => {
                    let other = text(other);
                    quote!(#m::EnumPosition::Before(#other))
                }
                EnumPosition::After(other) => {
                    let other = text(other);
                    quote!(#m::EnumPosition::After(#other))
                }
            });
            match op {
                Op::AddEnumValue { .. } => {
                    quote!(#m::Op::AddEnumValue { enum_name: #enum_name, value: #value, position: #position })
                }
                _ => {
                    quote!(#m::Op::DropEnumValue { enum_name: #enum_name, value: #value, position: #position })
                }
            }
        }
        Op::Execute { up, down } => {
            let (up, down) = (raw_sql(up), opt(down, raw_sql));
            quote!(#m::Op::Execute { up: #up, down: #down })
        }
        Op::Backfill {
            table,
            set,
            filter,
            batch_size,
        } => {
            let (table, set, filter) = (text(table), text(set), text(filter));
            quote!(#m::Op::Backfill { table: #table, set: #set, filter: #filter, batch_size: #batch_size })
        }
        Op::RunRust { up, down } => {
            let (up, down) = (text(up), opt(down, |down| text(down)));
            quote!(#m::Op::RunRust { up: #up, down: #down })
        }
    }
}

fn table(table: &migrate_core::model::Table) -> TokenStream {
    let m = model();
    let name = text(&table.name);
    let columns = list(&table.columns, column);
    let primary_key = opt(&table.primary_key, primary_key);
    quote!(#m::Table { name: #name, columns: #columns, primary_key: #primary_key })
}

fn primary_key(key: &PrimaryKey) -> TokenStream {
    let m = model();
    let (name, columns) = (text(&key.name), texts(&key.columns));
    quote!(#m::PrimaryKey { name: #name, columns: #columns })
}

fn column(column: &Column) -> TokenStream {
    let m = model();
    let name = text(&column.name);
    let ty = column_type(&column.ty);
    let nullable = column.nullable;
    let default = opt(&column.default, default_value);
    let identity = column.identity;
    let generated = opt(&column.generated, |generated| {
        let (expr, stored) = (text(&generated.expr), generated.stored);
        quote!(#m::Generated { expr: #expr, stored: #stored })
    });
    quote!(#m::Column { name: #name, ty: #ty, nullable: #nullable, default: #default, identity: #identity, generated: #generated })
}

fn column_type(ty: &ColumnType) -> TokenStream {
    let m = model();
    match ty {
        ColumnType::Scalar(s) => {
            let s = scalar(s);
            quote!(#m::ColumnType::Scalar(#s))
        }
        ColumnType::Array(s) => {
            let s = scalar(s);
            quote!(#m::ColumnType::Array(#s))
        }
    }
}

fn scalar(scalar: &Scalar) -> TokenStream {
    let m = model();
    match scalar {
        Scalar::SmallInt => quote!(#m::Scalar::SmallInt),
        Scalar::Integer => quote!(#m::Scalar::Integer),
        Scalar::BigInt => quote!(#m::Scalar::BigInt),
        Scalar::Real => quote!(#m::Scalar::Real),
        Scalar::DoublePrecision => quote!(#m::Scalar::DoublePrecision),
        Scalar::Numeric(None) => quote!(#m::Scalar::Numeric(::std::option::Option::None)),
        Scalar::Numeric(Some((p, s))) => {
            quote!(#m::Scalar::Numeric(::std::option::Option::Some((#p, #s))))
        }
        Scalar::Text => quote!(#m::Scalar::Text),
        Scalar::Varchar(n) => quote!(#m::Scalar::Varchar(#n)),
        Scalar::Char(n) => quote!(#m::Scalar::Char(#n)),
        Scalar::Boolean => quote!(#m::Scalar::Boolean),
        Scalar::Uuid => quote!(#m::Scalar::Uuid),
        Scalar::Date => quote!(#m::Scalar::Date),
        Scalar::Time => quote!(#m::Scalar::Time),
        Scalar::Timestamp => quote!(#m::Scalar::Timestamp),
        Scalar::Timestamptz => quote!(#m::Scalar::Timestamptz),
        Scalar::Interval => quote!(#m::Scalar::Interval),
        Scalar::Json => quote!(#m::Scalar::Json),
        Scalar::Jsonb => quote!(#m::Scalar::Jsonb),
        Scalar::Bytea => quote!(#m::Scalar::Bytea),
        Scalar::Enum(name) => {
            let name = text(name);
            quote!(#m::Scalar::Enum(#name))
        }
    }
}

fn default_value(value: &DefaultValue) -> TokenStream {
    let m = model();
    match value {
        DefaultValue::Null => quote!(#m::DefaultValue::Null),
        DefaultValue::Bool(b) => quote!(#m::DefaultValue::Bool(#b)),
        DefaultValue::Int(t) => {
            let t = text(t);
            quote!(#m::DefaultValue::Int(#t))
        }
        DefaultValue::Float(t) => {
            let t = text(t);
            quote!(#m::DefaultValue::Float(#t))
        }
        DefaultValue::Str(t) => {
            let t = text(t);
            quote!(#m::DefaultValue::Str(#t))
        }
        DefaultValue::Sql(t) => {
            let t = text(t);
            quote!(#m::DefaultValue::Sql(#t))
        }
        DefaultValue::Function(f) => {
            let f = match f {
                SqlFunction::Now => quote!(Now),
                SqlFunction::CurrentDate => quote!(CurrentDate),
                SqlFunction::GenRandomUuid => quote!(GenRandomUuid),
                SqlFunction::Random => quote!(Random),
                SqlFunction::ClockTimestamp => quote!(ClockTimestamp),
            };
            quote!(#m::DefaultValue::Function(#m::SqlFunction::#f))
        }
    }
}

fn column_change(change: &ColumnChange) -> TokenStream {
    let m = model();
    match change {
        ColumnChange::SetType { to, from, using } => {
            let (to, from) = (column_type(to), column_type(from));
            let using = opt(using, |using| text(using));
            quote!(#m::ColumnChange::SetType { to: #to, from: #from, using: #using })
        }
        ColumnChange::SetNotNull => quote!(#m::ColumnChange::SetNotNull),
        ColumnChange::DropNotNull => quote!(#m::ColumnChange::DropNotNull),
        ColumnChange::SetDefault { to, from } => {
            let to = default_value(to);
            let from = opt(from, default_value);
            quote!(#m::ColumnChange::SetDefault { to: #to, from: #from })
        }
        ColumnChange::DropDefault { was } => {
            let was = default_value(was);
            quote!(#m::ColumnChange::DropDefault { was: #was })
        }
    }
}

fn index(index: &Index) -> TokenStream {
    let m = model();
    let (name, table, columns) = (text(&index.name), text(&index.table), texts(&index.columns));
    let unique = index.unique;
    let predicate = opt(&index.predicate, |p| text(p));
    let concurrently = index.concurrently;
    quote!(#m::Index { name: #name, table: #table, columns: #columns, unique: #unique, predicate: #predicate, concurrently: #concurrently })
}

fn foreign_key(fk: &ForeignKey) -> TokenStream {
    let m = model();
    let (name, table, columns) = (text(&fk.name), text(&fk.table), texts(&fk.columns));
    let (referenced_table, referenced_columns) =
        (text(&fk.referenced_table), texts(&fk.referenced_columns));
    let action = |action: ReferentialAction| match action {
        ReferentialAction::NoAction => quote!(NoAction),
        ReferentialAction::Restrict => quote!(Restrict),
        ReferentialAction::Cascade => quote!(Cascade),
        ReferentialAction::SetNull => quote!(SetNull),
        ReferentialAction::SetDefault => quote!(SetDefault),
    };
    let (on_delete, on_update) = (action(fk.on_delete), action(fk.on_update));
    quote!(#m::ForeignKey {
        name: #name,
        table: #table,
        columns: #columns,
        referenced_table: #referenced_table,
        referenced_columns: #referenced_columns,
        on_delete: #m::ReferentialAction::#on_delete,
        on_update: #m::ReferentialAction::#on_update,
    })
}

fn check(check: &CheckConstraint) -> TokenStream {
    let m = model();
    let (name, table, expr) = (text(&check.name), text(&check.table), text(&check.expr));
    quote!(#m::CheckConstraint { name: #name, table: #table, expr: #expr })
}

fn unique(unique: &UniqueConstraint) -> TokenStream {
    let m = model();
    let (name, table, columns) = (
        text(&unique.name),
        text(&unique.table),
        texts(&unique.columns),
    );
    quote!(#m::UniqueConstraint { name: #name, table: #table, columns: #columns })
}
