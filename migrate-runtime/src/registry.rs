//! Registration through `inventory`, and the token that selects and links a set of migrations.
//!
//! `migration!` submits a [`Registration`] carrying the `module_path!()` it was expanded in. The
//! `migrations!()` token records the module it was declared in; [`Migrator::new`] takes the
//! registrations below that module. Requiring the token has two effects: an app that forgets its
//! migrations crate does not compile (instead of silently finding nothing, because cargo drops a
//! crate nothing names), and two apps' migrations linked into one test binary stay apart.

use migrate_core::model::Migration;

/// One registered migration, as `migration!` submits it.
#[derive(Debug)]
pub struct Registration {
    migration: &'static Migration,
    rust_steps: &'static [RustStep],
    module: &'static str,
}

impl Registration {
    #[doc(hidden)]
    pub const fn new(
        migration: &'static Migration,
        rust_steps: &'static [RustStep],
        module: &'static str,
    ) -> Registration {
        Registration {
            migration,
            rust_steps,
            module,
        }
    }

    pub fn migration(&self) -> &'static Migration {
        self.migration
    }

    /// The Rust function registered under `path` by `run(up: path, …)`.
    pub fn rust_step(&self, path: &str) -> Option<RustStepFn> {
        self.rust_steps
            .iter()
            .find(|step| step.path == path)
            .map(|step| step.run)
    }
}

inventory::collect!(Registration);

/// A boxed error, as returned by Rust data steps.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The signature of a `run(up: …)` data step.
pub type RustStepFn = fn(&mut DataConnection<'_>) -> Result<(), BoxError>;

/// A Rust data step and the path it was registered under.
#[derive(Debug)]
pub struct RustStep {
    path: &'static str,
    run: RustStepFn,
}

impl RustStep {
    #[doc(hidden)]
    pub const fn new(path: &'static str, run: RustStepFn) -> RustStep {
        RustStep { path, run }
    }
}

/// The connection a Rust data step receives, inside the migration's transaction when it has one.
#[non_exhaustive]
pub enum DataConnection<'a> {
    #[cfg(feature = "postgres")]
    Postgres(&'a mut diesel::PgConnection),
    #[cfg(feature = "sqlite")]
    Sqlite(&'a mut diesel::SqliteConnection),
    #[cfg(feature = "mysql")]
    Mysql(&'a mut diesel::MysqlConnection),
}

impl std::fmt::Debug for DataConnection<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            #[cfg(feature = "postgres")]
            DataConnection::Postgres(_) => f.write_str("DataConnection::Postgres"),
            #[cfg(feature = "sqlite")]
            DataConnection::Sqlite(_) => f.write_str("DataConnection::Sqlite"),
            #[cfg(feature = "mysql")]
            DataConnection::Mysql(_) => f.write_str("DataConnection::Mysql"),
        }
    }
}

/// The token of a set of migrations: declare it with [`migrations!`](crate::migrations).
#[derive(Debug)]
pub struct Migrations {
    module: &'static str,
    /// The backends the compiler checked the migrations for beyond PostgreSQL and SQLite
    /// (`package.metadata.migrate.targets`), by name.
    targets: &'static [&'static str],
    /// The graph ordered and validated, once per process: the registrations cannot change.
    prepared: std::sync::OnceLock<Result<Prepared, migrate_core::graph::GraphErrors>>,
}

/// A token's migrations, parents first, with their registrations and the digest of the version
/// table that holds all of them.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) ordered: Vec<&'static Migration>,
    pub(crate) registrations: Vec<&'static Registration>,
    pub(crate) all_applied_digest: String,
}

impl Migrations {
    #[doc(hidden)]
    pub const fn __new(module: &'static str, targets: &'static [&'static str]) -> Migrations {
        Migrations {
            module,
            targets,
            prepared: std::sync::OnceLock::new(),
        }
    }

    /// The ordered graph, computed on first use.
    pub(crate) fn prepared(&self) -> Result<&Prepared, migrate_core::graph::GraphErrors> {
        self.prepared
            .get_or_init(|| {
                let registrations = self.registrations();
                let all: Vec<&'static Migration> =
                    registrations.iter().map(|r| r.migration()).collect();
                let ordered = migrate_core::graph::order(&all)?;
                let all_applied_digest = migrate_core::checksum::of_applied_set(
                    ordered.iter().map(|m| (m.id.as_ref(), m.checksum.as_ref())),
                );
                Ok(Prepared {
                    ordered,
                    registrations,
                    all_applied_digest,
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The module the token was declared in.
    pub fn module(&self) -> &'static str {
        self.module
    }

    /// Whether the compiler checked these migrations with the rules of `dialect`: always for
    /// PostgreSQL and SQLite, for MySQL when the crate lists it among its targets.
    ///
    /// ```
    /// mod migrations {
    ///     migrate_runtime::migrations! {
    ///         #![targets = "postgres, mysql"]
    ///         mod m0001 {
    ///             migrate_runtime::migration! {
    ///                 id: "0001_create_users", parent: none,
    ///                 change { create_table(users, { id: bigint identity }, primary_key: pk_users(id)); }
    ///             }
    ///         }
    ///     }
    /// }
    /// use migrate_runtime::core::render::Dialect;
    ///
    /// assert!(migrations::MIGRATIONS.checked_for(Dialect::Mysql));
    /// ```
    pub fn checked_for(&self, dialect: migrate_core::render::Dialect) -> bool {
        use migrate_core::render::Dialect;
        match dialect {
            Dialect::Postgres | Dialect::Sqlite => true,
            Dialect::Mysql => self.targets.contains(&dialect.name()),
        }
    }

    /// Every registration in the token's module or below it.
    pub fn registrations(&self) -> Vec<&'static Registration> {
        inventory::iter::<Registration>
            .into_iter()
            .filter(|registration| within(registration.module, self.module))
            .collect()
    }
}

fn within(module: &str, root: &str) -> bool {
    module == root
        || module
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with("::"))
}
