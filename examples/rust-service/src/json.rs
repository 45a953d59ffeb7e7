//! A minimal JSON writer: just enough for response bodies and log lines.
//!
//! Objects keep their keys in insertion order, so the output is deterministic.

use std::fmt::{self, Write as _};

/// A JSON value that can be rendered to text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A non-negative integer.
    Num(u64),
    /// A string, escaped on output.
    Str(String),
    /// An object with keys in insertion order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// A string value.
    pub fn str(s: impl Into<String>) -> Json {
        Json::Str(s.into())
    }

    /// A string value, or `null` for `None`.
    pub fn opt_str(s: Option<&str>) -> Json {
        s.map_or(Json::Null, Json::str)
    }

    /// An object from `(key, value)` pairs, in order.
    pub fn object<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Json)>) -> Json {
        Json::Object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// Appends the compact JSON text of this value to `out`.
    pub fn write_to(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => {
                let _ = write!(out, "{n}");
            }
            Json::Str(s) => write_string(out, s),
            Json::Object(pairs) => {
                out.push('{');
                for (i, (key, value)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, key);
                    out.push(':');
                    value.write_to(out);
                }
                out.push('}');
            }
        }
    }
}

impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write_to(&mut out);
        f.write_str(&out)
    }
}

/// Appends `s` as a quoted JSON string literal to `out`.
///
/// Escapes `"` and `\`, and every control character below U+0020 (RFC 8259 §7), using
/// the short forms where JSON has them. U+2028 and U+2029 are escaped too, so the
/// output is also safe to embed in JavaScript source.
pub fn write_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `s` as a quoted JSON string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::new();
    write_string(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An independent decoder for JSON string literals (RFC 8259 §7), used to check
    /// that `quote` round-trips. Returns `None` for anything that is not exactly one
    /// valid string literal.
    fn decode_string(text: &str) -> Option<String> {
        let inner = text.strip_prefix('"')?.strip_suffix('"')?;
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return None,
                c if (c as u32) < 0x20 => return None,
                '\\' => match chars.next()? {
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    '/' => out.push('/'),
                    'b' => out.push('\u{08}'),
                    'f' => out.push('\u{0C}'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' => {
                        let hex = |chars: &mut std::str::Chars<'_>| -> Option<u32> {
                            let digits: String = chars.by_ref().take(4).collect();
                            if digits.len() != 4 {
                                return None;
                            }
                            u32::from_str_radix(&digits, 16).ok()
                        };
                        let first = hex(&mut chars)?;
                        let code = if (0xD800..0xDC00).contains(&first) {
                            if chars.next()? != '\\' || chars.next()? != 'u' {
                                return None;
                            }
                            let second = hex(&mut chars)?;
                            if !(0xDC00..0xE000).contains(&second) {
                                return None;
                            }
                            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                        } else {
                            first
                        };
                        out.push(char::from_u32(code)?);
                    }
                    _ => return None,
                },
                c => out.push(c),
            }
        }
        Some(out)
    }

    #[test]
    fn escapes_quotes_backslashes_and_controls() {
        assert_eq!(quote(""), r#""""#);
        assert_eq!(quote("plain"), r#""plain""#);
        assert_eq!(quote(r#"a"b"#), r#""a\"b""#);
        assert_eq!(quote(r"a\b"), r#""a\\b""#);
        assert_eq!(quote("l1\nl2\r\t"), r#""l1\nl2\r\t""#);
        assert_eq!(quote("\u{08}\u{0C}"), r#""\b\f""#);
        assert_eq!(quote("\u{0}\u{1}\u{1f}"), r#""\u0000\u0001\u001f""#);
        assert_eq!(quote("\u{2028}\u{2029}"), r#""\u2028\u2029""#);
    }

    #[test]
    fn keeps_printable_and_non_ascii_text() {
        assert_eq!(quote("/ <>&' \u{7f}"), "\"/ <>&' \u{7f}\"");
        assert_eq!(quote("héllo ☃ 🦀"), "\"héllo ☃ 🦀\"");
    }

    #[test]
    fn round_trips_every_char_below_0x300() {
        let all: String = (0u32..0x300).filter_map(char::from_u32).collect();
        assert_eq!(decode_string(&quote(&all)).as_deref(), Some(all.as_str()));
        for c in (0u32..0x300).filter_map(char::from_u32) {
            let s = c.to_string();
            assert_eq!(
                decode_string(&quote(&s)),
                Some(s),
                "char U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn round_trips_pseudo_random_strings() {
        // A fixed-seed xorshift generator, biased towards characters that need escaping.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        const SPECIAL: &[char] = &['"', '\\', '\n', '\r', '\t', '\u{0}', '\u{1b}', '\u{2028}'];
        for _ in 0..500 {
            let len = (next() % 40) as usize;
            let s: String = (0..len)
                .map(|_| match next() % 4 {
                    0 => SPECIAL[(next() % SPECIAL.len() as u64) as usize],
                    1 => char::from_u32((next() % 0x20) as u32).unwrap(),
                    2 => char::from_u32((next() % 0x11_0000) as u32).unwrap_or('\u{FFFD}'),
                    _ => char::from_u32(0x20 + (next() % 0x5f) as u32).unwrap(),
                })
                .collect();
            let quoted = quote(&s);
            assert_eq!(
                decode_string(&quoted).as_deref(),
                Some(s.as_str()),
                "{quoted}"
            );
        }
    }

    #[test]
    fn renders_values_and_nested_objects_in_order() {
        let value = Json::object([
            ("z", Json::Null),
            ("a", Json::Bool(true)),
            ("n", Json::Num(u64::MAX)),
            ("s", Json::opt_str(Some("x\"y"))),
            ("none", Json::opt_str(None)),
            (
                "obj",
                Json::object([
                    ("k\n", Json::Bool(false)),
                    ("e", Json::object(Vec::<(String, Json)>::new())),
                ]),
            ),
        ]);
        assert_eq!(
            value.to_string(),
            r#"{"z":null,"a":true,"n":18446744073709551615,"s":"x\"y","none":null,"obj":{"k\n":false,"e":{}}}"#
        );
    }
}
