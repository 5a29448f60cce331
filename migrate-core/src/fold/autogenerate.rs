//! Autogenerate: the ops that take the schema a chain builds to a target schema (a live
//! database's, a diesel `schema.rs`'s), written in their safe forms.
//!
//! A target may not see everything the chain defines: a diesel `schema.rs` has no indexes,
//! constraints or defaults. [`Sees`] says what the target can tell; what it cannot is never
//! taken as absent (no index is dropped because `schema.rs` does not list it).

use super::Schema;
use crate::render::Dialect;

/// A schema to generate a migration towards, with what its source can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub schema: Schema,
    pub sees: Sees,
}

/// What a target's source can tell about a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sees {
    /// Column defaults.
    pub defaults: bool,
    /// Whether an integer column is an identity.
    pub identity: bool,
    /// Indexes, unique constraints, foreign keys and checks.
    pub constraints: bool,
    /// PostgreSQL enum types and their labels.
    pub enums: bool,
    /// The primary key's name (a diesel `table!` lists the key's columns only).
    pub key_names: bool,
    /// How column types are compared.
    pub types: TypeDetail,
}

/// How precisely a target states column types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeDetail {
    /// As the chain writes them (`varchar(200)`, `numeric(10, 2)`).
    Exact,
    /// As diesel names them for this backend (`Varchar`, `Int8`): two types diesel names the
    /// same are the same.
    Diesel(Dialect),
}

impl Sees {
    /// A live database: the catalogs tell everything the chain defines.
    pub const EVERYTHING: Sees = Sees {
        defaults: true,
        identity: true,
        constraints: true,
        enums: true,
        key_names: true,
        types: TypeDetail::Exact,
    };

    /// A diesel `schema.rs`: tables, columns, their diesel types and nullability, and the
    /// primary key's columns.
    pub const fn diesel(dialect: Dialect) -> Sees {
        Sees {
            defaults: false,
            identity: false,
            constraints: false,
            enums: false,
            key_names: false,
            types: TypeDetail::Diesel(dialect),
        }
    }
}
