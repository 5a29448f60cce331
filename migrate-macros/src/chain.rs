//! `migrations!()`: the token of a set of migrations, the discovery of their files, and the
//! checks that need the whole chain.
//!
//! Called with no input, it looks for the migration files in a folder (`migrations/` among the
//! invoking file's child modules, or `package.metadata.migrate.dir`), reads and checks each, and
//! folds the chain they form: the graph (duplicate ids, unknown parents, cycles) and the rules of
//! `migrate_core::fold` become compile errors naming the file and line. A file that holds only a
//! clean migration is emitted as bytes in the token (see `migrate_runtime::Registration`): most of
//! the cost of a long chain in the edit–compile loop was rustc expanding, type-checking and
//! registering one typed constant per file. A file with errors, a Rust data step or other items
//! is declared as a module as any Rust file is, so its own `migration!` reports its errors at its
//! tokens and its functions compile. Called with `mod` items, it folds the migrations written
//! inline in them instead, and points its errors at their tokens. Each `migration!` still checks
//! itself; this macro reports only what the chain adds.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use migrate_core::check::check;
use migrate_core::diagnostic::{did_you_mean, Diagnostic, Location, Part, Section};
use migrate_core::graph::GraphError;
use migrate_core::model::{encoding, Migration};
use migrate_core::render::Dialect;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};

use crate::cache::{Cache, Checked};
use crate::ctxt::Ctxt;

pub(crate) fn migrations(input: TokenStream) -> TokenStream {
    let mut errors: Vec<syn::Error> = Vec::new();
    let mut inline_backend = None;
    let mut inline_targets = None;
    // `migration!` reports a malformed configuration; the chain goes on with the defaults.
    let loaded = crate::config::load();
    let config_read = loaded.is_ok();
    let mut config = loaded.unwrap_or_default();
    let mut cache = Cache::default();
    let (mut modules, sources) = if input.is_empty() {
        if config_read {
            cache = Cache::load(&format!("{config:?}"));
        }
        match discover(&cache) {
            Ok(found) => (TokenStream::new(), found),
            Err(error) => {
                errors.push(error);
                (TokenStream::new(), Vec::new())
            }
        }
    } else {
        match syn::parse2::<syn::File>(input) {
            Ok(file) => {
                match inline_settings(&file.attrs) {
                    Ok((backend, targets, pedantic)) => {
                        (inline_backend, inline_targets) = (backend, targets);
                        config.pedantic |= pedantic;
                    }
                    Err(error) => errors.push(error),
                }
                let items = &file.items;
                (quote!(#(#items)*), vec![Source::Inline(file.items)])
            }
            Err(error) => return error.to_compile_error(),
        }
    };
    if let Some(targets) = inline_targets {
        config.targets = targets;
    }
    let mut entries = Vec::new();
    let mut complete = true;
    for source in &sources {
        if let Source::File {
            cached: Some(cached),
            ..
        } = source
        {
            let (migration, checked) = &**cached;
            entries.push(Entry {
                migration: migration.clone(),
                local: Vec::new(),
                waivers: checked.waivers.clone(),
                cx: Ctxt::default(),
                source,
                compact: true,
            });
            continue;
        }
        let (found, whole) = source.migration_macros();
        complete &= whole;
        if let Source::File { path, items, .. } = source {
            if items.is_some() && found.len() != 1 {
                errors.push(syn::Error::new(
                    Span::call_site(),
                    format!(
                        "{} holds {} `migration!`: each file of the migrations folder declares exactly one migration; move other code out of the folder",
                        display(path),
                        found.len()
                    ),
                ));
                complete = false;
                continue;
            }
        }
        for tokens in found {
            let mut cx = Ctxt::default();
            match crate::parse::migration(&mut cx, tokens) {
                Some(def) if !cx.has_errors() => {
                    let waivers = def.waivers.clone();
                    let (migration, local) = check(def, &config);
                    let compact = config_read && compact(source, &local, &cx);
                    entries.push(Entry {
                        migration,
                        local,
                        waivers,
                        cx,
                        source,
                        compact,
                    });
                }
                // The migration reports its own errors; the chain is not whole without it.
                _ => complete = false,
            }
        }
    }
    if complete {
        report_chain(&mut entries, &config.targets, config.pedantic);
    }
    let clean = complete && errors.is_empty() && entries.iter().all(|e| !e.cx.has_errors());
    let backend = match inline_backend {
        Some(backend) => Ok(Some(backend)),
        None => crate::config::schema_backend(),
    };
    let schema = match backend {
        Ok(Some(backend)) if clean => diesel_module(&backend, &entries),
        Ok(_) => TokenStream::new(),
        Err(error) => syn::Error::new(Span::call_site(), error).to_compile_error(),
    };
    // The chain is proven: what a version table at head reads as is known now, so the runtime's
    // start-up decodes nothing when the database has it (and checks that no other registration
    // joined the set).
    let compiled_lines = match clean && !entries.is_empty() {
        true => {
            let lines = migrate_core::checksum::applied_set_lines(entries.iter().map(|entry| {
                (
                    entry.migration.id.as_ref(),
                    entry.migration.checksum.as_ref(),
                )
            }));
            quote!(::core::option::Option::Some(#lines))
        }
        false => quote!(::core::option::Option::None),
    };
    let embedded = embed(&sources, &entries, cache, &mut modules);
    let names = config.targets.iter().map(|target| target.name());
    let token = quote! {
        #embedded
        /// Every migration registered in this module and below; pass it to `Migrator::new`.
        pub static MIGRATIONS: ::migrate_runtime::Migrations = ::migrate_runtime::Migrations::__new(
            ::core::module_path!(),
            &[#(#names),*],
            &__MIGRATE_REGISTRATIONS,
            #compiled_lines,
        );
    };
    let mut out: TokenStream = errors.iter().map(syn::Error::to_compile_error).collect();
    // Each `extend` is a call into the compiler: only for the entries that have something to say.
    for entry in entries.into_iter().filter(|entry| entry.cx.has_errors()) {
        out.extend(entry.cx.into_compile_errors());
    }
    quote!(#out #modules #token #schema)
}

/// The statics of the files emitted as bytes and the array of their registrations; the module
/// declarations of the others go to `modules`. What was checked is kept in `cache` for the next
/// build.
///
/// The statics are written as text and lexed once by rustc: a thousand of them built token by
/// token with `quote!` would cost more than everything else this macro does.
fn embed(
    sources: &[Source],
    entries: &[Entry<'_>],
    mut cache: Cache,
    modules: &mut TokenStream,
) -> TokenStream {
    let mut embedded = String::new();
    let (mut registrations, mut count) = (String::new(), 0);
    let by_source: std::collections::HashMap<*const Source, &Entry<'_>> = entries
        .iter()
        .map(|entry| (std::ptr::from_ref(entry.source), entry))
        .collect();
    for source in sources {
        let Source::File {
            path, text, cached, ..
        } = source
        else {
            continue;
        };
        match by_source.get(&std::ptr::from_ref(source)) {
            Some(entry) if entry.compact => {
                let bytes = match cached {
                    Some(cached) => cached.1.bytes.clone(),
                    None => encoding::encode(&entry.migration),
                };
                // One static per file: an edit changes one item, which is all rustc checks again.
                // Cargo sees the edit through the build script that watches the folder (see
                // `require_build_script`).
                let name = format!("__MIGRATE_{}", module_name(path).to_string().to_uppercase());
                let _ = writeln!(
                    embedded,
                    "static {name}: ::migrate_runtime::__private::Encoded = ::migrate_runtime::__private::Encoded::new({});",
                    byte_string(&bytes),
                );
                let _ = write!(
                    registrations,
                    "::migrate_runtime::__private::Registration::encoded(&{name}, ::core::module_path!()),"
                );
                count += 1;
                cache.keep(
                    path,
                    Checked {
                        text: text.clone(),
                        bytes,
                        waivers: entry.waivers.clone(),
                    },
                );
            }
            _ => modules.extend(module_declaration(path)),
        }
    }
    cache.save();
    let _ = write!(
        embedded,
        "static __MIGRATE_REGISTRATIONS: [::migrate_runtime::__private::Registration; {}] = [{registrations}];",
        count
    );
    // rustc's own lexer: proc_macro2's `parse` lexes the text once more by itself first.
    match embedded.parse::<proc_macro::TokenStream>() {
        Ok(tokens) => tokens.into(),
        Err(error) => syn::Error::new(
            Span::call_site(),
            format!("the embedded migrations do not lex: {error}"),
        )
        .to_compile_error(),
    }
}

/// `b"…"`, printable ASCII as itself.
fn byte_string(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push_str("b\"");
    for &byte in bytes {
        match byte {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(char::from(byte));
            }
            b' '..=b'~' => out.push(char::from(byte)),
            _ => {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
    }
    out.push('"');
    out
}

/// `#[path = "…"] mod name;` for a file of the migrations folder.
fn module_declaration(path: &Path) -> TokenStream {
    let name = module_name(path);
    let literal = path.display().to_string();
    quote! {
        #[path = #literal]
        mod #name;
    }
}

/// The settings at the top of an inline set, as `package.metadata.migrate` gives them for a
/// crate: `#![schema = "postgres"]`, the backend of its diesel module, and
/// `#![targets = "postgres, mysql"]`, the backends its migrations must run on, and
/// `#![pedantic]`, the style lints.
type InlineSettings = (
    Option<String>,
    Option<Vec<migrate_core::render::Dialect>>,
    bool,
);

fn inline_settings(attrs: &[syn::Attribute]) -> Result<InlineSettings, syn::Error> {
    const EXPECTED: &str = "expected `#![schema = \"postgres\"]` (the backend of the diesel `schema` module), `#![targets = \"postgres, mysql\"]` (the backends the migrations must run on) or `#![pedantic]` (the style lints)";
    let (mut backend, mut targets, mut pedantic) = (None, None, false);
    for attr in attrs {
        if attr.path().is_ident("pedantic") && matches!(attr.meta, syn::Meta::Path(_)) {
            pedantic = true;
            continue;
        }
        let syn::Meta::NameValue(pair) = &attr.meta else {
            return Err(syn::Error::new_spanned(attr, EXPECTED));
        };
        let value = match &pair.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(value),
                ..
            }) => value,
            other => return Err(syn::Error::new_spanned(other, "expected a string")),
        };
        if pair.path.is_ident("schema") {
            backend = Some(value.value());
        } else if pair.path.is_ident("targets") {
            let names = toml::Value::String(value.value());
            targets = Some(
                crate::config::targets(&names)
                    .map_err(|message| syn::Error::new_spanned(value, message))?,
            );
        } else {
            return Err(syn::Error::new_spanned(&pair.path, EXPECTED));
        }
    }
    Ok((backend, targets, pedantic))
}

/// `pub mod schema`: the diesel `table!`s of the schema the chain builds, as `diesel
/// print-schema` writes them. diesel's macros name the `diesel` crate, so the crate depends on it
/// as any crate with a diesel schema does; the macro says so instead of rustc's unresolved paths.
fn diesel_module(backend: &str, entries: &[Entry<'_>]) -> TokenStream {
    let dialect = match migrate_core::render::Dialect::from_name(backend) {
        Some(dialect @ (Dialect::Postgres | Dialect::Sqlite)) => dialect,
        Some(Dialect::Mysql) => {
            return syn::Error::new(
                Span::call_site(),
                "`package.metadata.migrate.schema` = \"mysql\": the diesel `schema` module is generated for \"postgres\" or \"sqlite\" only, so far; on MySQL, run `diesel print-schema` against a migrated database",
            )
            .to_compile_error()
        }
        None => {
            return syn::Error::new(
                Span::call_site(),
                format!("`package.metadata.migrate.schema` = {backend:?}: expected \"postgres\" or \"sqlite\""),
            )
            .to_compile_error()
        }
    };
    if let Err(message) = crate::config::depends_on_diesel(dialect.name()) {
        return syn::Error::new(Span::call_site(), message).to_compile_error();
    }
    let migrations: Vec<&Migration> = entries.iter().map(|entry| &entry.migration).collect();
    let Ok(schema) = migrate_core::fold::schema(&migrations, None) else {
        return TokenStream::new();
    };
    let text = migrate_core::render::diesel_schema(&schema, dialect);
    match text.parse::<TokenStream>() {
        Ok(tokens) => quote! {
            /// The diesel schema the migrations build, as `diesel print-schema` would print it
            /// for a database migrated to head; generated by `migrations!()`.
            #[allow(missing_docs)]
            pub mod schema {
                #tokens
            }
        },
        Err(error) => syn::Error::new(
            Span::call_site(),
            format!("the generated diesel schema does not parse: {error}"),
        )
        .to_compile_error(),
    }
}

/// Where migrations come from: a discovered file, or items written inside the macro call.
enum Source {
    File {
        path: PathBuf,
        text: String,
        /// `None` when the file does not parse, or was not parsed because it is `cached`.
        items: Option<Vec<syn::Item>>,
        /// The migration checked at an earlier build from the same text.
        cached: Option<Box<(Migration, Checked)>>,
    },
    Inline(Vec<syn::Item>),
}

impl Source {
    /// The bodies of the `migration!` invocations among the items and inside their modules, and
    /// whether that is all of them: another macro may expand to migrations this one cannot see.
    fn migration_macros(&self) -> (Vec<TokenStream>, bool) {
        fn walk(items: &[syn::Item], found: &mut Vec<TokenStream>) -> bool {
            let mut whole = true;
            for item in items {
                match item {
                    syn::Item::Macro(item) => {
                        let name = item.mac.path.segments.last().map(|s| s.ident.to_string());
                        match name.as_deref() {
                            Some("migration") => found.push(item.mac.tokens.clone()),
                            _ => whole = false,
                        }
                    }
                    syn::Item::Mod(module) => {
                        if let Some((_, items)) = &module.content {
                            whole &= walk(items, found);
                        }
                    }
                    _ => {}
                }
            }
            whole
        }
        let mut found = Vec::new();
        let whole = match self {
            Source::File {
                items: Some(items), ..
            }
            | Source::Inline(items) => walk(items, &mut found),
            Source::File { items: None, .. } => return (found, false),
        };
        (found, whole)
    }
}

/// One migration of the chain, with the tokens its parts came from.
struct Entry<'a> {
    migration: Migration,
    /// What the migration's own `migration!` reports; the chain does not repeat it.
    local: Vec<Diagnostic>,
    /// Its `#[allow(…)]`s, which silence the chain's reports of the same rules on the same op.
    waivers: Vec<migrate_core::check::Waiver>,
    cx: Ctxt,
    source: &'a Source,
    /// Emitted as bytes, its file not compiled (see [`compact`]).
    compact: bool,
}

/// Whether a migration can be emitted as bytes instead of its file compiled as a module: it is
/// clean (its own `migration!` would report nothing), has no Rust step to link, and its file
/// holds nothing else the program could name (`use` items only serve the file).
fn compact(source: &Source, local: &[Diagnostic], cx: &Ctxt) -> bool {
    let Source::File {
        items: Some(items), ..
    } = source
    else {
        return false;
    };
    local.is_empty()
        && cx.rust_steps.is_empty()
        && items.iter().all(|item| match item {
            syn::Item::Macro(item) => item
                .mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "migration"),
            item => matches!(item, syn::Item::Use(_)),
        })
}

impl Entry<'_> {
    /// Reports `diagnostic` at the migration's tokens, or, for a discovered file, at the call of
    /// `migrations!()` with the file and line in the message.
    fn report(&mut self, diagnostic: &Diagnostic) {
        match self.source {
            Source::Inline(_) => self.cx.diagnostic(diagnostic),
            Source::File { path, text, .. } => {
                let line = text
                    .find("migration!")
                    .map_or(1, |at| text[..at].matches('\n').count() + 1);
                let op = match diagnostic.at.section {
                    Section::Upgrade(index) => self
                        .migration
                        .upgrade
                        .get(index)
                        .map(|op| format!(", op {} `{op}`", index + 1))
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                self.cx.error(syn::Error::new(
                    Span::call_site(),
                    format!(
                        "{}:{line}: migration {}{op}: {diagnostic}",
                        display(path),
                        self.migration.id
                    ),
                ));
            }
        }
    }
}

/// Reports the graph's errors, or the fold's problems that no migration reports on its own.
fn report_chain(
    entries: &mut [Entry<'_>],
    targets: &[migrate_core::render::Dialect],
    pedantic: bool,
) {
    let migrations: Vec<&Migration> = entries.iter().map(|entry| &entry.migration).collect();
    let problems = match migrate_core::fold::fold_with(&migrations, targets, pedantic) {
        Ok(problems) => problems,
        Err(graph_errors) => {
            let files: Vec<(String, Option<String>)> = entries
                .iter()
                .map(|entry| {
                    let file = match entry.source {
                        Source::File { path, .. } => Some(display(path)),
                        Source::Inline(_) => None,
                    };
                    (entry.migration.id.to_string(), file)
                })
                .collect();
            for error in graph_errors {
                let (id, diagnostic) = graph_diagnostic(&error, &files);
                for entry in entries.iter_mut().filter(|entry| entry.migration.id == id) {
                    entry.report(&diagnostic);
                }
            }
            return;
        }
    };
    for problem in problems {
        let Some(entry) = entries
            .iter_mut()
            .find(|entry| entry.migration.id == problem.migration.as_str())
        else {
            continue;
        };
        let reported_locally = entry.local.iter().any(|local| {
            local.at.section == problem.diagnostic.at.section
                && same_rule(local.check, problem.diagnostic.check)
        });
        let waived = problem.diagnostic.check.is_waivable()
            && entry.waivers.iter().any(|waiver| {
                waiver.section == problem.diagnostic.at.section
                    && waiver.checks.contains(&problem.diagnostic.check)
            });
        if !reported_locally && !waived {
            entry.report(&problem.diagnostic);
        }
    }
}

/// Whether a migration's own report and the chain's are the same finding: the chain's rules for
/// unknown objects, names taken and recorded definitions are the migration's, across migrations.
fn same_rule(local: migrate_core::CheckId, chain: migrate_core::CheckId) -> bool {
    use migrate_core::CheckId::*;
    local == chain
        || matches!(
            (local, chain),
            (UnknownReference, UnknownInChain)
                | (DuplicateName, DuplicateInChain)
                | (DowngradeNotInverse, DefinitionMismatch)
        )
}

/// A graph error as a diagnostic of the migration it is about; `files` are the set's ids, each
/// with the file it was found in (`None` for a migration written inline).
fn graph_diagnostic(
    error: &GraphError,
    files: &[(String, Option<String>)],
) -> (String, Diagnostic) {
    use migrate_core::CheckId;
    let at = |section| Location::new(section, Part::Whole);
    let ids: Vec<String> = files.iter().map(|(id, _)| id.clone()).collect();
    // What to delete: the files of the migrations, or the migrations themselves when inline.
    let to_delete = |replaced: &[String]| -> String {
        let named: Vec<String> = replaced
            .iter()
            .map(|id| {
                match files
                    .iter()
                    .find(|(known, _)| known == id)
                    .and_then(|(_, file)| file.clone())
                {
                    Some(file) => file,
                    None => format!("migration {id:?}"),
                }
            })
            .collect();
        named.join(", ")
    };
    match error {
        GraphError::DuplicateId(id) => (
            id.clone(),
            Diagnostic::new(CheckId::DuplicateId, at(Section::Id), format!("two migrations have the id {id:?}"))
                .help("give one of them a new id, and make its children name it"),
        ),
        GraphError::UnknownParent { id, parent } => {
            let candidates: Vec<&str> = ids.iter().map(String::as_str).collect();
            let help = match did_you_mean(parent, &candidates) {
                Some(close) => format!("did you mean {close:?}?"),
                None => "name one of the migrations of this set; `migrate heads` lists the ones nothing builds on yet".to_owned(),
            };
            (
                id.clone(),
                Diagnostic::new(
                    CheckId::UnknownParent,
                    at(Section::Parents),
                    format!("parent {parent:?} is not a migration of this set"),
                )
                .help(help),
            )
        }
        GraphError::Cycle(cycle) => (
            cycle.first().cloned().unwrap_or_default(),
            Diagnostic::new(
                CheckId::ParentCycle,
                at(Section::Parents),
                format!("these migrations are each other's ancestors: {}", cycle.join(" -> ")),
            )
            .help("a migration's parents must all be older than it: fix the `parent:` that points forward"),
        ),
        GraphError::ReplacedPresent { id, replaced } => (
            id.clone(),
            Diagnostic::new(
                CheckId::ReplacedStillPresent,
                at(Section::Replaces),
                format!(
                    "this migration replaces {}, which this set still holds: a database would run both",
                    replaced.iter().map(|id| format!("{id:?}")).collect::<Vec<_>>().join(", ")
                ),
            )
            .help(format!(
                "delete {} (`migrate squash` does): this migration stands for them, and their children's parents now mean it; a database part-way through them must be upgraded by a build that still has them before this one is deployed",
                to_delete(replaced)
            )),
        ),
        GraphError::ReplacedTwice { replaced, by } => (
            by.last().cloned().unwrap_or_default(),
            Diagnostic::new(
                CheckId::ReplacedTwice,
                at(Section::Replaces),
                format!(
                    "{replaced:?} is replaced by {}: a database that applied it could not tell which one it counts as",
                    by.iter().map(|id| format!("{id:?}")).collect::<Vec<_>>().join(" and ")
                ),
            )
            .help(format!(
                "keep one squash of it and delete {}",
                to_delete(&by[..by.len().saturating_sub(1)])
            )),
        ),
    }
}

/// The files of the migrations folder, read and parsed; nothing when the folder does not exist
/// and no `package.metadata.migrate.dir` asks for one.
fn discover(cache: &Cache) -> Result<Vec<Source>, syn::Error> {
    let error = |message: String| syn::Error::new(Span::call_site(), message);
    let configured = crate::config::migrations_dir().map_err(error)?;
    let crate_root = std::env::var("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let invoking = proc_macro::Span::call_site()
        .local_file()
        .map(|file| std::env::current_dir().unwrap_or_default().join(file));
    let dir = match (&configured, &invoking) {
        (Some(dir), _) => crate_root.join(dir),
        (None, Some(file)) => default_dir(file),
        (None, None) => return Ok(Vec::new()),
    };
    let listing = match std::fs::read_dir(&dir) {
        Ok(listing) => listing,
        Err(_) if configured.is_none() => return Ok(Vec::new()),
        Err(cause) => {
            return Err(error(format!(
                "cannot read the migrations folder {} (`package.metadata.migrate.dir`): {cause}",
                display(&dir)
            )))
        }
    };
    let mut paths: Vec<PathBuf> = listing
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .filter(|path| Some(path) != invoking.as_ref())
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    require_build_script(&crate_root, &dir)?;
    let mut sources = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path)
            .map_err(|cause| error(format!("cannot read {}: {cause}", display(&path))))?;
        // A file that does not parse is reported by rustc when it loads the module; the chain is
        // not whole without it.
        let cached = cache.get(&path, &text).map(Box::new);
        let items = match cached {
            Some(_) => None,
            None => syn::parse_file(&text).map(|file| file.items).ok(),
        };
        sources.push(Source::File {
            path,
            text,
            items,
            cached,
        });
    }
    Ok(sources)
}

/// The `migrations/` folder among the invoking file's child modules: `src/migrations/` for
/// `src/lib.rs`, `src/db/migrations/` for `src/db.rs` or `src/db/mod.rs`.
fn default_dir(file: &Path) -> PathBuf {
    let parent = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let modules = match file.file_stem().and_then(|stem| stem.to_str()) {
        Some("lib" | "main" | "mod") | None => parent,
        Some(stem) => parent.join(stem),
    };
    modules.join("migrations")
}

/// Cargo rebuilds a crate when a file it compiled changes, but neither when a file appears in a
/// folder nor when a file it never compiled changes (the embedded migrations): only a build script
/// watching the folder makes a new or edited migration rebuild the crate.
fn require_build_script(crate_root: &Path, dir: &Path) -> Result<(), syn::Error> {
    let relative = dir
        .strip_prefix(crate_root)
        .unwrap_or(dir)
        .display()
        .to_string();
    let snippet = format!(
        "add `build.rs` beside Cargo.toml:\n\n    fn main() {{\n        println!(\"cargo:rerun-if-changed={relative}\");\n    }}"
    );
    if std::env::var_os("OUT_DIR").is_none() {
        return Err(syn::Error::new(
            Span::call_site(),
            format!("`migrations!()` found migration files in {relative}, but cargo will not rebuild this crate when one is added there: {snippet}"),
        ));
    }
    let script = std::fs::read_to_string(crate_root.join("build.rs")).unwrap_or_default();
    // Any `rerun-if-…` line replaces cargo's default of re-running on every change in the crate.
    if script.contains("rerun-if") && !script.contains(&relative) {
        return Err(syn::Error::new(
            Span::call_site(),
            format!("build.rs tells cargo when to re-run it (`rerun-if-…`) but does not watch the migrations folder, so a new or edited migration would not rebuild this crate: add\n\n    println!(\"cargo:rerun-if-changed={relative}\");"),
        ));
    }
    Ok(())
}

/// The module name of a migration file: its stem, made a Rust identifier.
fn module_name(path: &Path) -> syn::Ident {
    let stem = path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or("migration");
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert(0, 'm');
    }
    format_ident!("{name}")
}

/// A path as the user knows it: relative to the crate root.
fn display(path: &Path) -> String {
    let root = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}
