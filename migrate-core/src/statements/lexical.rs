//! The statements of an `execute` without the parser, for the runtime: `migrate-runtime` builds
//! `migrate-core` without its `sql-parser` feature, so an app does not link `sqlparser` (it would
//! triple the binary) for what the compiler already checked.
//!
//! At run time only two facts are needed, both to send PostgreSQL's `CONCURRENTLY` statements
//! outside any transaction: where each statement ends, and whether it must run alone. Statements
//! end at a `;` outside quotes, dollar quotes, comments and parentheses; a statement runs alone
//! when its words are those the parser's reading marks so (`CREATE [UNIQUE] INDEX CONCURRENTLY`,
//! `DROP INDEX CONCURRENTLY`, `REINDEX … CONCURRENTLY` or of a whole schema, database or system,
//! `VACUUM`, `DETACH PARTITION … CONCURRENTLY`); the test below holds both readings to the same
//! answers. Anything else is [`Effect::Unknown`], so checks run on this reading stay on the
//! safe side.

use super::{Effect, Statement};
use crate::render::Dialect;

/// Reads `sql` statement by statement: the split, and which statements run outside a
/// transaction.
pub fn read(sql: &str, _dialect: Dialect) -> Vec<Statement<'_>> {
    split(sql)
        .into_iter()
        .map(|text| {
            let effects = match runs_alone(&words(text)) {
                true => vec![Effect::RunsOutsideTransaction],
                false => vec![Effect::Unknown {
                    what: "a statement (read without the SQL parser)".to_owned(),
                }],
            };
            Statement { text, effects }
        })
        .collect()
}

fn runs_alone(words: &[String]) -> bool {
    let has = |wanted: &str| words.iter().any(|word| word == wanted);
    let starts = |prefix: &[&str]| {
        words.len() >= prefix.len() && words.iter().zip(prefix).all(|(word, want)| word == want)
    };
    starts(&["CREATE", "INDEX", "CONCURRENTLY"])
        || starts(&["CREATE", "UNIQUE", "INDEX", "CONCURRENTLY"])
        || starts(&["DROP", "INDEX", "CONCURRENTLY"])
        || (starts(&["REINDEX"])
            && (has("CONCURRENTLY") || has("SCHEMA") || has("DATABASE") || has("SYSTEM")))
        || starts(&["VACUUM"])
        || (starts(&["ALTER", "TABLE"]) && has("DETACH") && has("CONCURRENTLY"))
}

/// The statement's words outside quotes and comments, uppercased.
fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for (_, c, kind) in scan(text) {
        if kind == Kind::Code && (c.is_alphanumeric() || c == '_') {
            word.push(c.to_ascii_uppercase());
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The statements of `sql`, without their `;`, the whitespace and comments around them, or
/// empty ones: the texts the parser's reading gives.
fn split(sql: &str) -> Vec<&str> {
    let mut statements = Vec::new();
    let mut span: Option<(usize, usize)> = None;
    let mut depth = 0usize;
    for (at, c, kind) in scan(sql) {
        let code = kind == Kind::Code;
        if code && c == ';' && depth == 0 {
            statements.extend(span.take().map(|(start, end)| &sql[start..end]));
            continue;
        }
        if code {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if kind != Kind::Comment && !c.is_whitespace() {
            let end = at + c.len_utf8();
            span = Some(span.map_or((at, end), |(start, _)| (start, end)));
        }
    }
    statements.extend(span.map(|(start, end)| &sql[start..end]));
    statements
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Code,
    /// A string, a quoted name or a dollar-quoted body, delimiters included.
    Quoted,
    Comment,
}

/// Each character with its byte offset and what it is part of.
fn scan(sql: &str) -> Vec<(usize, char, Kind)> {
    let chars: Vec<(usize, char)> = sql.char_indices().collect();
    // The index of the first character at or after byte `byte`.
    let index_of = |byte: usize| chars.partition_point(|(at, _)| *at < byte);
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        let rest = &sql[at..];
        let (end, kind) = match c {
            '\'' | '"' => (closing(&chars, i, c), Kind::Quoted),
            '-' if rest.starts_with("--") => (
                rest.find('\n')
                    .map_or(chars.len(), |offset| index_of(at + offset)),
                Kind::Comment,
            ),
            '/' if rest.starts_with("/*") => (
                rest.find("*/")
                    .map_or(chars.len(), |offset| index_of(at + offset + 2)),
                Kind::Comment,
            ),
            '$' => match dollar_tag(rest) {
                Some(tag) => (
                    rest[tag.len()..].find(tag).map_or(chars.len(), |offset| {
                        index_of(at + tag.len() + offset + tag.len())
                    }),
                    Kind::Quoted,
                ),
                None => (i + 1, Kind::Code),
            },
            _ => (i + 1, Kind::Code),
        };
        let end = end.max(i + 1);
        out.extend(chars[i..end].iter().map(|&(at, c)| (at, c, kind)));
        i = end;
    }
    out
}

/// The index after the quote closing the one at `i` (a doubled quote is part of the text).
fn closing(chars: &[(usize, char)], i: usize, quote: char) -> usize {
    let mut j = i + 1;
    while j < chars.len() {
        if chars[j].1 == quote {
            if chars.get(j + 1).is_some_and(|next| next.1 == quote) {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    chars.len()
}

/// `$tag$` or `$$` at the start of `text`.
fn dollar_tag(text: &str) -> Option<&str> {
    let body = &text[1..];
    let end = body.find('$')?;
    let tag = &body[..end];
    let valid = tag
        .chars()
        .enumerate()
        .all(|(position, c)| c == '_' || c.is_alphabetic() || (position > 0 && c.is_ascii_digit()));
    valid.then(|| &text[..end + 2])
}

#[cfg(all(test, feature = "sql-parser"))]
mod tests {
    use super::*;

    /// The split and the statements that run alone, as the parser reads them.
    #[test]
    fn reads_what_the_parser_reads_for_the_runtime() {
        let corpus = [
            "CREATE INDEX CONCURRENTLY ix_a ON a (b); CREATE UNIQUE INDEX CONCURRENTLY uq_a ON a (c)",
            "DROP INDEX CONCURRENTLY ix_a;",
            "REINDEX INDEX CONCURRENTLY ix_a; REINDEX TABLE a",
            "REINDEX SCHEMA public",
            "VACUUM (ANALYZE) a; VACUUM FULL a",
            "ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY",
            "CREATE INDEX ix_a ON a (b); SELECT ';' AS semi, $$ ; $$ AS body, \"x;y\" FROM t -- ; comment\n; CREATE INDEX CONCURRENTLY ix_b ON a ((b || ';'))",
            "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$ BEGIN NEW.a := 'it''s; ok'; RETURN NEW; END $body$; /* ; */ CREATE INDEX CONCURRENTLY ix_c ON a (c)",
            "UPDATE a SET b = 1; COMMENT ON TABLE a IS 'CREATE INDEX CONCURRENTLY x ON y (z)'",
        ];
        let facts = |statements: Vec<Statement<'_>>| -> Vec<(String, bool)> {
            statements
                .iter()
                .map(|statement| {
                    (
                        statement.text.to_owned(),
                        statement.runs_outside_transaction(),
                    )
                })
                .collect()
        };
        for sql in corpus {
            assert_eq!(
                facts(read(sql, Dialect::Postgres)),
                facts(super::super::parsed::read(sql, Dialect::Postgres)),
                "{sql}"
            );
        }
    }
}
