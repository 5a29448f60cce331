//! The schema of the example todo service, as `migrate` migrations.
//!
//! One module per migration, in the order they were written; each declares its parent, so the
//! order applied is the graph's, not the order of the `mod` lines. Together they exercise every op
//! family of `migration!`, and the workspace's `registry` test checks that all of them survive
//! linking into another crate.
//!
//! The app hands [`MIGRATIONS`] to the runtime, which also keeps this crate linked:
//!
//! ```
//! let migrator = migrate_runtime::Migrator::new(&todo_migrations::MIGRATIONS).unwrap();
//! assert_eq!(migrator.migrations()[0].id, "0001_create_users");
//! ```

mod data;

mod m0001_create_users;
mod m0002_create_todos;
mod m0003_create_sessions;
mod m0004_add_todo_priority;
mod m0005_index_open_todos;
mod m0006_add_archived_status;
mod m0007_rename_todos_to_tasks;
mod m0008_retire_sessions;

migrate_runtime::migrations!();
