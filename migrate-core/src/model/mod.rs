//! The operation model: what a migration *means*, independent of how it was written or which
//! database runs it.
//!
//! Every type is built either at compile time by `migrate-macros` (owned values) or emitted as a
//! `'static` constant (borrowed values). [`Text`] and [`List`] are `Cow`s so one type serves both:
//! `Cow::Borrowed` is const-constructible, which `inventory` needs for registration.

mod column;
pub mod encoding;
mod migration;
mod op;

pub use column::{Column, ColumnType, DefaultValue, Generated, Scalar, SqlFunction};
pub use migration::{Downgrade, Migration, Mode};
pub use op::{
    execute_texts, on_new_table, CheckConstraint, ColumnChange, EnumPosition, EnumType,
    ExecuteText, ForeignKey, Index, Op, OpKind, PrimaryKey, RawSql, ReferentialAction, Rows, Table,
    UniqueConstraint, Unpublished,
};

pub use crate::render::Dialect;

use std::borrow::Cow;

/// A string that is owned while the macro builds it and `'static` once emitted.
pub type Text = Cow<'static, str>;

/// A list that is owned while the macro builds it and `'static` once emitted.
pub type List<T> = Cow<'static, [T]>;
