//! The compile-time checks: a flat, ordered list of `check_*` passes over one migration.
//!
//! Checks return diagnostics instead of failing, so one `migration!` reports every problem at once.
//! The same function runs in the macro (compile time) and in tests; the runtime recomputes the
//! checksum with [`crate::checksum`] from the registered `'static` value.

mod naming;
mod raw_sql;
mod reversibility;
mod safety;
mod transactions;
pub(crate) mod values;
mod waivers;

pub use naming::{replaces_problems, NamingConvention, MAX_IDENTIFIER_BYTES};
pub(crate) use safety::keeps_values;
#[cfg(feature = "sql-parser")]
pub(crate) use safety::sql_is_non_volatile;
pub use values::MAX_ENUM_LABEL_BYTES;
pub use waivers::Waiver;

use crate::checksum;
use crate::diagnostic::{Diagnostic, Section};
use crate::model::{Downgrade, Migration, Mode, Op};

/// A migration as written, before checks: what the macro parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationDef {
    pub id: String,
    pub parents: Vec<String>,
    /// `replaces: ["0001_a", …]`: the migrations this one squashes, oldest first.
    pub replaces: Vec<String>,
    pub doc: String,
    pub upgrade: Vec<Op>,
    pub downgrade: DowngradeDef,
    pub lock_timeout_ms: Option<u64>,
    pub statement_timeout_ms: Option<u64>,
    /// `#[allow(…)]` attributes on ops.
    pub waivers: Vec<Waiver>,
    /// `names: adopted`: the objects the migration creates already exist (a baseline of a
    /// database that predates `migrate`, or a history translated from another tool), so their
    /// names are theirs: neither the convention nor the case is checked, only the length.
    pub adopted_names: bool,
}

/// What the author wrote for the way back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DowngradeDef {
    /// Only `upgrade { … }`: an error, whose help is the computed downgrade.
    Missing,
    /// `change { … }` instead of `upgrade`: computed from the inverses.
    Computed,
    Ops(Vec<Op>),
    Irreversible(String),
}

/// Settings of the checks, shared by every migration of a crate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    pub naming: NamingConvention,
    /// The backends the migrations must run on, for the rules of the dialects that have their
    /// own (MySQL's, in the fold); empty when the crate does not say.
    pub targets: Vec<crate::render::Dialect>,
    /// `pedantic = true`: the style lints of the fold, off by default (like clippy's pedantic
    /// group): conventions a team adopts, not dangers.
    pub pedantic: bool,
}

/// Runs every check and builds the migration.
///
/// The migration is returned even when there are diagnostics, so the macro can still emit a
/// well-typed item and spare the user cascading errors.
///
/// ```
/// use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
/// use migrate_core::model::Op;
///
/// let def = MigrationDef {
///     id: "0001_rename_users".into(),
///     parents: vec![],
///     replaces: vec![],
///     doc: String::new(),
///     upgrade: vec![Op::RenameTable { from: "users".into(), to: "accounts".into() }],
///     downgrade: DowngradeDef::Missing,
///     lock_timeout_ms: None,
///     statement_timeout_ms: None,
///     waivers: vec![],
///     adopted_names: false,
/// };
/// let (_, diagnostics) = check(def, &Config::default());
/// assert_eq!(diagnostics[0].check.as_str(), "missing_downgrade");
/// assert!(diagnostics[0].help.as_deref().unwrap().contains("rename_table(accounts => users)"));
/// ```
pub fn check(def: MigrationDef, config: &Config) -> (Migration, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    naming::check_migration_id(&def, &mut diagnostics);
    naming::check_names(&def, config, &mut diagnostics);
    values::check_values(&def, &config.targets, &mut diagnostics);
    let downgrade = reversibility::check_reversibility(&def, &mut diagnostics);
    // A computed downgrade mirrors the upgrade: whatever is wrong with it is reported there.
    let written_downgrade = match (&def.downgrade, &downgrade) {
        (DowngradeDef::Ops(_), Downgrade::Ops(ops)) => ops.as_ref(),
        _ => &[],
    };
    transactions::check_transaction_modes(&def.upgrade, written_downgrade, &mut diagnostics);
    safety::check_safety(
        &def.upgrade,
        &Section::Upgrade,
        safety::Direction::Up,
        &mut diagnostics,
    );
    safety::check_safety(
        written_downgrade,
        &Section::Downgrade,
        safety::Direction::Down,
        &mut diagnostics,
    );
    safety::check_downgrade_losses(&def.upgrade, written_downgrade, &mut diagnostics);
    if def.downgrade == DowngradeDef::Computed {
        check_computed_downgrade(&def.upgrade, &mut diagnostics);
    }
    waivers::apply(&def.waivers, &mut diagnostics);

    let mode = Mode::of(&def.upgrade);
    let mut migration = Migration {
        id: def.id.into(),
        parents: def.parents.into_iter().map(Into::into).collect(),
        replaces: def.replaces.into_iter().map(Into::into).collect(),
        doc: def.doc.into(),
        upgrade: def.upgrade.into(),
        downgrade,
        mode,
        lock_timeout_ms: def.lock_timeout_ms,
        statement_timeout_ms: def.statement_timeout_ms,
        checksum: String::new().into(),
    };
    migration.checksum = checksum::of(&migration).into();
    (migration, diagnostics)
}

/// The safety of the downgrade `change { … }` computes: reported on the upgrade op each inverse
/// undoes, and never silenced by that op's waivers (they are about the upgrade).
fn check_computed_downgrade(upgrade: &[Op], diagnostics: &mut Vec<Diagnostic>) {
    let mut origins = Vec::new();
    let mut ops = Vec::new();
    for (index, op) in upgrade.iter().enumerate().rev() {
        if let crate::inverse::Inverse::Op(inverse) = op.inverse() {
            origins.push(index);
            ops.push(inverse);
        }
    }
    let mut found = Vec::new();
    safety::check_safety(
        &ops,
        &|position| Section::ComputedDowngrade(origins[position]),
        safety::Direction::Down,
        &mut found,
    );
    for mut diagnostic in found {
        if let Section::ComputedDowngrade(index) = diagnostic.at.section {
            let position = origins
                .iter()
                .position(|origin| *origin == index)
                .unwrap_or(0);
            diagnostic.message = format!(
                "the computed downgrade undoes this op with `{}`, and {}",
                ops[position], diagnostic.message
            );
            let help = diagnostic.help.take().unwrap_or_default();
            diagnostic.help = Some(format!(
                "{help}

to waive it, write the downgrade yourself (`upgrade {{ … }}` and `downgrade {{ … }}`) and put the waiver there"
            ));
        }
        diagnostics.push(diagnostic);
    }
}
