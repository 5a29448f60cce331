//! The checksum that detects an applied migration edited afterwards ("drift").

use sha2::{Digest, Sha256};

use crate::canonical;
use crate::model::Migration;

/// Hex SHA-256 of the canonical text of `migration` (its `checksum` field is not part of it).
///
/// ```
/// # use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
/// # let def = MigrationDef { id: "0001_a".into(), parents: vec![], replaces: vec![], doc: "one".into(), upgrade: vec![],
/// #     downgrade: DowngradeDef::Computed, lock_timeout_ms: None, statement_timeout_ms: None, waivers: vec![], adopted_names: false };
/// let (migration, _) = check(def.clone(), &Config::default());
/// assert_eq!(migration.checksum.len(), 64);
/// // The doc comment is a comment: editing it is not drift.
/// let (edited, _) = check(MigrationDef { doc: "two".into(), ..def }, &Config::default());
/// assert_eq!(migrate_core::checksum::of(&edited), migration.checksum);
/// ```
pub fn of(migration: &Migration) -> String {
    of_canonical(&canonical::migration(migration))
}

/// Hex SHA-256 of a migration's canonical text ([`canonical::migration`]): what [`of`] hashes. The
/// runtime records that text with each applied migration, and checks it against the recorded
/// checksum before showing it as what was applied.
///
/// ```
/// # use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
/// # let def = MigrationDef { id: "0001_a".into(), parents: vec![], replaces: vec![], doc: "one".into(), upgrade: vec![],
/// #     downgrade: DowngradeDef::Computed, lock_timeout_ms: None, statement_timeout_ms: None, waivers: vec![], adopted_names: false };
/// let (migration, _) = check(def, &Config::default());
/// let text = migrate_core::canonical::migration(&migration);
/// assert_eq!(migrate_core::checksum::of_canonical(&text), migration.checksum);
/// ```
pub fn of_canonical(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Hex SHA-256 of the [`applied_set_lines`] of `migrations`: what a version table holding exactly
/// these migrations hashes to, so one row from the database can say that nothing is pending and
/// nothing drifted.
///
/// ```
/// let lines = [("0002_b", "bb"), ("0001_a", "aa")];
/// assert_eq!(
///     migrate_core::checksum::of_applied_set(lines),
///     migrate_core::checksum::of_applied_set([("0001_a", "aa"), ("0002_b", "bb")])
/// );
/// ```
pub fn of_applied_set<'a>(migrations: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    of_canonical(&applied_set_lines(migrations))
}

/// The `id:checksum` lines of `migrations`, each ending in a newline, sorted by id in byte order:
/// the text [`of_applied_set`] hashes, which a database without SHA-256 (SQLite) returns itself.
///
/// ```
/// assert_eq!(
///     migrate_core::checksum::applied_set_lines([("0002_b", "bb"), ("0001_a", "aa")]),
///     "0001_a:aa\n0002_b:bb\n"
/// );
/// ```
pub fn applied_set_lines<'a>(migrations: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut lines: Vec<(&str, &str)> = migrations.into_iter().collect();
    lines.sort_unstable();
    let mut text =
        String::with_capacity(lines.iter().map(|(id, sum)| id.len() + sum.len() + 2).sum());
    for (id, checksum) in lines {
        text.push_str(id);
        text.push(':');
        text.push_str(checksum);
        text.push('\n');
    }
    text
}
