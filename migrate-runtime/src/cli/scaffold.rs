//! `new` and `merge`: write a migration file with the next id and its parents. In a `migrations/`
//! folder that `migrations!()` discovers, the file is all there is to write; in a module that
//! declares its migrations with `mod` lines, the line is added to the file that declares
//! `migrations!()`.
//!
//! The graph comes from this build, so a file written since the last build would be missed: the
//! directory is scanned for ids the build does not have, and a stale build is refused rather than
//! given a second migration with the same id or parent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use migrate_core::model::Migration;

use super::{CliError, Context};
use crate::{Error, Migrator};

/// The longest slug, so ids stay readable (and far below PostgreSQL's 63 bytes).
const MAX_SLUG: usize = 40;

pub(super) fn new(
    context: &Context<'_>,
    message: &str,
    dir: Option<PathBuf>,
) -> Result<String, CliError> {
    let migrations = known(context)?;
    let parents = head(&migrations)?;
    Ok(write(
        context,
        "new",
        message,
        &migrations,
        &parents,
        dir,
        &[Body::default()],
    )?
    .0)
}

pub(super) fn merge(
    context: &Context<'_>,
    message: &str,
    revisions: &[String],
    dir: Option<PathBuf>,
) -> Result<String, CliError> {
    let migrator = context.migrator()?;
    let mut parents: Vec<String> = Vec::new();
    for revision in revisions {
        let id = migrator.resolve(revision)?.id.to_string();
        if parents.contains(&id) {
            return Err(CliError::SameRevision { revision: id });
        }
        parents.push(id);
    }
    let ancestors = Ancestors::new(migrator.migrations());
    for parent in &parents {
        for other in &parents {
            if parent != other && ancestors.of(other).contains(parent.as_str()) {
                return Err(CliError::NotDivergent {
                    ancestor: parent.clone(),
                    descendant: other.clone(),
                });
            }
        }
    }
    Ok(write(
        context,
        "merge",
        message,
        migrator.migrations(),
        &parents,
        dir,
        &[Body::default()],
    )?
    .0)
}

/// The parents of a new migration: the single head, or none for the first migration.
pub(super) fn head(migrations: &[&Migration]) -> Result<Vec<String>, CliError> {
    match migrate_core::graph::heads(migrations).as_slice() {
        [] => Ok(Vec::new()),
        [head] => Ok(vec![head.id.to_string()]),
        many => Err(Error::MultipleHeads {
            heads: many.iter().map(|head| head.id.to_string()).collect(),
        }
        .into()),
    }
}

/// What one written migration holds beyond its id and parents.
#[derive(Debug, Default)]
pub(super) struct Body {
    /// Added to the id's slug (`_concurrently`).
    pub suffix: &'static str,
    /// More doc comment lines, after the message.
    pub doc: Vec<String>,
    /// `names: adopted`: a baseline keeps the database's names.
    pub adopted_names: bool,
    /// The ops' lines: the `change` block, or the `upgrade` block when the way back is refused.
    pub ops: String,
    /// Why an op cannot be undone: the ops are an `upgrade` and the downgrade `irreversible`.
    pub irreversible: Option<String>,
}

/// The migrations of this build; none yet is not an error when writing the first one.
pub(super) fn known(context: &Context<'_>) -> Result<Vec<&'static Migration>, CliError> {
    match Migrator::new(context.migrations) {
        Ok(migrator) => Ok(migrator.migrations().to_vec()),
        Err(Error::NothingRegistered { .. }) => Ok(Vec::new()),
        Err(error) => Err(error.into()),
    }
}

/// Writes one migration per body, each the parent of the next, and registers them; returns what
/// it did, one line per file, and the ids written.
pub(super) fn write(
    context: &Context<'_>,
    command: &'static str,
    message: &str,
    migrations: &[&'static Migration],
    parents: &[String],
    dir: Option<PathBuf>,
    bodies: &[Body],
) -> Result<(String, Vec<String>), CliError> {
    let slug = slug(message).ok_or_else(|| CliError::EmptySlug {
        message: message.to_owned(),
    })?;
    let directory = Directory::open(context, command, dir, migrations)?;
    let (first, width) = sequence_after(migrations);
    let ids: Vec<String> = (0u64..)
        .zip(bodies)
        .map(|(offset, body)| format!("{:0width$}_{slug}{}", first + offset, body.suffix))
        .collect();
    // Nothing is written when any of the files exists.
    for id in &ids {
        let path = directory.path().join(format!("m{id}.rs"));
        if path.exists() {
            return Err(CliError::Exists { path });
        }
    }
    let mut out = String::new();
    let mut parents: Vec<String> = parents.to_vec();
    for (id, body) in ids.iter().zip(bodies) {
        let written = directory.write(id, &source(message, id, &parents, body))?;
        let described = match parents.as_slice() {
            [] => "the first migration".to_owned(),
            [parent] => format!("parent {parent}"),
            parents => format!("parents {}", parents.join(", ")),
        };
        let mut lines = written.into_iter();
        out.push_str(&format!(
            "{} ({described})\n",
            lines.next().unwrap_or_default()
        ));
        for line in lines {
            out.push_str(&line);
            out.push('\n');
        }
        parents = vec![id.clone()];
    }
    Ok((if context.quiet { String::new() } else { out }, ids))
}

/// The directory a command writes migrations into: its `.rs` files, and the file that lists them
/// with `mod` lines when it is not a `migrations/` folder that `migrations!()` discovers.
pub(super) struct Directory {
    path: PathBuf,
    files: Vec<(PathBuf, String)>,
    module_list: Option<PathBuf>,
}

impl Directory {
    /// The directory of `--dir` or the app's, read, after refusing a build older than its files.
    pub(super) fn open(
        context: &Context<'_>,
        command: &'static str,
        dir: Option<PathBuf>,
        migrations: &[&Migration],
    ) -> Result<Directory, CliError> {
        let dir = dir
            .or_else(|| context.dir.clone())
            .ok_or(CliError::NoDir { command })?;
        // `…/examples/app/../migrations/src` reads better resolved.
        let path = std::fs::canonicalize(&dir).unwrap_or(dir);
        let files = rust_files(&path)?;
        let module_list = module_list(&path, &files)?.map(|(list, _)| list);
        refuse_stale(&files, migrations)?;
        Ok(Directory {
            path,
            files,
            module_list,
        })
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Writes migration `id` as `m<id>.rs`, and its `mod` line where the directory lists them;
    /// returns a line saying each.
    pub(super) fn write(&self, id: &str, text: &str) -> Result<Vec<String>, CliError> {
        let module = format!("m{id}");
        let path = self.path.join(format!("{module}.rs"));
        if path.exists() {
            return Err(CliError::Exists { path });
        }
        std::fs::write(&path, text).map_err(|source| CliError::Io {
            action: "write",
            path: path.clone(),
            source,
        })?;
        let mut lines = vec![format!("created {}", relative(&path).display())];
        if let Some(list_path) = &self.module_list {
            let list = read(list_path)?;
            std::fs::write(list_path, register(&list, &module)).map_err(|source| CliError::Io {
                action: "write",
                path: list_path.clone(),
                source,
            })?;
            lines.push(format!(
                "registered `mod {module};` in {}",
                relative(list_path).display()
            ));
        }
        Ok(lines)
    }

    /// Removes `mod <module>;` from the file that lists the migrations, if the directory has one.
    pub(super) fn unregister(&self, module: &str) -> Result<(), CliError> {
        let Some(list_path) = &self.module_list else {
            return Ok(());
        };
        let list = read(list_path)?;
        let kept = unregister(&list, module);
        if kept != list {
            std::fs::write(list_path, kept).map_err(|source| CliError::Io {
                action: "write",
                path: list_path.clone(),
                source,
            })?;
        }
        Ok(())
    }

    /// The file whose `id:` line declares migration `id`.
    pub(super) fn file_declaring(&self, id: &str) -> Option<PathBuf> {
        self.files
            .iter()
            .find(|(_, text)| declared_ids(text).any(|declared| declared == id))
            .map(|(path, _)| path.clone())
    }

    /// The text of a file of the directory, as read when it was opened.
    pub(super) fn text(&self, path: &Path) -> Option<&str> {
        self.files
            .iter()
            .find(|(file, _)| file == path)
            .map(|(_, text)| text.as_str())
    }
}

fn read(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|source| CliError::Io {
        action: "read",
        path: path.to_owned(),
        source,
    })
}

/// `path` relative to the current directory when it is below it, as a user would type it.
pub(super) fn relative(path: &Path) -> &Path {
    std::env::current_dir()
        .ok()
        .and_then(|current| path.strip_prefix(current).ok())
        .unwrap_or(path)
}

/// The `.rs` files directly in `dir`, with their text, sorted by name.
fn rust_files(dir: &Path) -> Result<Vec<(PathBuf, String)>, CliError> {
    let io = |source| CliError::Io {
        action: "read the directory",
        path: dir.to_owned(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|ext| ext == "rs") && path.is_file() {
            let text = std::fs::read_to_string(&path).map_err(|source| CliError::Io {
                action: "read",
                path: path.clone(),
                source,
            })?;
            files.push((path, text));
        }
    }
    files.sort();
    Ok(files)
}

/// The one file of `dir` that declares the `migrations!()` token, to add a `mod` line to; `None`
/// for a `migrations/` folder, whose files `migrations!()` finds itself.
fn module_list(
    dir: &Path,
    files: &[(PathBuf, String)],
) -> Result<Option<(PathBuf, String)>, CliError> {
    let lists: Vec<&(PathBuf, String)> = files
        .iter()
        .filter(|(_, text)| text.lines().any(declares_token))
        .collect();
    match lists.as_slice() {
        [one] => Ok(Some((*one).clone())),
        [] if dir.file_name().is_some_and(|name| name == "migrations") => Ok(None),
        [] => Err(CliError::NoModuleList {
            dir: dir.to_owned(),
        }),
        many => Err(CliError::SeveralModuleLists {
            dir: dir.to_owned(),
            files: many
                .iter()
                .map(|(path, _)| path.display().to_string())
                .collect(),
        }),
    }
}

fn declares_token(line: &str) -> bool {
    let line = line.trim_start();
    !line.starts_with("//") && line.contains("migrations!(")
}

/// Refuses when a file of the directory declares an id this build does not have.
fn refuse_stale(files: &[(PathBuf, String)], migrations: &[&Migration]) -> Result<(), CliError> {
    let known: BTreeSet<&str> = migrations.iter().map(|m| m.id.as_ref()).collect();
    for (path, text) in files {
        if let Some(id) = declared_ids(text).find(|id| !known.contains(id)) {
            return Err(CliError::Stale {
                file: relative(path).to_owned(),
                id: id.to_owned(),
            });
        }
    }
    Ok(())
}

/// The ids the `id: "…"` lines of a file declare.
fn declared_ids(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|line| {
        line.trim_start()
            .strip_prefix("id:")?
            .trim()
            .strip_prefix('"')?
            .split('"')
            .next()
    })
}

/// One more than the highest sequence, as wide as it (at least 4 digits).
pub(super) fn next_sequence(migrations: &[&Migration]) -> String {
    let (next, width) = sequence_after(migrations);
    format!("{next:0width$}")
}

/// One more than the highest sequence, and the width to write it in.
fn sequence_after(migrations: &[&Migration]) -> (u64, usize) {
    let highest = migrations
        .iter()
        .filter_map(|migration| migration.id.split_once('_'))
        .filter_map(|(sequence, _)| Some((sequence.parse::<u64>().ok()?, sequence.len())))
        .max();
    match highest {
        Some((number, width)) => (number + 1, width.max(4)),
        None => (1, 4),
    }
}

/// `"Add due dates to tasks!"` → `add_due_dates_to_tasks`; `None` without a letter or digit.
pub(super) fn slug(message: &str) -> Option<String> {
    let mut slug = String::new();
    for c in message.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('_') {
            slug.push('_');
        }
    }
    if slug.len() > MAX_SLUG {
        // Cut at a word boundary when there is one.
        let cut = slug[..MAX_SLUG].rfind('_').unwrap_or(MAX_SLUG);
        slug.truncate(cut);
    }
    let slug = slug.trim_end_matches('_').to_owned();
    (!slug.is_empty()).then_some(slug)
}

/// The new file: the message as doc comment, the id, the parents, the `change` block.
fn source(message: &str, id: &str, parents: &[String], body: &Body) -> String {
    let mut text = String::from("migrate_runtime::migration! {\n");
    let doc = message
        .trim()
        .lines()
        .chain(body.doc.iter().map(String::as_str));
    for line in doc {
        let line = line.trim_end();
        if line.is_empty() {
            text.push_str("    ///\n");
        } else {
            text.push_str(&format!("    /// {line}\n"));
        }
    }
    text.push_str(&format!("    id: {id:?},\n"));
    match parents {
        [] => text.push_str("    parent: none,\n"),
        [parent] => text.push_str(&format!("    parent: {parent:?},\n")),
        parents => {
            let list: Vec<String> = parents.iter().map(|parent| format!("{parent:?}")).collect();
            text.push_str(&format!("    parents: [{}],\n", list.join(", ")));
        }
    }
    if body.adopted_names {
        text.push_str("    names: adopted,\n");
    }
    let block = if body.irreversible.is_some() {
        "upgrade"
    } else {
        "change"
    };
    text.push_str(&format!("    {block} {{\n"));
    for line in body.ops.lines() {
        text.push_str("    ");
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("    }\n");
    if let Some(reason) = &body.irreversible {
        text.push_str(&format!(
            "    downgrade {{\n        irreversible({reason:?});\n    }}\n"
        ));
    }
    text.push_str("}\n");
    text
}

/// `list` with `mod <module>;` after its last `mod m…;` line, or before the token without one.
fn register(list: &str, module: &str) -> String {
    let lines: Vec<&str> = list.lines().collect();
    let is_mod_line = |line: &&str| {
        let line = line.trim_start();
        let line = line.strip_prefix("pub ").unwrap_or(line);
        line.starts_with("mod m") && line.trim_end().ends_with(';')
    };
    let at = match lines.iter().rposition(is_mod_line) {
        Some(last) => last + 1,
        None => lines
            .iter()
            .position(|line| declares_token(line))
            .unwrap_or(lines.len()),
    };
    let mut out: Vec<String> = lines.iter().map(|line| (*line).to_owned()).collect();
    out.insert(at, format!("mod {module};"));
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// `list` without its `mod <module>;` line (`pub` or not).
fn unregister(list: &str, module: &str) -> String {
    let is_line = |line: &&str| {
        let line = line.trim();
        let line = line.strip_prefix("pub ").unwrap_or(line);
        line == format!("mod {module};")
    };
    let mut text: String = list
        .lines()
        .filter(|line| !is_line(line))
        .collect::<Vec<_>>()
        .join("\n");
    if list.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Each migration's ancestors, for refusing a merge of a migration with its own descendant.
struct Ancestors<'a> {
    parents: BTreeMap<&'a str, Vec<&'a str>>,
}

impl<'a> Ancestors<'a> {
    fn new(migrations: &'a [&'static Migration]) -> Ancestors<'a> {
        let replacements = migrate_core::graph::Replacements::of(migrations);
        Ancestors {
            parents: migrations
                .iter()
                .map(|m| (m.id.as_ref(), replacements.parents(m)))
                .collect(),
        }
    }

    fn of(&self, id: &str) -> BTreeSet<&'a str> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = self.parents.get(id).cloned().unwrap_or_default();
        while let Some(next) = stack.pop() {
            if seen.insert(next) {
                stack.extend(self.parents.get(next).into_iter().flatten());
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_snake_case_and_short() {
        assert_eq!(
            slug("Add due dates to tasks!").as_deref(),
            Some("add_due_dates_to_tasks")
        );
        assert_eq!(slug("  --  ").as_deref(), None);
        assert_eq!(slug("Über-Tabelle 2").as_deref(), Some("ber_tabelle_2"));
        let long = slug("one two three four five six seven eight nine ten").unwrap_or_default();
        assert_eq!(long, "one_two_three_four_five_six_seven_eight");
    }

    #[test]
    fn the_mod_line_goes_after_the_last_one() {
        let list = "//! Docs.\n\nmod data;\n\nmod m0001_a;\nmod m0002_b;\n\nmigrate_runtime::migrations!();\n";
        assert_eq!(
            register(list, "m0003_c"),
            "//! Docs.\n\nmod data;\n\nmod m0001_a;\nmod m0002_b;\nmod m0003_c;\n\nmigrate_runtime::migrations!();\n"
        );
        assert_eq!(
            register("migrate_runtime::migrations!();\n", "m0001_a"),
            "mod m0001_a;\nmigrate_runtime::migrations!();\n"
        );
    }

    #[test]
    fn the_mod_line_of_a_deleted_migration_goes() {
        let list = "mod data;\n\nmod m0001_a;\npub mod m0002_b;\nmod m0003_c;\n\nmigrate_runtime::migrations!();\n";
        assert_eq!(
            unregister(&unregister(list, "m0001_a"), "m0002_b"),
            "mod data;\n\nmod m0003_c;\n\nmigrate_runtime::migrations!();\n"
        );
        assert_eq!(unregister(list, "m0009_z"), list);
    }

    #[test]
    fn a_merge_lists_its_parents() {
        assert_eq!(
            source(
                "Join.",
                "0004_join",
                &["0002_a".into(), "0003_b".into()],
                &Body::default()
            ),
            "migrate_runtime::migration! {\n    /// Join.\n    id: \"0004_join\",\n    parents: [\"0002_a\", \"0003_b\"],\n    change {\n    }\n}\n"
        );
    }
}
