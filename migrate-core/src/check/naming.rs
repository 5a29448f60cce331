//! Naming: explicit names that follow the convention, fit PostgreSQL's limit, and are lower
//! snake_case; and well-formed migration ids.
//!
//! Only names an `upgrade` creates are held to the convention: a downgrade re-creates objects as
//! they were, and a legacy object keeps its legacy name. Length is checked everywhere, because
//! PostgreSQL silently truncates a longer name and the object then answers to another one.

use super::MigrationDef;
use crate::diagnostic::{CheckId, Diagnostic, Location, Part, Section};
use crate::model::{Op, Text};

/// PostgreSQL's NAMEDATALEN - 1: longer identifiers are truncated, by bytes, with only a NOTICE.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// The prefixes of conventional names: `<prefix>_<table>_<what>`.
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
    /// `(prefixes, table, suggested suffix)` for indexes and constraints.
    convention: Option<(Vec<&'a str>, &'a str, String)>,
}

fn created_names<'a>(op: &'a Op, naming: &'a super::NamingConvention) -> Vec<Created<'a>> {
    let plain = |name: &'a Text, part| Created {
        name,
        part,
        convention: None,
    };
    let conventional =
        |name: &'a Text, prefixes: Vec<&'a str>, table: &'a Text, what: String| Created {
            name,
            part: Part::Name,
            convention: Some((prefixes, table, what)),
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
                    String::new(),
                ));
            }
            names
        }
        Op::AddColumn { column, .. } => vec![plain(&column.name, Part::Column(0))],
        Op::RenameTable { to, .. } | Op::RenameColumn { to, .. } => vec![plain(to, Part::Name)],
        Op::CreateIndex(index) => {
            let mut prefixes = vec![naming.index.as_str()];
            if index.unique {
                prefixes.push(&naming.unique);
            }
            vec![conventional(
                &index.name,
                prefixes,
                &index.table,
                index.columns.join("_"),
            )]
        }
        Op::AddForeignKey(fk) => vec![conventional(
            &fk.name,
            vec![&naming.foreign_key],
            &fk.table,
            fk.columns.join("_"),
        )],
        Op::AddCheck(check) => vec![conventional(
            &check.name,
            vec![&naming.check],
            &check.table,
            "<what>".to_owned(),
        )],
        Op::AddUnique(unique) => vec![conventional(
            &unique.name,
            vec![&naming.unique],
            &unique.table,
            unique.columns.join("_"),
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
            if let Some((prefixes, table, what)) = created.convention {
                let fits = prefixes.iter().any(|prefix| {
                    created.name == format!("{prefix}_{table}")
                        || created.name.starts_with(&format!("{prefix}_{table}_"))
                });
                if !fits {
                    let suggestion = if what.is_empty() {
                        format!("{}_{table}", prefixes[0])
                    } else {
                        format!("{}_{table}_{what}", prefixes[0])
                    };
                    out.push(
                        Diagnostic::new(
                            CheckId::NamingConvention,
                            at,
                            format!(
                                "`{}` does not follow the naming convention {}: conventional names say what they are and where they live",
                                created.name,
                                prefixes
                                    .iter()
                                    .map(|prefix| format!("`{prefix}_{table}_…`"))
                                    .collect::<Vec<_>>()
                                    .join(" or ")
                            ),
                        )
                        .help(format!("`{suggestion}`")),
                    );
                }
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
