//! The little JSON `--json` prints, written by hand: a few arrays and objects of strings and
//! numbers do not need a serialization framework in every app that mounts the CLI.

/// A JSON string: `text` quoted, with `"`, `\` and control characters escaped.
pub(super) fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON array of values already encoded.
pub(super) fn array(values: impl IntoIterator<Item = String>) -> String {
    format!("[{}]", values.into_iter().collect::<Vec<_>>().join(","))
}

/// A JSON array of strings.
pub(super) fn strings<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> String {
    array(values.into_iter().map(|value| string(value.as_ref())))
}

/// A JSON object of values already encoded, keys in the order given.
pub(super) fn object(fields: &[(&str, String)]) -> String {
    let fields: Vec<String> = fields
        .iter()
        .map(|(key, value)| format!("{}:{value}", string(key)))
        .collect();
    format!("{{{}}}", fields.join(","))
}

/// `value` encoded, or `null`.
pub(super) fn or_null(value: Option<String>) -> String {
    value.unwrap_or_else(|| "null".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(string("a \"b\" \\ c\n\u{1}é"), r#""a \"b\" \\ c\n\u0001é""#);
    }

    #[test]
    fn objects_and_arrays_nest() {
        let value = object(&[
            ("ids", strings(["0001_a", "0002_b"])),
            ("ms", or_null(Some(12.to_string()))),
            ("at", or_null(None)),
        ]);
        assert_eq!(value, r#"{"ids":["0001_a","0002_b"],"ms":12,"at":null}"#);
    }
}
