//! Naming: explicit names that follow the convention, fit PostgreSQL's limit, and are lower
//! snake_case; and well-formed migration ids.
//!
//! Only names an `upgrade` creates are held to the convention: a downgrade re-creates objects as
//! they were, and a legacy object keeps its legacy name, as do the objects of a migration marked
//! `names: adopted` (a baseline of a database that predates `migrate`). Length is checked everywhere, because
//! PostgreSQL silently truncates a longer name and the object then answers to another one.

use super::MigrationDef;
use crate::diagnostic::{CheckId, Diagnostic, Location, Part, Section};
use crate::model::{Op, Text};

/// PostgreSQL's NAMEDATALEN - 1: longer identifiers are truncated, by bytes, with only a NOTICE.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// The conventional names of each kind of object, for the indexes and constraints an upgrade
/// creates. Each is a prefix, `ix` meaning `ix_<table>` or `ix_<table>_<what>`, or a pattern with
/// placeholders, for a schema that has a convention of its own: `{table}_{columns}_idx`,
/// `{table}_pkey`, `{table}_{what}_check`. `{table}` is the op's table, `{columns}` its columns
/// joined by `_` (any words for a check, which has none), `{what}` any words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamingConvention {
    pub index: String,
    pub unique: String,
    pub foreign_key: String,
    pub check: String,
    pub primary_key: String,
}

impl Default for NamingConvention {
    fn default() -> Self {
        NamingConvention {
            index: "ix".into(),
            unique: "uq".into(),
            foreign_key: "fk".into(),
            check: "ck".into(),
            primary_key: "pk".into(),
        }
    }
}

impl NamingConvention {
    /// Why `convention` is neither a prefix nor a pattern, if it is not.
    ///
    /// ```
    /// use migrate_core::check::NamingConvention;
    ///
    /// assert_eq!(NamingConvention::problem("idx"), None);
    /// assert_eq!(NamingConvention::problem("{table}_{columns}_idx"), None);
    /// assert!(NamingConvention::problem("{tbl}_idx").unwrap().contains("{tbl}"));
    /// ```
    pub fn problem(convention: &str) -> Option<String> {
        let mut rest = convention;
        let mut literal = String::new();
        while let Some(start) = rest.find('{') {
            literal.push_str(&rest[..start]);
            let Some(end) = rest[start..].find('}') else {
                return Some(format!("{convention:?} has a `{{` without its `}}`"));
            };
            let placeholder = &rest[start..start + end + 1];
            if !PLACEHOLDERS.contains(&placeholder) {
                return Some(format!(
                    "{convention:?} has the unknown placeholder `{placeholder}`; the placeholders are {}",
                    PLACEHOLDERS.join(", ")
                ));
            }
            rest = &rest[start + end + 1..];
        }
        literal.push_str(rest);
        let snake = literal
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if convention.is_empty() || !snake {
            return Some(format!(
                "{convention:?} must be a lower snake_case prefix, or a pattern of lower snake_case and placeholders such as \"{{table}}_{{columns}}_idx\""
            ));
        }
        None
    }
}

const PLACEHOLDERS: &[&str] = &["{table}", "{columns}", "{what}"];

/// The names `convention` allows for an object of `table` on `columns`, as templates in which
/// `{what}` stands for any words: a prefix allows `<prefix>_<table>` and `<prefix>_<table>_{what}`.
fn templates(convention: &str, table: &str, columns: Option<&str>) -> Vec<String> {
    if !convention.contains('{') {
        return vec![
            format!("{convention}_{table}"),
            format!("{convention}_{table}_{{what}}"),
        ];
    }
    let template = convention.replace("{table}", table);
    vec![match columns {
        Some(columns) => template.replace("{columns}", columns),
        None => template.replace("{columns}", "{what}"),
    }]
}

/// Whether `name` is `template` with each `{what}` standing for one or more characters.
fn fits(template: &str, name: &str) -> bool {
    let mut parts = template.split("{what}");
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (position, part) in parts.iter().enumerate() {
        let last = position + 1 == parts.len();
        // `{what}` takes at least one character, then the literal that follows it.
        let found = match last {
            true => rest.len() > part.len() && rest.ends_with(part),
            false => rest
                .get(1..)
                .and_then(|after| after.find(part))
                .map(|at| at + 1)
                .inspect(|at| rest = &rest[at + part.len()..])
                .is_some(),
        };
        if !found {
            return false;
        }
        if last {
            return true;
        }
    }
    rest.is_empty()
}

/// How the convention reads in a message: `` `ix_users_…` ``, `` `users_email_idx` ``.
fn shown(convention: &str, table: &str, columns: Option<&str>) -> String {
    let template = templates(convention, table, columns)
        .pop()
        .unwrap_or_default();
    format!(
        "`{}`",
        template.replace("_{what}", "_…").replace("{what}", "…")
    )
}

pub(super) fn check_migration_id(def: &MigrationDef, out: &mut Vec<Diagnostic>) {
    if let Some(problem) = id_problem(&def.id) {
        out.push(
            Diagnostic::new(
                CheckId::MigrationId,
                Location::op(Section::Id),
                format!("migration id {:?} {problem}", def.id),
            )
            .help("ids are `<sequence>_<slug>`: a number of at least 4 digits (a counter or a UTC timestamp) that sorts them, then lower snake_case words, e.g. \"0003_add_user_role\" or \"20261123_1042_add_user_role\""),
        );
    }
    for (index, parent) in def.parents.iter().enumerate() {
        let problem = if parent == &def.id {
            Some("is the migration itself".to_owned())
        } else if def.parents[..index].contains(parent) {
            Some("is listed twice".to_owned())
        } else {
            id_problem(parent).map(str::to_owned)
        };
        if let Some(problem) = problem {
            out.push(Diagnostic::new(
                CheckId::MigrationId,
                Location::op(Section::Parents),
                format!("parent {parent:?} {problem}"),
            ));
        }
    }
    for diagnostic in replaces_problems(def) {
        out.push(diagnostic);
    }
}

/// What is wrong with `replaces: [...]`: the migration itself, an id listed twice, one of its own
/// parents (the parent would then stand for this very migration: a squash builds on what comes
/// before the range it replaces), or an id that is not one. Each is located at the id
/// (`Part::Value(n)` of `Section::Replaces`).
///
/// ```
/// use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
///
/// let def = MigrationDef {
///     id: "0003_squash".into(),
///     parents: vec![],
///     replaces: vec!["0001_a".into(), "0003_squash".into(), "0001_a".into()],
///     doc: String::new(),
///     upgrade: vec![],
///     downgrade: DowngradeDef::Computed,
///     lock_timeout_ms: None,
///     statement_timeout_ms: None,
///     waivers: vec![],
///     adopted_names: false,
/// };
/// let messages: Vec<String> = check(def, &Config::default())
///     .1
///     .into_iter()
///     .map(|diagnostic| diagnostic.message)
///     .collect();
/// assert_eq!(messages, [
///     "`replaces` names \"0003_squash\", the migration itself: a migration cannot replace itself",
///     "`replaces` lists \"0001_a\" twice",
/// ]);
/// ```
pub fn replaces_problems(def: &MigrationDef) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (index, replaced) in def.replaces.iter().enumerate() {
        let (problem, help) = if replaced == &def.id {
            (
                format!("`replaces` names {replaced:?}, the migration itself: a migration cannot replace itself"),
                "list the migrations this one squashes, and give it an id of its own",
            )
        } else if def.replaces[..index].contains(replaced) {
            (
                format!("`replaces` lists {replaced:?} twice"),
                "list each replaced migration once, oldest first",
            )
        } else if def.parents.contains(replaced) {
            (
                format!("{replaced:?} is both a parent of this migration and replaced by it: the parent would stand for this very migration"),
                "a squash's parents are those of the first migration it replaces; `migrate squash` writes them",
            )
        } else if let Some(problem) = id_problem(replaced) {
            (
                format!("replaced id {replaced:?} {problem}"),
                "list the ids of the migrations this one squashes, as their `id:` says",
            )
        } else {
            continue;
        };
        out.push(
            Diagnostic::new(
                CheckId::MigrationId,
                Location::new(Section::Replaces, Part::Value(index)),
                problem,
            )
            .help(help),
        );
    }
    out
}

fn id_problem(id: &str) -> Option<&'static str> {
    let Some((sequence, slug)) = id.split_once('_') else {
        return Some("has no `<sequence>_` prefix");
    };
    if sequence.len() < 4 || !sequence.bytes().all(|b| b.is_ascii_digit()) {
        return Some("does not start with a sequence of at least 4 digits");
    }
    let slug_ok = slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if slug.is_empty() || !slug_ok {
        return Some("is not lower snake_case after its sequence");
    }
    if id.len() > MAX_IDENTIFIER_BYTES {
        return Some("is longer than 63 bytes");
    }
    None
}

fn is_snake_case(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

/// A name an op creates, where it is, and the convention it must follow.
struct Created<'a> {
    name: &'a str,
    part: Part,
    convention: Option<Convention<'a>>,
}

/// The conventions a created index or constraint may follow (a unique index: the index's or the
/// unique constraint's), its table and columns, and the words a suggestion puts for `{what}`.
struct Convention<'a> {
    kinds: Vec<&'a str>,
    table: &'a str,
    columns: Option<String>,
    what: String,
}

fn created_names<'a>(op: &'a Op, naming: &'a super::NamingConvention) -> Vec<Created<'a>> {
    let plain = |name: &'a Text, part| Created {
        name,
        part,
        convention: None,
    };
    let conventional = |name: &'a Text,
                        kinds: Vec<&'a str>,
                        table: &'a Text,
                        columns: Option<&[Text]>,
                        what: String| Created {
        name,
        part: Part::Name,
        convention: Some(Convention {
            kinds,
            table,
            columns: columns.map(|columns| columns.join("_")),
            what,
        }),
    };
    match op {
        Op::CreateTable(table) => {
            let mut names = vec![plain(&table.name, Part::Table)];
            for (position, column) in table.columns.iter().enumerate() {
                names.push(plain(&column.name, Part::Column(position)));
            }
            if let Some(pk) = &table.primary_key {
                names.push(conventional(
                    &pk.name,
                    vec![&naming.primary_key],
                    &table.name,
                    Some(&pk.columns),
                    String::new(),
                ));
            }
            names
        }
        Op::AddColumn { column, .. } => vec![plain(&column.name, Part::Column(0))],
        Op::RenameTable { to, .. } | Op::RenameColumn { to, .. } => vec![plain(to, Part::Name)],
        Op::CreateIndex(index) => {
            let mut kinds = vec![naming.index.as_str()];
            if index.unique {
                kinds.push(&naming.unique);
            }
            vec![conventional(
                &index.name,
                kinds,
                &index.table,
                Some(&index.columns),
                index.columns.join("_"),
            )]
        }
        Op::AddForeignKey(fk) => vec![conventional(
            &fk.name,
            vec![&naming.foreign_key],
            &fk.table,
            Some(&fk.columns),
            fk.columns.join("_"),
        )],
        Op::AddCheck(check) => vec![conventional(
            &check.name,
            vec![&naming.check],
            &check.table,
            None,
            "<what>".to_owned(),
        )],
        Op::AddUnique(unique) => vec![conventional(
            &unique.name,
            vec![&naming.unique],
            &unique.table,
            Some(&unique.columns),
            unique.columns.join("_"),
        )],
        Op::AddPrimaryKey { table, key } => vec![conventional(
            &key.name,
            vec![&naming.primary_key],
            table,
            Some(&key.columns),
            String::new(),
        )],
        Op::CreateEnum(ty) => vec![plain(&ty.name, Part::Name)],
        _ => Vec::new(),
    }
}

/// The name an op drops: PostgreSQL would look up the name it truncates to, which is not the one
/// written, so a name too long to exist is as wrong here as where it is created.
fn dropped_name(op: &Op) -> Option<&Text> {
    match op {
        Op::DropTable(table) => Some(&table.name),
        Op::DropIndex(index) => Some(&index.name),
        Op::DropForeignKey(fk) => Some(&fk.name),
        Op::DropCheck(check) => Some(&check.name),
        Op::DropUnique(unique) => Some(&unique.name),
        Op::DropPrimaryKey { key, .. } => Some(&key.name),
        Op::DropEnum(ty) => Some(&ty.name),
        _ => None,
    }
}

pub(super) fn check_names(def: &MigrationDef, config: &super::Config, out: &mut Vec<Diagnostic>) {
    for (index, op) in def.upgrade.iter().enumerate() {
        if let Some(name) = dropped_name(op) {
            let part = match op {
                Op::DropTable(_) => Part::Table,
                _ => Part::Name,
            };
            check_length(name, Location::new(Section::Upgrade(index), part), out);
        }
        for created in created_names(op, &config.naming) {
            let at = Location::new(Section::Upgrade(index), created.part);
            check_length(created.name, at, out);
            if def.adopted_names {
                continue;
            }
            if !is_snake_case(created.name) {
                out.push(
                    Diagnostic::new(
                        CheckId::IdentifierCase,
                        at,
                        format!("`{}` is not lower snake_case: PostgreSQL folds unquoted names to lower case, so every hand-written query would have to quote it", created.name),
                    )
                    .help(match snake_case(created.name) {
                        Some(name) => format!("`{name}`"),
                        None => format!("`{}` has letters outside ASCII that have no plain spelling here: name it with ASCII letters, digits and `_`", created.name),
                    }),
                );
            }
            if let Some(convention) = created.convention {
                check_convention(created.name, &convention, at, out);
            }
        }
    }
    if let super::DowngradeDef::Ops(ops) = &def.downgrade {
        for (index, op) in ops.iter().enumerate() {
            for created in created_names(op, &config.naming) {
                check_length(
                    created.name,
                    Location::new(Section::Downgrade(index), created.part),
                    out,
                );
            }
        }
    }
}

fn check_convention(
    name: &str,
    convention: &Convention<'_>,
    at: Location,
    out: &mut Vec<Diagnostic>,
) {
    let columns = convention.columns.as_deref();
    let fits_one = convention.kinds.iter().any(|kind| {
        templates(kind, convention.table, columns)
            .iter()
            .any(|template| fits(template, name))
    });
    if fits_one {
        return;
    }
    // A prefix allows a name with and without words after the table: suggest the one that fits
    // what the object is (a primary key has no words).
    let mut candidates = templates(convention.kinds[0], convention.table, columns);
    let wanted = candidates
        .iter()
        .position(|template| template.contains("{what}") != convention.what.is_empty())
        .unwrap_or(0);
    let what = match convention.what.as_str() {
        "" => "<what>",
        what => what,
    };
    let suggestion = candidates.swap_remove(wanted).replace("{what}", what);
    let expected: Vec<String> = convention
        .kinds
        .iter()
        .map(|kind| shown(kind, convention.table, columns))
        .collect();
    out.push(
        Diagnostic::new(
            CheckId::NamingConvention,
            at,
            format!(
                "`{name}` does not follow the naming convention {}: conventional names say what they are and where they live",
                expected.join(" or ")
            ),
        )
        .help(format!("`{suggestion}`")),
    );
}

fn check_length(name: &str, at: Location, out: &mut Vec<Diagnostic>) {
    if name.len() > MAX_IDENTIFIER_BYTES {
        out.push(
            Diagnostic::new(
                CheckId::IdentifierTooLong,
                at,
                format!(
                    "`{name}` is {} bytes long: PostgreSQL silently truncates identifiers to {MAX_IDENTIFIER_BYTES} bytes, so the object would answer to another name",
                    name.len()
                ),
            )
            .help(format!("shorten it to at most {MAX_IDENTIFIER_BYTES} bytes")),
        );
    }
}

/// `HTTPServer` → `http_server`, `userId` → `user_id`, `user-name` → `user_name`, `Größe` →
/// `groesse`; `None` when a letter has no ASCII spelling here (a separator is never suggested for
/// a letter).
fn snake_case(name: &str) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphabetic() && !c.is_ascii() {
            let lower: String = c.to_lowercase().collect();
            let ascii = latin_letter(&lower)?;
            if c.is_uppercase() && i > 0 && chars[i - 1].is_lowercase() && !out.ends_with('_') {
                out.push('_');
            }
            out.push_str(ascii);
            continue;
        }
        if c.is_uppercase() {
            let after_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let acronym_end = i > 0
                && chars[i - 1].is_uppercase()
                && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if (after_lower || acronym_end) && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    Some(out)
}

/// The plain spelling of a lowercase Latin letter with a diacritic, as German, French, Spanish
/// and the Nordic languages write it without one.
fn latin_letter(letter: &str) -> Option<&'static str> {
    const LETTERS: &[(&str, &str)] = &[
        ("àáâãå", "a"),
        ("ä", "ae"),
        ("æ", "ae"),
        ("ç", "c"),
        ("èéêë", "e"),
        ("ìíîï", "i"),
        ("ñ", "n"),
        ("òóôõø", "o"),
        ("ö", "oe"),
        ("œ", "oe"),
        ("ùúû", "u"),
        ("ü", "ue"),
        ("ýÿ", "y"),
        ("ß", "ss"),
    ];
    LETTERS
        .iter()
        .find(|(letters, _)| letters.contains(letter))
        .map(|(_, ascii)| *ascii)
}
