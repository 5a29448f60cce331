//! Registration through `inventory`, and the token that selects and links a set of migrations.
//!
//! `migration!` submits a [`Registration`] carrying the `module_path!()` it was expanded in. The
//! `migrations!()` token records the module it was declared in; [`Migrator::new`] takes the
//! registrations below that module, and the token's own: the files of a migrations folder that
//! hold nothing but their migration are not compiled as modules but emitted by `migrations!()` as
//! the bytes of [`migrate_core::model::encoding`], decoded on first use (a byte string costs the
//! compiler far less than a typed constant and its registration, which is what keeps the
//! edit–compile loop of a long chain short).
//!
//! When the macro saw every migration of the set, the token also carries the applied-set lines
//! of the chain it proved: what a version table at head reads as. The start-up compares the
//! database with them without decoding a migration; the registrations are counted to make sure
//! nothing joined the set that the macro did not see.
//!
//! Requiring the token has two effects: an app that forgets its migrations crate does not compile
//! (instead of silently finding nothing, because cargo drops a crate nothing names), and two
//! apps' migrations linked into one test binary stay apart.

use migrate_core::model::Migration;

use crate::data::DataConnection;

/// One registered migration, as `migration!` submits it or `migrations!()` emits it.
#[derive(Debug)]
pub struct Registration {
    migration: Emitted,
    rust_steps: &'static [RustStep],
    module: &'static str,
}

/// The form the macro emitted a migration in.
#[derive(Debug)]
enum Emitted {
    Typed(&'static Migration),
    Encoded(&'static Encoded),
}

/// A migration as `migrations!()` emits it: the bytes of [`migrate_core::model::encoding`],
/// decoded on first use. Apart from [`Registration`], which `inventory` needs free of interior
/// mutability.
#[doc(hidden)]
#[derive(Debug)]
pub struct Encoded {
    bytes: &'static [u8],
    decoded: std::sync::OnceLock<Migration>,
}

impl Encoded {
    #[doc(hidden)]
    pub const fn new(bytes: &'static [u8]) -> Encoded {
        Encoded {
            bytes,
            decoded: std::sync::OnceLock::new(),
        }
    }
}

impl Registration {
    #[doc(hidden)]
    pub const fn new(
        migration: &'static Migration,
        rust_steps: &'static [RustStep],
        module: &'static str,
    ) -> Registration {
        Registration {
            migration: Emitted::Typed(migration),
            rust_steps,
            module,
        }
    }

    #[doc(hidden)]
    pub const fn encoded(migration: &'static Encoded, module: &'static str) -> Registration {
        Registration {
            migration: Emitted::Encoded(migration),
            rust_steps: &[],
            module,
        }
    }

    /// The migration, decoded on first use when `migrations!()` emitted it as bytes.
    ///
    /// # Panics
    ///
    /// When the bytes were not written by the `migrate-macros` this runtime re-exports, which
    /// the pinned versions of the two crates rule out.
    pub fn migration(&'static self) -> &'static Migration {
        match &self.migration {
            Emitted::Typed(migration) => migration,
            Emitted::Encoded(Encoded { bytes, decoded }) => decoded.get_or_init(|| {
                match migrate_core::model::encoding::decode_static(bytes) {
                    Ok(migration) => migration,
                    Err(error) => panic!(
                        "a migration of {} was emitted by another version of migrate-macros than this migrate-runtime's ({error}): run `cargo clean` and rebuild",
                        self.module
                    ),
                }
            }),
        }
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

/// The token of a set of migrations: declare it with [`migrations!`](crate::migrations).
#[derive(Debug)]
pub struct Migrations {
    module: &'static str,
    /// The backends the compiler checked the migrations for beyond PostgreSQL and SQLite
    /// (`package.metadata.migrate.targets`), by name.
    targets: &'static [&'static str],
    /// The migrations `migrations!()` emitted itself, from the files of a migrations folder.
    files: &'static [Registration],
    /// The applied-set lines ([`migrate_core::checksum::applied_set_lines`]) of the migrations
    /// `migrations!()` saw and proved a valid chain, when it saw them all.
    compiled_lines: Option<&'static str>,
    /// The graph ordered and validated, once per process: the registrations cannot change.
    prepared: std::sync::OnceLock<Result<Prepared, migrate_core::graph::GraphErrors>>,
    /// How many migrations `compiled_lines` holds, and their digest, once per process.
    compiled_summary: std::sync::OnceLock<(usize, String)>,
}

/// A token's migrations, parents first, with their registrations and the digest of the version
/// table that holds all of them.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub(crate) ordered: Vec<&'static Migration>,
    pub(crate) registrations: Vec<&'static Registration>,
    pub(crate) all_applied_digest: String,
    /// See [`migrate_core::checksum::applied_set_lines`].
    pub(crate) all_applied_lines: std::sync::Arc<str>,
}

impl Migrations {
    #[doc(hidden)]
    pub const fn __new(
        module: &'static str,
        targets: &'static [&'static str],
        files: &'static [Registration],
        compiled_lines: Option<&'static str>,
    ) -> Migrations {
        Migrations {
            module,
            targets,
            files,
            compiled_lines,
            prepared: std::sync::OnceLock::new(),
            compiled_summary: std::sync::OnceLock::new(),
        }
    }

    /// The ordered graph, computed on first use.
    pub(crate) fn prepared(&self) -> Result<&Prepared, migrate_core::graph::GraphErrors> {
        self.prepared
            .get_or_init(|| self.sources().prepare())
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The registrations' sources, which outlive the token's borrow.
    pub(crate) fn sources(&self) -> Sources {
        Sources {
            module: self.module,
            files: self.files,
        }
    }

    /// What the version table reads as when it holds exactly this set, as lines and as their
    /// digest, without decoding a migration: when `migrations!()` saw every migration registered
    /// here (the count tells), it wrote the lines at compile time, after proving the chain.
    pub(crate) fn compiled_applied_set(&self) -> Option<(&'static str, &str)> {
        let lines = self.compiled_lines?;
        let (count, digest) = self.compiled_summary.get_or_init(|| {
            (
                lines.lines().count(),
                migrate_core::checksum::of_canonical(lines),
            )
        });
        let registered = inventory::iter::<Registration>
            .into_iter()
            .filter(|registration| within(registration.module, self.module))
            .count()
            + self.files.len();
        (registered == *count).then_some((lines, digest.as_str()))
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

    /// The backends the crate lists in `package.metadata.migrate.targets` (or `#![targets]`),
    /// which its migrations were checked for; empty when it names none (PostgreSQL and SQLite).
    /// `migrate squash` checks the migration it writes for them.
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
    /// assert_eq!(migrations::MIGRATIONS.targets(), [Dialect::Postgres, Dialect::Mysql]);
    /// ```
    pub fn targets(&self) -> Vec<migrate_core::render::Dialect> {
        self.targets
            .iter()
            .filter_map(|name| migrate_core::render::Dialect::from_name(name))
            .collect()
    }

    /// Every registration in the token's module or below it, and the token's own.
    pub fn registrations(&self) -> Vec<&'static Registration> {
        self.sources().registrations()
    }
}

/// Where a token's registrations come from: `inventory`, below its module, and its own files.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sources {
    module: &'static str,
    files: &'static [Registration],
}

impl Sources {
    fn registrations(self) -> Vec<&'static Registration> {
        inventory::iter::<Registration>
            .into_iter()
            .filter(|registration| within(registration.module, self.module))
            .chain(self.files)
            .collect()
    }

    /// Decodes the migrations, validates the graph and orders it.
    pub(crate) fn prepare(self) -> Result<Prepared, migrate_core::graph::GraphErrors> {
        let registrations = self.registrations();
        let all: Vec<&'static Migration> = registrations.iter().map(|r| r.migration()).collect();
        let ordered = migrate_core::graph::order(&all)?;
        let lines = migrate_core::checksum::applied_set_lines(
            ordered.iter().map(|m| (m.id.as_ref(), m.checksum.as_ref())),
        );
        Ok(Prepared {
            ordered,
            registrations,
            all_applied_digest: migrate_core::checksum::of_canonical(&lines),
            all_applied_lines: lines.into(),
        })
    }
}

fn within(module: &str, root: &str) -> bool {
    module == root
        || module
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with("::"))
}
