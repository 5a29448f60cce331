//! `$1`, `$2`, … in a data step's SQL, made into what each backend binds.
//!
//! One syntax on every backend, so a data step's SQL does not change with the database:
//! PostgreSQL's numbered `$n`, because it is the one that translates both ways without guessing.
//! A number can be reused and come in any order (`$2 … $1 … $2`), and turning it into SQLite's and
//! MySQL's positional `?` is a rewrite plus a list of which parameter each `?` takes; the other
//! way round would need to tell `?` the placeholder from `?` the PostgreSQL `jsonb` operator. A
//! `$` inside a string, a quoted identifier or a comment is text, not a placeholder, so the SQL is
//! scanned with the quoting rules of its backend.

use std::borrow::Cow;

use migrate_core::render::Dialect;

/// The SQL to send, and for each placeholder it binds, in order, the index of its parameter.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Translated<'s> {
    pub(super) sql: Cow<'s, str>,
    pub(super) order: Vec<usize>,
}

/// Checks that `sql`'s placeholders and the `params` given match, and rewrites them for
/// `dialect`: unchanged for PostgreSQL, `?` for SQLite and MySQL.
pub(super) fn translate(
    sql: &str,
    params: usize,
    dialect: Dialect,
) -> Result<Translated<'_>, String> {
    let found = placeholders(sql, dialect)?;
    if let Some(&(_, number)) = found.iter().find(|(_, number)| *number > params) {
        return Err(match params {
            0 => format!("`${number}` has no parameter: none was given"),
            1 => format!("`${number}` has no parameter: 1 was given"),
            _ => format!("`${number}` has no parameter: {params} were given"),
        });
    }
    if let Some(unused) = (1..=params).find(|n| !found.iter().any(|(_, number)| number == n)) {
        return Err(format!(
            "parameter {unused} is given but the SQL has no `${unused}`"
        ));
    }
    if dialect == Dialect::Postgres {
        return Ok(Translated {
            sql: Cow::Borrowed(sql),
            order: (0..params).collect(),
        });
    }
    let mut rewritten = String::with_capacity(sql.len());
    let mut copied = 0;
    let mut order = Vec::with_capacity(found.len());
    for (range, number) in found {
        rewritten.push_str(&sql[copied..range.start]);
        rewritten.push('?');
        copied = range.end;
        order.push(number - 1);
    }
    rewritten.push_str(&sql[copied..]);
    Ok(Translated {
        sql: Cow::Owned(rewritten),
        order,
    })
}

/// Every `$n` outside strings, quoted identifiers and comments: its byte range and its number.
fn placeholders(
    sql: &str,
    dialect: Dialect,
) -> Result<Vec<(std::ops::Range<usize>, usize)>, String> {
    let bytes = sql.as_bytes();
    let mysql = dialect == Dialect::Mysql;
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let previous = at.checked_sub(1).map(|p| bytes[p]);
        at = match bytes[at] {
            // MySQL escapes with backslashes in both string quotes; PostgreSQL only in `E'…'`.
            b'\'' => {
                let escapes = mysql
                    || (dialect == Dialect::Postgres
                        && matches!(previous, Some(b'E' | b'e'))
                        && !at
                            .checked_sub(2)
                            .is_some_and(|p| is_identifier_byte(bytes[p])));
                end_of_quoted(bytes, at, b'\'', escapes)
            }
            b'"' => end_of_quoted(bytes, at, b'"', mysql),
            b'`' if dialect != Dialect::Postgres => end_of_quoted(bytes, at, b'`', false),
            b'[' if dialect == Dialect::Sqlite => end_of_quoted(bytes, at, b']', false),
            b'-' if bytes.get(at + 1) == Some(&b'-') => end_of_line(bytes, at),
            b'#' if mysql => end_of_line(bytes, at),
            b'/' if bytes.get(at + 1) == Some(&b'*') => sql[at + 2..]
                .find("*/")
                .map_or(bytes.len(), |end| at + 2 + end + 2),
            b'?' if dialect != Dialect::Postgres => {
                return Err(format!(
                "`?` at byte {at} is not a placeholder here: write `$1`, `$2`, … on every backend"
            ))
            }
            b'$' if previous.is_some_and(is_identifier_byte) => at + 1,
            b'$' if bytes.get(at + 1).is_some_and(u8::is_ascii_digit) => {
                let digits = bytes[at + 1..]
                    .iter()
                    .take_while(|byte| byte.is_ascii_digit())
                    .count();
                let end = at + 1 + digits;
                match sql[at + 1..end].parse::<usize>() {
                    Ok(number) if number >= 1 => found.push((at..end, number)),
                    _ => {
                        return Err(format!(
                            "`{}` is not a placeholder: they count from `$1`",
                            &sql[at..end]
                        ))
                    }
                }
                end
            }
            // PostgreSQL's dollar quoting: `$$ … $$` or `$tag$ … $tag$`.
            b'$' if dialect == Dialect::Postgres => match dollar_tag(&sql[at..]) {
                Some(tag) => sql[at + tag.len()..]
                    .find(tag)
                    .map_or(bytes.len(), |end| at + tag.len() + end + tag.len()),
                None => at + 1,
            },
            _ => at + 1,
        };
    }
    Ok(found)
}

fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80
}

/// The index after the quote that closes the one at `start`; a doubled quote is part of the text.
fn end_of_quoted(bytes: &[u8], start: usize, quote: u8, backslash_escapes: bool) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' if backslash_escapes => at += 2,
            byte if byte == quote && bytes.get(at + 1) == Some(&quote) => at += 2,
            byte if byte == quote => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

fn end_of_line(bytes: &[u8], start: usize) -> usize {
    bytes[start..]
        .iter()
        .position(|&byte| byte == b'\n')
        .map_or(bytes.len(), |end| start + end + 1)
}

/// `$$` or `$tag$` at the start of `text`.
fn dollar_tag(text: &str) -> Option<&str> {
    let end = text[1..].find('$')? + 1;
    let tag = &text[1..end];
    let valid = tag
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80)
        && !tag.starts_with(|c: char| c.is_ascii_digit());
    valid.then(|| &text[..=end])
}

#[cfg(test)]
// A failed `unwrap` in a test is the test failing, with the error in the message.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn sent(sql: &str, params: usize, dialect: Dialect) -> (String, Vec<usize>) {
        let translated = translate(sql, params, dialect).unwrap_or_else(|error| panic!("{error}"));
        (translated.sql.into_owned(), translated.order)
    }

    #[test]
    fn postgres_keeps_the_sql_and_binds_in_order() {
        assert_eq!(
            sent("UPDATE t SET a = $2 WHERE id = $1", 2, Dialect::Postgres),
            ("UPDATE t SET a = $2 WHERE id = $1".to_owned(), vec![0, 1])
        );
    }

    #[test]
    fn sqlite_and_mysql_bind_each_question_mark_with_its_number() {
        for dialect in [Dialect::Sqlite, Dialect::Mysql] {
            assert_eq!(
                sent("UPDATE t SET a = $2, b = $2 WHERE id = $1", 2, dialect),
                (
                    "UPDATE t SET a = ?, b = ? WHERE id = ?".to_owned(),
                    vec![1, 1, 0]
                )
            );
            let ten = "SELECT $10, $9, $8, $7, $6, $5, $4, $3, $2, $1";
            assert_eq!(sent(ten, 10, dialect).1, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
        }
    }

    #[test]
    fn dollars_in_text_identifiers_and_comments_are_not_placeholders() {
        let sql = "SELECT '$1', \"$1\", a$1, 'it''s $1' -- $1\n, $1 /* $2 */";
        assert_eq!(
            sent(sql, 1, Dialect::Sqlite).0,
            "SELECT '$1', \"$1\", a$1, 'it''s $1' -- $1\n, ? /* $2 */"
        );
        assert_eq!(
            sent(r"SELECT 'a\'$1', `$1`, $1 # $2", 1, Dialect::Mysql).0,
            r"SELECT 'a\'$1', `$1`, ? # $2"
        );
        assert_eq!(
            sent("SELECT [$1], $1", 1, Dialect::Sqlite).0,
            "SELECT [$1], ?"
        );
        // PostgreSQL: dollar quoting, `E''` escapes; `?` is the jsonb operator.
        for sql in [
            "SELECT $$ $2 $$, $1",
            "SELECT $body$ $2 $body$, $1",
            r"SELECT E'\' $2', $1",
            "SELECT data ? 'key', $1 FROM t",
        ] {
            assert!(translate(sql, 1, Dialect::Postgres).is_ok(), "{sql}");
        }
    }

    #[test]
    fn mismatches_are_refused_with_what_to_write() {
        assert_eq!(
            translate("SELECT $2", 1, Dialect::Postgres).unwrap_err(),
            "`$2` has no parameter: 1 was given"
        );
        assert_eq!(
            translate("SELECT $1", 0, Dialect::Sqlite).unwrap_err(),
            "`$1` has no parameter: none was given"
        );
        assert_eq!(
            translate("SELECT $1", 2, Dialect::Mysql).unwrap_err(),
            "parameter 2 is given but the SQL has no `$2`"
        );
        assert_eq!(
            translate("SELECT ? FROM t", 1, Dialect::Mysql).unwrap_err(),
            "`?` at byte 7 is not a placeholder here: write `$1`, `$2`, … on every backend"
        );
        assert_eq!(
            translate("SELECT $0", 1, Dialect::Postgres).unwrap_err(),
            "`$0` is not a placeholder: they count from `$1`"
        );
    }
}
