//! The heart of `migrate`: what a migration is, the checks that prove it safe and reversible, and
//! the SQL it becomes on each database.
//!
//! This crate does no IO and depends on neither `proc-macro2` nor `diesel`: the `migration!` macro
//! calls it at compile time, and the runtime and CLI call the very same functions, so a migration
//! means the same thing at both times. Diagnostics carry a structural
//! [`diagnostic::Location`] instead of a span; the macro maps it back to the tokens.

pub mod canonical;
pub mod check;
pub mod checksum;
pub mod diagnostic;
pub mod fold;
pub mod graph;
pub mod inverse;
pub mod model;
pub mod render;
pub mod schema;
pub mod squash;
pub mod statements;

pub use diagnostic::{CheckId, Diagnostic};
pub use model::{Migration, Op};
