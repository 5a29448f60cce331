//! The parts of a live table's `CREATE TABLE` text that a rebuild keeps and edits.
//!
//! SQLite keeps a table's definition only as the text it was created with (`ALTER TABLE ADD
//! COLUMN` edits that text in place). Which items are columns is not guessed from keywords: the
//! grammar puts every column definition before the first table constraint, and the column names
//! come from `pragma_table_xinfo`, so the text is split into tokens and the first items are
//! matched against those names. Everything the op does not change is carried over as written:
//! collations, generated clauses, inline constraints, `WITHOUT ROWID`, `STRICT`.

/// One token of SQLite's SQL: a word, a quoted identifier, a string, a parenthesised group (kept
/// whole, quotes and nesting respected) or one punctuation character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token {
    pub text: String,
    kind: Kind,
    /// Whether blanks or a comment came before it: written back as one space, so the parts of a
    /// definition that an op does not change keep their spelling (`VARCHAR(50)` stays so).
    spaced: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    QuotedIdent,
    Str,
    Group,
    Punct,
}

impl Token {
    fn is_word(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(word)
    }

    /// The identifier this token names, unquoted, when it can name one.
    fn ident(&self) -> Option<String> {
        match self.kind {
            Kind::Word => Some(self.text.clone()),
            Kind::QuotedIdent => {
                let inner = &self.text[1..self.text.len() - 1];
                Some(match self.text.as_bytes()[0] {
                    b'"' => inner.replace("\"\"", "\""),
                    b'`' => inner.replace("``", "`"),
                    _ => inner.to_owned(),
                })
            }
            // SQLite takes a string where an identifier is expected.
            Kind::Str => Some(self.text[1..self.text.len() - 1].replace("''", "'")),
            Kind::Group | Kind::Punct => None,
        }
    }
}

/// Splits SQL into tokens, skipping blanks and comments.
pub(super) fn tokens(sql: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = sql.chars().collect();
    let mut tokens = Vec::new();
    let mut at = 0;
    let mut spaced = false;
    while at < chars.len() {
        let c = chars[at];
        let start = at;
        let kind = match c {
            c if c.is_whitespace() => {
                at += 1;
                spaced = true;
                continue;
            }
            '-' if chars.get(at + 1) == Some(&'-') => {
                while at < chars.len() && chars[at] != '\n' {
                    at += 1;
                }
                spaced = true;
                continue;
            }
            '/' if chars.get(at + 1) == Some(&'*') => {
                at = find_from(&chars, at + 2, "*/")? + 2;
                spaced = true;
                continue;
            }
            '"' | '`' | '\'' | '[' => {
                at = quoted_end(&chars, at)?;
                match c {
                    '\'' => Kind::Str,
                    _ => Kind::QuotedIdent,
                }
            }
            '(' => {
                at = group_end(&chars, at)?;
                Kind::Group
            }
            c if c.is_alphanumeric() || c == '_' || c == '$' || c == '.' => {
                while at < chars.len()
                    && (chars[at].is_alphanumeric() || matches!(chars[at], '_' | '$' | '.'))
                {
                    at += 1;
                }
                Kind::Word
            }
            _ => {
                at += 1;
                Kind::Punct
            }
        };
        tokens.push(Token {
            text: chars[start..at].iter().collect(),
            kind,
            spaced: std::mem::take(&mut spaced),
        });
    }
    Ok(tokens)
}

/// `sql`'s tokens, set apart from what they follow.
fn spaced_tokens(sql: &str) -> Vec<Token> {
    let mut tokens = tokens(sql).unwrap_or_default();
    if let Some(first) = tokens.first_mut() {
        first.spaced = true;
    }
    tokens
}

fn find_from(chars: &[char], from: usize, needle: &str) -> Result<usize, String> {
    let needle: Vec<char> = needle.chars().collect();
    (from..chars.len())
        .find(|&at| chars[at..].starts_with(&needle))
        .ok_or_else(|| "an unterminated comment".to_owned())
}

/// The index just past the quoted text that opens at `start`; a doubled quote is part of it.
fn quoted_end(chars: &[char], start: usize) -> Result<usize, String> {
    let close = match chars[start] {
        '[' => ']',
        open => open,
    };
    let mut at = start + 1;
    while at < chars.len() {
        if chars[at] == close {
            if close != ']' && chars.get(at + 1) == Some(&close) {
                at += 2;
                continue;
            }
            return Ok(at + 1);
        }
        at += 1;
    }
    Err(format!("an unterminated {}", chars[start]))
}

/// The index just past the parenthesis that closes the one at `start`.
fn group_end(chars: &[char], start: usize) -> Result<usize, String> {
    let mut depth = 0usize;
    let mut at = start;
    while at < chars.len() {
        match chars[at] {
            '"' | '`' | '\'' | '[' => {
                at = quoted_end(chars, at)?;
                continue;
            }
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(at + 1);
                }
            }
            _ => {}
        }
        at += 1;
    }
    Err("an unbalanced parenthesis".to_owned())
}

fn join(tokens: &[Token]) -> String {
    let mut out = String::new();
    for (index, token) in tokens.iter().enumerate() {
        if index > 0 && token.spaced {
            out.push(' ');
        }
        out.push_str(&token.text);
    }
    out
}

/// The keywords that begin a column constraint (after the column's type).
const COLUMN_CONSTRAINT: &[&str] = &[
    "CONSTRAINT",
    "PRIMARY",
    "NOT",
    "NULL",
    "UNIQUE",
    "CHECK",
    "DEFAULT",
    "COLLATE",
    "REFERENCES",
    "GENERATED",
    "AS",
];

/// The keywords that begin a table constraint.
const TABLE_CONSTRAINT: &[&str] = &["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"];

/// A column definition: its name, then its type and constraints as tokens.
#[derive(Debug, Clone)]
pub(super) struct ColumnDef {
    pub name: String,
    tokens: Vec<Token>,
}

impl ColumnDef {
    /// Parses a column definition written as SQL, as the renderer writes one.
    pub fn parse(sql: &str) -> Result<ColumnDef, String> {
        let tokens = tokens(sql)?;
        let name = tokens
            .first()
            .and_then(Token::ident)
            .ok_or_else(|| format!("no column name in {sql:?}"))?;
        Ok(ColumnDef { name, tokens })
    }

    /// Where the type ends and the constraints begin.
    fn constraints_start(&self) -> usize {
        self.tokens
            .iter()
            .skip(1)
            .position(|token| COLUMN_CONSTRAINT.iter().any(|word| token.is_word(word)))
            .map_or(self.tokens.len(), |position| position + 1)
    }

    pub fn is_primary_key(&self) -> bool {
        let start = self.constraints_start();
        self.tokens[start..]
            .iter()
            .any(|token| token.is_word("PRIMARY"))
    }

    pub fn is_generated(&self) -> bool {
        let start = self.constraints_start();
        self.tokens[start..]
            .iter()
            .any(|token| token.is_word("GENERATED") || token.is_word("AS"))
    }

    pub fn set_type(&mut self, ty: &str) {
        let start = self.constraints_start();
        let mut replaced = vec![self.tokens[0].clone()];
        replaced.extend(spaced_tokens(ty));
        replaced.extend(self.tokens.drain(start..));
        self.tokens = replaced;
    }

    /// Removes `NOT NULL` and `NULL` constraints (with a `CONSTRAINT name` or `ON CONFLICT`
    /// clause of theirs), leaving `SET NULL` and `DEFAULT NULL` of other clauses alone.
    fn remove_nullability(&mut self) {
        let start = self.constraints_start();
        let mut at = start;
        while at < self.tokens.len() {
            let before = at.checked_sub(1).map(|index| &self.tokens[index]);
            let stands_alone = !before.is_some_and(|token| {
                token.is_word("SET") || token.is_word("DEFAULT") || token.is_word("IS")
            });
            let length = if self.tokens[at].is_word("NOT")
                && self
                    .tokens
                    .get(at + 1)
                    .is_some_and(|token| token.is_word("NULL"))
            {
                2
            } else if self.tokens[at].is_word("NULL") && stands_alone {
                1
            } else {
                at += 1;
                continue;
            };
            self.remove_constraint(start, at, length);
            at = start;
        }
    }

    /// Removes the `DEFAULT value` constraint, if any.
    fn remove_default(&mut self) {
        let start = self.constraints_start();
        let found = (start..self.tokens.len())
            .find(|&at| self.tokens[at].is_word("DEFAULT") && !self.tokens[at - 1].is_word("SET"));
        if let Some(at) = found {
            let signed = self
                .tokens
                .get(at + 1)
                .is_some_and(|token| token.text == "+" || token.text == "-");
            let length = if signed { 3 } else { 2 };
            self.remove_constraint(start, at, length.min(self.tokens.len() - at));
        }
    }

    /// Removes `length` tokens at `at`, with the `CONSTRAINT name` before them and the
    /// `ON CONFLICT resolution` after them.
    fn remove_constraint(&mut self, start: usize, mut at: usize, mut length: usize) {
        if at >= start + 2 && self.tokens[at - 2].is_word("CONSTRAINT") {
            at -= 2;
            length += 2;
        }
        let end = at + length;
        let conflict = self
            .tokens
            .get(end)
            .is_some_and(|token| token.is_word("ON"))
            && self
                .tokens
                .get(end + 1)
                .is_some_and(|token| token.is_word("CONFLICT"));
        let end = if conflict { end + 3 } else { end }.min(self.tokens.len());
        self.tokens.drain(at..end);
    }

    pub fn set_nullable(&mut self, nullable: bool) {
        self.remove_nullability();
        if !nullable {
            self.push("NOT NULL");
        }
    }

    pub fn set_default(&mut self, default: Option<&str>) {
        self.remove_default();
        if let Some(default) = default {
            self.push(&format!("DEFAULT {default}"));
        }
    }

    fn push(&mut self, sql: &str) {
        self.tokens.extend(spaced_tokens(sql));
    }

    pub fn sql(&self) -> String {
        join(&self.tokens)
    }
}

/// A live table's definition, split into what a rebuild edits.
#[derive(Debug)]
pub(super) struct Definition {
    pub columns: Vec<ColumnDef>,
    /// Table constraints, as written.
    pub constraints: Vec<String>,
    /// What follows the closing parenthesis: `WITHOUT ROWID`, `STRICT`.
    pub options: String,
}

impl Definition {
    /// Splits `create_sql`, checking that its column definitions are exactly `column_names`.
    pub fn parse(create_sql: &str, column_names: &[String]) -> Result<Definition, String> {
        let tokens = tokens(create_sql)?;
        let body = tokens
            .iter()
            .position(|token| token.kind == Kind::Group)
            .ok_or("it is not a `CREATE TABLE (…)` (a `CREATE TABLE … AS SELECT`?)")?;
        let options = join(&tokens[body + 1..]);
        let group = &tokens[body].text;
        let inner = tokens_of_items(&group[1..group.len() - 1])?;
        let mut columns = Vec::new();
        let mut constraints = Vec::new();
        for item in inner {
            let first = item.first().ok_or("it has an empty item")?;
            let is_constraint = TABLE_CONSTRAINT.iter().any(|word| first.is_word(word));
            if is_constraint {
                constraints.push(join(&item));
            } else if !constraints.is_empty() {
                return Err("a column definition follows a table constraint".into());
            } else {
                let name = first.ident().ok_or("a column definition has no name")?;
                columns.push(ColumnDef { name, tokens: item });
            }
        }
        let read: Vec<&str> = columns.iter().map(|column| column.name.as_str()).collect();
        let same = read.len() == column_names.len()
            && read
                .iter()
                .zip(column_names)
                .all(|(read, name)| read.eq_ignore_ascii_case(name));
        if !same {
            return Err(format!(
                "its text declares the columns {read:?} where SQLite reports {column_names:?}"
            ));
        }
        Ok(Definition {
            columns,
            constraints,
            options,
        })
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut ColumnDef> {
        self.columns
            .iter_mut()
            .find(|column| column.name.eq_ignore_ascii_case(name))
    }

    /// The named `CHECK` table constraints: each one's name and expression.
    pub fn checks(&self) -> Vec<(String, String)> {
        self.constraints
            .iter()
            .filter_map(|constraint| {
                let tokens = tokens(constraint).ok()?;
                let named = tokens.first()?.is_word("CONSTRAINT");
                let check = tokens.get(2)?.is_word("CHECK");
                let group = tokens.get(3).filter(|token| token.kind == Kind::Group)?;
                let expr = group.text[1..group.text.len() - 1].trim().to_owned();
                (named && check).then(|| Some((tokens.get(1)?.ident()?, expr)))?
            })
            .collect()
    }

    /// Removes the table constraint named `name`; false when there is none.
    pub fn remove_constraint(&mut self, name: &str) -> bool {
        let before = self.constraints.len();
        self.constraints.retain(|constraint| {
            let tokens = tokens(constraint).unwrap_or_default();
            let named = tokens
                .first()
                .is_some_and(|token| token.is_word("CONSTRAINT"))
                && tokens
                    .get(1)
                    .and_then(Token::ident)
                    .is_some_and(|ident| ident.eq_ignore_ascii_case(name));
            !named
        });
        self.constraints.len() < before
    }

    /// The `CREATE TABLE` of this definition under `name`.
    pub fn create_sql(&self, name: &str) -> String {
        let items: Vec<String> = self
            .columns
            .iter()
            .map(ColumnDef::sql)
            .chain(self.constraints.iter().cloned())
            .collect();
        let mut sql = format!(
            "CREATE TABLE {} ({})",
            migrate_core::render::quote_ident(name),
            items.join(", ")
        );
        if !self.options.is_empty() {
            sql.push(' ');
            sql.push_str(&self.options);
        }
        sql
    }
}

/// The comma-separated items of a table body, each as tokens.
fn tokens_of_items(body: &str) -> Result<Vec<Vec<Token>>, String> {
    let mut items = vec![Vec::new()];
    for token in tokens(body)? {
        if token.kind == Kind::Punct && token.text == "," {
            items.push(Vec::new());
        } else if let Some(item) = items.last_mut() {
            item.push(token);
        }
    }
    Ok(items)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn names(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn columns_named_like_constraint_keywords_are_columns() {
        let sql = r#"CREATE TABLE "t" ("id" BIGINT NOT NULL, primary_email TEXT, "check" TEXT, unique_code TEXT, constraint_name TEXT, foreign_id BIGINT, CONSTRAINT "pk_t" PRIMARY KEY ("id"), CHECK (id > 0))"#;
        let definition = Definition::parse(
            sql,
            &names(&[
                "id",
                "primary_email",
                "check",
                "unique_code",
                "constraint_name",
                "foreign_id",
            ]),
        )
        .unwrap();
        assert_eq!(definition.columns.len(), 6);
        assert_eq!(
            definition.constraints,
            [r#"CONSTRAINT "pk_t" PRIMARY KEY ("id")"#, "CHECK (id > 0)"]
        );
    }

    #[test]
    fn options_and_quoting_survive() {
        let sql = "CREATE TABLE [a(b] (\"x,y\" TEXT COLLATE NOCASE, 'z' INT) WITHOUT ROWID, STRICT";
        let definition = Definition::parse(sql, &names(&["x,y", "z"])).unwrap();
        assert_eq!(definition.options, "WITHOUT ROWID, STRICT");
        assert_eq!(
            definition.create_sql("n"),
            "CREATE TABLE \"n\" (\"x,y\" TEXT COLLATE NOCASE, 'z' INT) WITHOUT ROWID, STRICT"
        );
    }

    #[test]
    fn a_text_that_disagrees_with_sqlite_is_refused() {
        let error = Definition::parse("CREATE TABLE t (a, b)", &names(&["a"])).unwrap_err();
        assert!(error.contains("where SQLite reports"), "{error}");
    }

    #[test]
    fn nullability_and_default_edits_keep_other_constraints() {
        let mut column = ColumnDef::parse(
            r#""parent" BIGINT CONSTRAINT nn NOT NULL ON CONFLICT ABORT DEFAULT -1 REFERENCES "p" ("id") ON DELETE SET NULL COLLATE BINARY"#,
        )
        .unwrap();
        column.set_nullable(true);
        column.set_default(Some("'x'"));
        assert_eq!(
            column.sql(),
            r#""parent" BIGINT REFERENCES "p" ("id") ON DELETE SET NULL COLLATE BINARY DEFAULT 'x'"#
        );
        column.set_type("TEXT");
        column.set_nullable(false);
        column.set_default(None);
        assert!(column.sql().starts_with(r#""parent" TEXT REFERENCES"#));
        assert!(column.sql().ends_with("COLLATE BINARY NOT NULL"));
    }

    #[test]
    fn generated_and_primary_key_columns_are_recognised() {
        let generated = ColumnDef::parse("total INT GENERATED ALWAYS AS (a + b) STORED").unwrap();
        assert!(generated.is_generated());
        let short = ColumnDef::parse("total INT AS (a + b)").unwrap();
        assert!(short.is_generated());
        let key = ColumnDef::parse("id INTEGER PRIMARY KEY AUTOINCREMENT").unwrap();
        assert!(key.is_primary_key() && !key.is_generated());
    }
}
