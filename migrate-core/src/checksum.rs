//! The checksum that detects an applied migration edited afterwards ("drift").

use sha2::{Digest, Sha256};

use crate::canonical;
use crate::model::Migration;

/// Hex SHA-256 of the canonical text of `migration` (its `checksum` field is not part of it).
///
/// ```
/// # use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
/// # let def = MigrationDef { id: "0001_a".into(), parents: vec![], doc: "one".into(), upgrade: vec![],
/// #     downgrade: DowngradeDef::Computed, lock_timeout_ms: None, statement_timeout_ms: None, waivers: vec![] };
/// let (migration, _) = check(def.clone(), &Config::default());
/// assert_eq!(migration.checksum.len(), 64);
/// // The doc comment is a comment: editing it is not drift.
/// let (edited, _) = check(MigrationDef { doc: "two".into(), ..def }, &Config::default());
/// assert_eq!(migrate_core::checksum::of(&edited), migration.checksum);
/// ```
pub fn of(migration: &Migration) -> String {
    let digest = Sha256::digest(canonical::migration(migration).as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}
