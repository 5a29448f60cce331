//! The checks' settings, read from the `Cargo.toml` of the crate that invokes the macro:
//!
//! ```toml
//! [package.metadata.migrate]
//! targets = ["postgres", "mysql"]   # the backends the migrations must run on: MySQL's rules apply
//! pedantic = true                   # the style lints (off by default)
//!
//! [package.metadata.migrate.naming]
//! index = "idx"          # prefixes of conventional names: `<prefix>_<table>_<what>`
//! unique = "uq"
//! foreign_key = "fk"
//! check = "ck"
//! primary_key = "{table}_pkey"   # or a pattern: {table}, {columns}, {what}
//! ```
//!
//! Cargo rebuilds a crate when its `Cargo.toml` changes, so a changed convention re-checks every
//! migration.

use migrate_core::check::{Config, NamingConvention};
use migrate_core::render::Dialect;

const KEYS: &[&str] = &["index", "unique", "foreign_key", "check", "primary_key"];

/// The settings of the crate being compiled; defaults when it sets none.
pub(crate) fn load() -> Result<Config, String> {
    let Ok(dir) = std::env::var("CARGO_MANIFEST_DIR") else {
        return Ok(Config::default());
    };
    let path = std::path::Path::new(&dir).join("Cargo.toml");
    let Ok(manifest) = std::fs::read_to_string(&path) else {
        return Ok(Config::default());
    };
    parse(&manifest).map_err(|error| format!("{}: {error}", path.display()))
}

/// `package.metadata.migrate.dir`: the folder of the migration files, relative to the crate's
/// root, when the crate sets one.
pub(crate) fn migrations_dir() -> Result<Option<String>, String> {
    metadata_string("dir", "\"src/migrations\"")
}

/// `package.metadata.migrate.schema`: the backend whose diesel `schema` module `migrations!()`
/// emits (`"postgres"` or `"sqlite"`), when the crate asks for one.
pub(crate) fn schema_backend() -> Result<Option<String>, String> {
    metadata_string("schema", "\"postgres\"")
}

/// The diesel schema module names the `diesel` crate: the crate being compiled must depend on it.
pub(crate) fn depends_on_diesel(backend: &str) -> Result<(), String> {
    let Ok(dir) = std::env::var("CARGO_MANIFEST_DIR") else {
        return Ok(());
    };
    let path = std::path::Path::new(&dir).join("Cargo.toml");
    let Ok(manifest) = std::fs::read_to_string(&path) else {
        return Ok(());
    };
    let manifest: toml::Table = manifest.parse().map_err(|error| format!("{error}"))?;
    let depends = ["dependencies", "dev-dependencies"].iter().any(|section| {
        manifest
            .get(*section)
            .and_then(|deps| deps.as_table())
            .is_some_and(|deps| deps.contains_key("diesel"))
    });
    match depends {
        true => Ok(()),
        false => Err(format!(
            "the diesel `schema` module (`package.metadata.migrate.schema`) uses diesel's macros, which name the `diesel` crate: add it to [dependencies] in {}:\n\n    diesel = {{ version = \"2\", features = [\"{backend}\"] }}",
            path.display()
        )),
    }
}

/// A string under `package.metadata.migrate` of the crate being compiled.
fn metadata_string(key: &str, example: &str) -> Result<Option<String>, String> {
    let Ok(dir) = std::env::var("CARGO_MANIFEST_DIR") else {
        return Ok(None);
    };
    let path = std::path::Path::new(&dir).join("Cargo.toml");
    let Ok(manifest) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let manifest: toml::Table = manifest
        .parse()
        .map_err(|error| format!("{}: {error}", path.display()))?;
    let value = manifest
        .get("package")
        .and_then(|package| package.get("metadata"))
        .and_then(|metadata| metadata.get("migrate"))
        .and_then(|migrate| migrate.get(key));
    match value {
        None => Ok(None),
        Some(toml::Value::String(value)) => Ok(Some(value.clone())),
        Some(_) => Err(format!(
            "{}: `package.metadata.migrate.{key}` must be a string, e.g. {example}",
            path.display()
        )),
    }
}

/// `targets = ["postgres", "mysql"]`, or the same names in one string separated by commas (the
/// inline form's `#![targets = "postgres, mysql"]`).
pub(crate) fn targets(value: &toml::Value) -> Result<Vec<Dialect>, String> {
    let names: Vec<String> = match value {
        toml::Value::String(names) => names
            .split(',')
            .map(|name| name.trim().to_owned())
            .collect(),
        toml::Value::Array(items) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or(TARGETS_EXAMPLE)?,
        _ => return Err(TARGETS_EXAMPLE.to_owned()),
    };
    names
        .iter()
        .map(|name| {
            Dialect::from_name(name).ok_or_else(|| {
                format!("unknown target {name:?}: expected \"postgres\", \"sqlite\" or \"mysql\"")
            })
        })
        .collect()
}

const TARGETS_EXAMPLE: &str =
    "`package.metadata.migrate.targets` must be a list of backends, e.g. [\"postgres\", \"mysql\"]";

/// The settings in a `Cargo.toml` text.
pub(crate) fn parse(manifest: &str) -> Result<Config, String> {
    let manifest: toml::Table = manifest.parse().map_err(|error| format!("{error}"))?;
    let migrate = manifest
        .get("package")
        .and_then(|package| package.get("metadata"))
        .and_then(|metadata| metadata.get("migrate"));
    let naming = migrate.and_then(|migrate| migrate.get("naming"));
    let mut config = Config::default();
    if let Some(value) = migrate.and_then(|migrate| migrate.get("targets")) {
        config.targets = targets(value)?;
    }
    if let Some(value) = migrate.and_then(|migrate| migrate.get("pedantic")) {
        config.pedantic = value
            .as_bool()
            .ok_or("`package.metadata.migrate.pedantic` must be true or false")?;
    }
    let Some(naming) = naming else {
        return Ok(config);
    };
    let table = naming
        .as_table()
        .ok_or("`package.metadata.migrate.naming` must be a table")?;
    for (key, value) in table {
        let convention = value.as_str().ok_or_else(|| {
            format!("`package.metadata.migrate.naming.{key}` must be a string, e.g. \"ix\" or \"{{table}}_{{columns}}_idx\"")
        })?;
        if let Some(problem) = NamingConvention::problem(convention) {
            return Err(format!(
                "`package.metadata.migrate.naming.{key}` = {problem}"
            ));
        }
        let slot = field(&mut config.naming, key).ok_or_else(|| {
            format!(
                "unknown key `package.metadata.migrate.naming.{key}`; expected one of: {}",
                KEYS.join(", ")
            )
        })?;
        *slot = convention.to_owned();
    }
    Ok(config)
}

fn field<'a>(naming: &'a mut NamingConvention, key: &str) -> Option<&'a mut String> {
    Some(match key {
        "index" => &mut naming.index,
        "unique" => &mut naming.unique,
        "foreign_key" => &mut naming.foreign_key,
        "check" => &mut naming.check,
        "primary_key" => &mut naming.primary_key,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::parse;
    use migrate_core::render::Dialect;

    #[test]
    fn defaults_without_metadata() {
        let config = parse("[package]\nname = \"app\"\n").unwrap_or_default();
        assert_eq!(config.naming.index, "ix");
        assert_eq!(config.naming.primary_key, "pk");
    }

    #[test]
    fn reads_the_prefixes() {
        let config = parse(
            "[package]\nname = \"app\"\n[package.metadata.migrate.naming]\nindex = \"idx\"\nforeign_key = \"fkey\"\n",
        );
        let config = config.unwrap_or_default();
        assert_eq!(config.naming.index, "idx");
        assert_eq!(config.naming.foreign_key, "fkey");
        assert_eq!(config.naming.unique, "uq");
    }

    #[test]
    fn reads_the_targets() {
        let config = parse("[package.metadata.migrate]\ntargets = [\"postgres\", \"mariadb\"]\n");
        assert_eq!(
            config.map(|config| config.targets),
            Ok(vec![Dialect::Postgres, Dialect::Mysql])
        );
        let typo = parse("[package.metadata.migrate]\ntargets = [\"mysq\"]\n");
        assert_eq!(
            typo.err().as_deref(),
            Some("unknown target \"mysq\": expected \"postgres\", \"sqlite\" or \"mysql\"")
        );
    }

    #[test]
    fn refuses_unknown_keys_and_bad_prefixes() {
        let unknown = parse("[package.metadata.migrate.naming]\nindx = \"idx\"\n");
        assert_eq!(
            unknown.err().as_deref(),
            Some("unknown key `package.metadata.migrate.naming.indx`; expected one of: index, unique, foreign_key, check, primary_key")
        );
        let bad = parse("[package.metadata.migrate.naming]\nindex = \"IX\"\n");
        assert_eq!(
            bad.err().as_deref(),
            Some("`package.metadata.migrate.naming.index` = \"IX\" must be a lower snake_case prefix, or a pattern of lower snake_case and placeholders such as \"{table}_{columns}_idx\"")
        );
        let placeholder = parse("[package.metadata.migrate.naming]\nindex = \"{tbl}_idx\"\n");
        assert_eq!(
            placeholder.err().as_deref(),
            Some("`package.metadata.migrate.naming.index` = \"{tbl}_idx\" has the unknown placeholder `{tbl}`; the placeholders are {table}, {columns}, {what}")
        );
    }

    #[test]
    fn reads_pedantic() {
        assert!(
            !parse("[package]\nname = \"app\"\n")
                .unwrap_or_default()
                .pedantic
        );
        let on = parse("[package.metadata.migrate]\npedantic = true\n").unwrap_or_default();
        assert!(on.pedantic);
        let bad = parse("[package.metadata.migrate]\npedantic = \"yes\"\n");
        assert_eq!(
            bad.err().as_deref(),
            Some("`package.metadata.migrate.pedantic` must be true or false")
        );
    }

    #[test]
    fn reads_patterns() {
        let config = parse(
            "[package.metadata.migrate.naming]\nprimary_key = \"{table}_pkey\"\nindex = \"{table}_{columns}_idx\"\n",
        )
        .unwrap_or_default();
        assert_eq!(config.naming.primary_key, "{table}_pkey");
        assert_eq!(config.naming.index, "{table}_{columns}_idx");
    }
}
