//! JSON text as jq 1.7.1 writes it: `-c` compact, or pretty with two spaces; strings with
//! `"`, `\` and the C0 controls escaped (`\b \f \n \r \t`, else `\u00XX`), DEL as `\u007f`,
//! everything else as UTF-8; numbers as [`super::number::Num::text`].

use super::value::Val;

impl Val {
    /// Compact JSON, as jq prints it with `-c`.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        compact(&mut out, self);
        out
    }
}

pub fn compact(out: &mut String, value: &Val) {
    write(out, value, None, 0);
}

pub fn pretty(out: &mut String, value: &Val) {
    write(out, value, Some(2), 0);
}

fn write(out: &mut String, value: &Val, indent: Option<usize>, level: usize) {
    match value {
        Val::Null => out.push_str("null"),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Num(n) => out.push_str(&n.text()),
        Val::Str(text) => string(out, text),
        Val::Arr(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, level + 1);
                write(out, item, indent, level + 1);
            }
            newline(out, indent, level);
            out.push(']');
        }
        Val::Obj(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, level + 1);
                string(out, key);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write(out, item, indent, level + 1);
            }
            newline(out, indent, level);
            out.push('}');
        }
    }
}

fn newline(out: &mut String, indent: Option<usize>, level: usize) {
    if let Some(width) = indent {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', width * level));
    }
}

pub fn string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_and_pretty_as_jq() {
        let value =
            Val::parse(r#"{"a":[1,{"b":null}],"c":{},"d":[],"e":"x\u0001\u007f\"é\n"}"#).unwrap();
        let mut out = String::new();
        compact(&mut out, &value);
        assert_eq!(
            out,
            r#"{"a":[1,{"b":null}],"c":{},"d":[],"e":"x\u0001\u007f\"é\n"}"#
        );
        let mut out = String::new();
        pretty(&mut out, &value);
        assert_eq!(
            out,
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": {},\n  \"d\": [],\n  \"e\": \"x\\u0001\\u007f\\\"é\\n\"\n}"
        );
    }
}
