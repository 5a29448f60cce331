//! The schema of the example todo service, as `migrate` migrations.
//!
//! One file per migration in `src/migrations/`, which `migrations!()` finds and declares itself
//! (the build script makes cargo rebuild when a file is added). Each declares its parent, so the
//! order applied is the graph's, not the order of the files. Together they exercise every op
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

migrate_runtime::migrations!();
