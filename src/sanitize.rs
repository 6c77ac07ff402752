//! The one sanitizer for strings that come from a server and reach a terminal.
//!
//! Control characters (C0, DEL, C1) and the Unicode controls that reorder or hide text are
//! shown escaped, never emitted: an escape sequence in an agent's name cannot retitle the
//! window, clear the screen or move the cursor. JSON escapes only C0 controls, so JSON written
//! to a terminal passes through [`escape_json_for_terminal`], which escapes the rest the JSON
//! way (`\u009b`); JSON written to a pipe stays byte-exact.

use std::borrow::Cow;
use std::fmt::Write;

/// Returns `text` with every control character escaped (`\x1b`, `\r`, `\n`, `\t`, `\u{202e}`).
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        if !needs_escape(ch) {
            out.push(ch);
            continue;
        }
        match ch {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// JSON text for a terminal: the controls JSON leaves raw (DEL, C1, the bidi and zero-width
/// ones) escaped as `\uXXXX`, which is still the same JSON. They can only occur inside strings
/// (JSON's structure is ASCII), and C0 controls inside strings are already escaped, so the
/// structural newlines of pretty output are left alone.
pub fn escape_json_for_terminal(json: &str) -> Cow<'_, str> {
    let escaped = |ch: char| needs_escape(ch) && (ch as u32) >= 0x7f;
    if !json.chars().any(escaped) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for ch in json.chars() {
        if escaped(ch) {
            // JSON's \u escapes are UTF-16: a character past the Basic Multilingual Plane (the
            // tag characters) is a surrogate pair.
            for unit in ch.encode_utf16(&mut [0; 2]) {
                let _ = write!(out, "\\u{:04x}", unit);
            }
        } else {
            out.push(ch);
        }
    }
    Cow::Owned(out)
}

/// Escaped: the controls (C0, DEL, C1), the line and paragraph separators, and every
/// character of Unicode's `Bidi_Control` (marks, embeddings, overrides, isolates, the Arabic
/// letter mark) and `Default_Ignorable_Code_Point` (zero-width characters, the soft hyphen,
/// the deprecated format characters, variation selectors, tags) properties: text that moves
/// or hides other text. The sets are ICU4X's data for the Unicode version it ships, not a list
/// kept by hand.
fn needs_escape(ch: char) -> bool {
    use icu_properties::CodePointSetData;
    use icu_properties::props::{BidiControl, DefaultIgnorableCodePoint};
    if ch.is_ascii() {
        return ch.is_ascii_control();
    }
    ch.is_control()
        || matches!(ch, '\u{2028}' | '\u{2029}')
        || CodePointSetData::new::<BidiControl>().contains(ch)
        || CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(ch)
}

/// Quotes a value for a POSIX shell when it holds anything beyond a safe set (the one quoting
/// of agentctl: `export` lines, `chmod` hints, the demo's command lines). `~` is not in the set:
/// a leading one would be expanded.
pub fn shell_quote(value: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_.:/@%+=,".contains(c);
    if !value.is_empty() && value.chars().all(safe) {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting() {
        assert_eq!(
            shell_quote("http://127.0.0.1:7878"),
            "http://127.0.0.1:7878"
        );
        assert_eq!(shell_quote("/tmp/a.toml"), "/tmp/a.toml");
        assert_eq!(shell_quote("a$b"), "'a$b'");
        assert_eq!(shell_quote("~/x"), "'~/x'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("it's here"), r"'it'\''s here'");
    }

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(sanitize("prod-agent-01 ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn escapes_are_shown_not_emitted() {
        assert_eq!(sanitize("\x1b]0;owned\x07"), "\\x1b]0;owned\\x07");
        assert_eq!(sanitize("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(sanitize("x\ry\nz\t"), "x\\ry\\nz\\t");
        assert_eq!(sanitize("\u{9b}31m"), "\\x9b31m");
        assert_eq!(sanitize("abc\u{202e}cba"), "abc\\u{202e}cba");
        assert_eq!(sanitize("\x7f"), "\\x7f");
    }

    #[test]
    fn json_for_a_terminal_escapes_c1_and_bidi_controls_and_stays_the_same_json() {
        let value =
            serde_json::json!({"name": "a\u{9b}31m\u{202e}b\u{2066}c\u{7f}\u{1b}", "ok": "é✓"});
        let json = serde_json::to_string_pretty(&value).unwrap();
        let shown = escape_json_for_terminal(&json);
        for raw in ['\u{9b}', '\u{202e}', '\u{2066}', '\u{7f}', '\u{1b}'] {
            assert!(!shown.contains(raw), "{shown}");
        }
        assert!(
            shown.contains(r"a\u009b31m\u202eb\u2066c\u007f\u001b"),
            "{shown}"
        );
        assert!(shown.contains("é✓") && shown.contains('\n'), "{shown}");
        let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(back, value);
        assert!(matches!(
            escape_json_for_terminal("{\"a\": 1}"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn output_never_contains_a_control_character() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let clean = sanitize(&all);
        assert!(!clean.chars().any(needs_escape));
    }

    /// Every code point Unicode gives either property, and the ones a hand list missed.
    #[test]
    fn every_bidi_control_and_default_ignorable_code_point_is_escaped() {
        use icu_properties::CodePointSetData;
        use icu_properties::props::{BidiControl, DefaultIgnorableCodePoint};
        let ranges = CodePointSetData::new::<BidiControl>()
            .iter_ranges()
            .chain(CodePointSetData::new::<DefaultIgnorableCodePoint>().iter_ranges());
        let mut seen = 0;
        for code in ranges.flatten() {
            let Some(ch) = char::from_u32(code) else {
                continue;
            };
            seen += 1;
            let text = format!("a{ch}b");
            let shown = sanitize(&text);
            assert!(!shown.contains(ch), "U+{code:04X} in {shown:?}");
            let expected = if code < 0x100 {
                format!("a\\x{code:02x}b")
            } else {
                format!("a\\u{{{code:x}}}b")
            };
            assert_eq!(shown, expected);
            let json = serde_json::to_string(&text).unwrap();
            let escaped = escape_json_for_terminal(&json);
            assert!(!escaped.contains(ch), "U+{code:04X} in {escaped:?}");
            assert_eq!(serde_json::from_str::<String>(&escaped).unwrap(), text);
        }
        // Unicode 15: 12 bidi controls and 4,174 default-ignorable code points (the tags
        // block alone is 4,096).
        assert!(seen >= 4_174, "{seen}");
        for ch in [
            '\u{061c}', '\u{00ad}', '\u{206a}', '\u{206f}', '\u{180e}', '\u{fe0f}',
        ] {
            assert!(needs_escape(ch), "U+{:04X}", ch as u32);
        }
        assert_eq!(sanitize("x\u{e0041}y"), "x\\u{e0041}y");
        assert_eq!(
            escape_json_for_terminal("\"\u{e0041}\u{ad}\""),
            r#""\udb40\udc41\u00ad""#
        );
        // Letters, marks, emoji and spaces that are neither stay as they are.
        for ch in ['é', 'ß', '\u{0301}', '✓', '😀', '\u{3000}', 'ا'] {
            assert!(!needs_escape(ch), "U+{:04X}", ch as u32);
        }
    }

    proptest::proptest! {
        #[test]
        fn never_outputs_a_control_character(text in "\\PC*|[\\x00-\\x{a0}\\x{2000}-\\x{2070}\\x{feff}]*") {
            let clean = sanitize(&text);
            proptest::prop_assert!(!clean.chars().any(needs_escape), "{:?}", clean);
        }
    }
}
