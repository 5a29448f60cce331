//! Apply compile-time-checked migrations with diesel.
//!
//! Users add this one dependency: it re-exports the [`migration!`] macro, collects every migration
//! the macro registers, orders the graph and applies what is pending, on PostgreSQL and SQLite
//! (default features `postgres`, `sqlite`) and on MySQL or MariaDB (feature `mysql`).
//!
//! ```
//! mod migrations {
//!     migrate_runtime::migration! {
//!         /// Users can sign in.
//!         id: "0001_create_users",
//!         parent: none,
//!         change {
//!             create_table(users, {
//!                 id: bigint identity,
//!                 email: text,
//!             }, primary_key: pk_users(id));
//!         }
//!     }
//!     migrate_runtime::migrations!();
//! }
//!
//! let migrator = migrate_runtime::Migrator::new(&migrations::MIGRATIONS).unwrap();
//! assert_eq!(migrator.migrations()[0].id, "0001_create_users");
//! ```

#[cfg(feature = "cli")]
pub mod cli;
pub mod data;
mod database;
mod error;
mod executor;
mod introspect;
mod live_schema;
mod lock;
mod migrator;
mod planner;
mod provision;
mod registry;
mod repair;
mod script;
mod sqlite_rebuild;
mod squashed;
#[cfg(feature = "testing")]
pub mod testing;
mod version_table;

pub use data::DataConnection;
pub use database::{AnyConnection, Database, CONNECT_TIMEOUT};
pub use error::{Error, StepError};
pub use executor::{Applied, Direction};
pub use live_schema::{live_schema, LiveSchema, RawObject};
pub use migrate_core as core;
pub use migrator::{Interrupted, Migrator, Progress, Stamp};
pub use planner::Target;
pub use provision::{create_database, database_exists, drop_database};
pub use registry::{BoxError, Migrations, Registration, RustStep, RustStepFn};
pub use repair::AppliedEdit;
pub use script::{MissingStep, SqlRange, SqlScript};
pub use version_table::AppliedRow;

/// A test that receives a fresh database migrated by a set of migrations, run once per backend
/// (SQLite, then PostgreSQL; `backend = "…"` for others: `"mysql"`, or several separated by
/// commas), or migrated to `revision = "…"` only, for
/// data tests. Needs the `testing` feature.
///
/// ```text
/// #[migrate_runtime::test(migrations = todo_migrations::MIGRATIONS, revision = "0003")]
/// fn priorities_survive_0004(conn: &mut migrate_runtime::AnyConnection) {
///     conn.batch_execute("INSERT INTO todos …").unwrap();
///     migrate_runtime::testing::upgrade(conn, &todo_migrations::MIGRATIONS, Some("0004"));
///     // assert on the rows
/// }
/// ```
#[cfg(feature = "testing")]
pub use migrate_macros::test;

/// Declares one migration: its id, its parent(s), and its ops in both directions.
///
/// ```text
/// /// Doc comment (not part of the checksum).
/// id: "0003_add_user_role",
/// parent: "0002_create_users",        // `parent: none` for the first, `parents: ["a", "b"]` to merge
/// replaces: ["0001_a", "0002_b"],     // optional: a squash of these (`migrate squash` writes it)
/// lock_timeout: "5s",                 // optional, also `statement_timeout`
/// names: adopted,                     // optional: the names are kept as they are (length checked)
/// upgrade { op; … }                   // or `change { … }`: the downgrade is computed
/// downgrade { op; … }                 // or `downgrade { irreversible("reason"); }`
/// ```
///
/// Ops (drops take the same arguments as the op that created the object, so they can be undone):
///
/// ```text
/// create_table(users, { id: bigint identity, email: text, bio: text nullable,
///                       role: varchar(20) default("member") }, primary_key: pk_users(id))
/// drop_table(users, { … }, primary_key: pk_users(id))
/// add_column(users, role: varchar(50) nullable)
/// drop_column(users, legacy: text nullable)
/// rename_table(users => accounts)
/// rename_column(users, name => full_name)
/// alter_column(users, role, set_not_null | drop_not_null
///                         | set_type(text, from: varchar(50), using: "…")
///                         | set_default("guest", from: "member" | none)
///                         | drop_default(was: "member"))
/// create_index(ix_users_email, users(email), unique, concurrently, where: "deleted_at IS NULL")
/// drop_index(ix_users_email, users(email), unique, concurrently)
/// add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade)
///     // optionally `, on_update: cascade` (default `no_action`)
/// drop_foreign_key(…same…)
/// add_check(ck_users_age, users, "age >= 0")          drop_check(…same…)
/// add_unique(uq_users_email, users(email))            drop_unique(…same…)
/// create_enum(mood, ["happy", "sad"])                 drop_enum(…same…)
/// add_enum_value(mood, "ok", after: "happy")
/// execute("UPDATE …", down: "UPDATE …")
/// backfill(users, set: "role = 'member'", where: "role IS NULL", batch: 1_000)
/// run(up: crate::data::fill, down: crate::data::unfill)
/// ```
///
/// Column types: `smallint integer bigint real double numeric numeric(p, s) text varchar(n)
/// char(n) boolean uuid date time timestamp timestamptz interval json jsonb bytea enum(name)
/// array(T)`. Columns are `NOT NULL` unless marked `nullable`; `identity` and `default(…)`
/// (`true`, `42`, `"text"`, `null`, `now()`, `current_date`, `gen_random_uuid()`, `sql("…")`)
/// follow the type.
///
/// The macro emits `pub static MIGRATION` and registers it. It refuses, at compile time, a
/// migration without a way back, a downgrade that does not undo the upgrade, implicit or
/// off-convention names, and `concurrently` ops mixed with transactional DDL.
pub use migrate_macros::migration;

/// Declares the token of a set of migrations (`pub static MIGRATIONS`), finds their files, and
/// checks the chain they form at compile time.
///
/// In a migrations crate, `migrations!()` in `lib.rs` reads every file of `src/migrations/` (for
/// a module file `src/db.rs`, `src/db/migrations/`; another folder with
/// `[package.metadata.migrate] dir = "…"`): no `mod` line per migration, so two branches that each
/// add a migration do not conflict. Every file of the folder must hold one `migration!`. A file
/// that holds only its migration is checked and embedded by `migrations!()` itself, which keeps
/// the edit–compile loop of a long chain short; a file with other items (the functions of a
/// `run` step) is compiled as a module named after it (`m0003_backfill.rs` → `m0003_backfill`),
/// as is a file with errors, so they are reported at its tokens. A build script
/// makes cargo rebuild the crate when a file is added; the macro asks for it:
///
/// ```text
/// // build.rs
/// fn main() {
///     println!("cargo:rerun-if-changed=src/migrations");
/// }
/// ```
///
/// The chain is then checked as a whole, each problem reported with its file and line:
/// duplicate ids, unknown parents ("did you mean"), cycles, and what `migrate_core::fold` finds
/// (ops on objects no earlier migration made, names taken earlier, recorded definitions that
/// differ from what the chain built, defaults and foreign keys against the chain's types,
/// branches that conflict at their merge).
///
/// Migrations can also be written inline, as `mod` items inside the call; the chain's errors then
/// point at their tokens:
///
/// ```
/// mod migrations {
///     migrate_runtime::migrations! {
///         mod m0001 {
///             migrate_runtime::migration! {
///                 id: "0001_create_users", parent: none,
///                 change { create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id)); }
///             }
///         }
///         mod m0002 {
///             migrate_runtime::migration! {
///                 id: "0002_add_user_name", parent: "0001_create_users",
///                 change { add_column(users, name: text nullable); }
///             }
///         }
///     }
/// }
///
/// let migrator = migrate_runtime::Migrator::new(&migrations::MIGRATIONS).unwrap();
/// assert_eq!(migrator.migrations().len(), 2);
/// ```
///
/// With no folder and no items, it declares the token only, for modules whose migrations are
/// declared with `mod` lines. Naming the token from the app is what keeps a separate migrations
/// crate linked: cargo does not link a crate that nothing names, and all its registrations would
/// be lost.
pub use migrate_macros::migrations;

/// Not public API. Used by code that `migration!` generates.
#[doc(hidden)]
pub mod __private {
    pub use crate::registry::{Encoded, Registration, RustStep};
    pub use diesel;
    pub use inventory;
    pub use migrate_core::model;

    /// A text of the model. The generated values call these instead of naming `Cow::Borrowed`:
    /// a call of a function with a fixed signature costs the compiler far less to check than a
    /// generic constructor whose type it must infer, and a migrations crate holds thousands.
    pub const fn t(text: &'static str) -> model::Text {
        std::borrow::Cow::Borrowed(text)
    }

    /// The item emitted when a `migration!` has errors, so the rest of the crate still compiles.
    pub const PLACEHOLDER: model::Migration = model::Migration {
        id: std::borrow::Cow::Borrowed(""),
        parents: std::borrow::Cow::Borrowed(&[]),
        replaces: std::borrow::Cow::Borrowed(&[]),
        doc: std::borrow::Cow::Borrowed(""),
        upgrade: std::borrow::Cow::Borrowed(&[]),
        downgrade: model::Downgrade::Ops(std::borrow::Cow::Borrowed(&[])),
        mode: model::Mode::Transactional,
        lock_timeout_ms: None,
        statement_timeout_ms: None,
        checksum: std::borrow::Cow::Borrowed(""),
    };
}
