//! What `migrations!()` learnt about each file at the last build, kept in the crate's `OUT_DIR`.
//!
//! rustc expands every macro again on every build, so without this an edit of one migration
//! among a thousand would parse and check all thousand (in an unoptimized proc macro, most of the
//! edit–compile loop). A file whose text is the one checked last time, by the same build of this
//! macro and with the same settings, is taken from here: its migration, already checked and
//! encoded, and its waivers, which the chain's rules still need. Only clean files are kept, so a
//! file with errors is always checked again and reported at its tokens. The file is written whole
//! to a temporary name and renamed, so a build that reads it concurrently sees one version or the
//! other; anything unreadable counts as no cache.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use migrate_core::check::Waiver;
use migrate_core::diagnostic::Section;
use migrate_core::model::{encoding, Migration};
use migrate_core::CheckId;

/// Changes whenever this macro or `migrate-core` is rebuilt (see `build.rs`).
const BUILD: &str = env!("MIGRATE_MACROS_BUILD");

/// A file checked at an earlier build.
#[derive(Clone)]
pub(crate) struct Checked {
    pub(crate) text: String,
    pub(crate) bytes: Vec<u8>,
    pub(crate) waivers: Vec<Waiver>,
}

#[derive(Default)]
pub(crate) struct Cache {
    path: Option<PathBuf>,
    key: String,
    files: HashMap<PathBuf, Checked>,
    /// What this build checked, written back when it differs from what was read.
    kept: HashMap<PathBuf, Checked>,
}

impl Cache {
    /// The cache of the crate being built, for checks run with `settings`; empty when the crate
    /// has no `OUT_DIR` or the cache was written by another build or with other settings.
    pub(crate) fn load(settings: &str) -> Cache {
        let Some(dir) = std::env::var_os("OUT_DIR") else {
            return Cache::default();
        };
        let path = Path::new(&dir).join("migrate-macros.cache");
        let key = format!("{BUILD}\n{settings}");
        let files = std::fs::read(&path)
            .ok()
            .and_then(|bytes| read(&bytes, &key))
            .unwrap_or_default();
        Cache {
            path: Some(path),
            key,
            files,
            kept: HashMap::new(),
        }
    }

    /// The migration checked last time from exactly `text`.
    pub(crate) fn get(&self, path: &Path, text: &str) -> Option<(Migration, Checked)> {
        let checked = self
            .files
            .get(path)
            .filter(|checked| checked.text == text)?;
        let migration = encoding::decode(&checked.bytes).ok()?;
        Some((migration, checked.clone()))
    }

    /// Keeps a clean file for the next build.
    pub(crate) fn keep(&mut self, path: &Path, checked: Checked) {
        self.kept.insert(path.to_path_buf(), checked);
    }

    /// Writes what this build kept, unless it is what was read.
    pub(crate) fn save(self) {
        let Some(path) = self.path else { return };
        let unchanged = self.kept.len() == self.files.len()
            && self.kept.iter().all(|(file, checked)| {
                self.files
                    .get(file)
                    .is_some_and(|old| old.text == checked.text)
            });
        if unchanged {
            return;
        }
        let mut out = Vec::new();
        put(&mut out, self.key.as_bytes());
        for (file, checked) in &self.kept {
            put(&mut out, file.to_string_lossy().as_bytes());
            put(&mut out, checked.text.as_bytes());
            put(&mut out, &checked.bytes);
            put(&mut out, &write_waivers(&checked.waivers));
        }
        let temporary = path.with_extension(format!("{}.tmp", std::process::id()));
        if std::fs::write(&temporary, out).is_ok() && std::fs::rename(&temporary, &path).is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
    }
}

fn read(bytes: &[u8], key: &str) -> Option<HashMap<PathBuf, Checked>> {
    let mut input = bytes;
    if take(&mut input)? != key.as_bytes() {
        return None;
    }
    let mut files = HashMap::new();
    while !input.is_empty() {
        let file = PathBuf::from(String::from_utf8(take(&mut input)?.to_vec()).ok()?);
        let text = String::from_utf8(take(&mut input)?.to_vec()).ok()?;
        let bytes = take(&mut input)?.to_vec();
        let waivers = read_waivers(take(&mut input)?)?;
        files.insert(
            file,
            Checked {
                text,
                bytes,
                waivers,
            },
        );
    }
    Some(files)
}

/// A length-prefixed field.
fn put(out: &mut Vec<u8>, field: &[u8]) {
    out.extend_from_slice(&(field.len() as u64).to_le_bytes());
    out.extend_from_slice(field);
}

fn take<'a>(input: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (len, rest) = input.split_first_chunk::<8>()?;
    let len = usize::try_from(u64::from_le_bytes(*len)).ok()?;
    let field = rest.get(..len)?;
    *input = &rest[len..];
    Some(field)
}

/// One line per waiver: its section, the names of its rules, its reason.
fn write_waivers(waivers: &[Waiver]) -> Vec<u8> {
    let mut out = String::new();
    for waiver in waivers {
        let section = match waiver.section {
            Section::Id => "id".to_owned(),
            Section::Parents => "parents".to_owned(),
            Section::Replaces => "replaces".to_owned(),
            Section::Upgrade(index) => format!("upgrade {index}"),
            Section::Downgrade(index) => format!("downgrade {index}"),
            Section::ComputedDowngrade(index) => format!("computed {index}"),
            Section::UpgradeKeyword => "upgrade_keyword".to_owned(),
            Section::DowngradeKeyword => "downgrade_keyword".to_owned(),
        };
        let checks: Vec<String> = waiver.checks.iter().map(CheckId::to_string).collect();
        let reason = waiver.reason.replace('\\', "\\\\").replace('\n', "\\n");
        out.push_str(&format!("{section}\t{}\t{reason}\n", checks.join(",")));
    }
    out.into_bytes()
}

fn read_waivers(bytes: &[u8]) -> Option<Vec<Waiver>> {
    let text = std::str::from_utf8(bytes).ok()?;
    text.lines()
        .map(|line| {
            let mut fields = line.splitn(3, '\t');
            let (section, checks, reason) = (fields.next()?, fields.next()?, fields.next()?);
            let index = |rest: &str| rest.parse::<usize>().ok();
            let section = match section.split_once(' ') {
                None if section == "id" => Section::Id,
                None if section == "parents" => Section::Parents,
                None if section == "replaces" => Section::Replaces,
                None if section == "upgrade_keyword" => Section::UpgradeKeyword,
                None if section == "downgrade_keyword" => Section::DowngradeKeyword,
                Some(("upgrade", rest)) => Section::Upgrade(index(rest)?),
                Some(("downgrade", rest)) => Section::Downgrade(index(rest)?),
                Some(("computed", rest)) => Section::ComputedDowngrade(index(rest)?),
                _ => return None,
            };
            let checks = checks
                .split(',')
                .filter(|name| !name.is_empty())
                .map(CheckId::from_name)
                .collect::<Option<Vec<_>>>()?;
            let reason = unescape(reason);
            Some(Waiver {
                section,
                checks,
                reason,
            })
        })
        .collect()
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            (c, false) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn waivers_survive_the_cache() {
        let waivers = vec![
            Waiver {
                section: Section::Upgrade(3),
                checks: vec![CheckId::RawSql, CheckId::DropColumn],
                reason: "the table is empty\tin\\production\nsince 2024".to_owned(),
            },
            Waiver {
                section: Section::DowngradeKeyword,
                checks: vec![],
                reason: String::new(),
            },
        ];
        assert_eq!(read_waivers(&write_waivers(&waivers)).unwrap(), waivers);
    }

    #[test]
    fn a_cache_of_another_build_or_settings_is_not_read() {
        let mut out = Vec::new();
        put(&mut out, b"key");
        assert_eq!(read(&out, "key").unwrap().len(), 0);
        assert!(read(&out, "other").is_none());
        assert!(read(&out[..5], "key").is_none());
    }
}
