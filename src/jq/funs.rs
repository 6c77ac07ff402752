//! jq 1.7.1's builtins that are written in C there (defs.jq holds those written in jq), with
//! jq's results and jq's error messages.

use super::data::Kind;
use super::ops::split_string;
use super::value::{Error, Map, Val, indices_of, type_error, type_error2};
use super::write;
use jaq_core::box_iter::box_once;
use jaq_core::native::{Filter, bome, unary, v};
use jaq_core::{Exn, RunPtr, ValR};
use std::sync::Arc;

type Native = Filter<RunPtr<Kind>>;

/// The natives, by name and arity; they replace jaq's of the same name.
pub fn natives() -> Box<[Native]> {
    Box::new([
        ("tojson", v(0), |cv| bome(Ok(Val::str(cv.1.to_json())))),
        ("tostring", v(0), |cv| bome(Ok(Val::Str(cv.1.to_text())))),
        ("fromjson", v(0), |cv| bome(from_json(&cv.1))),
        ("tonumber", v(0), |cv| bome(to_number(cv.1))),
        ("type", v(0), |cv| bome(Ok(Val::str(cv.1.kind())))),
        ("length", v(0), |cv| bome(length(&cv.1))),
        ("utf8bytelength", v(0), |cv| {
            bome(match &cv.1 {
                Val::Str(text) => Ok(Val::from(text.len())),
                other => Err(type_error(other, "only strings have UTF-8 byte length")),
            })
        }),
        ("not", v(0), |cv| {
            bome(Ok(Val::Bool(!jaq_core::ValT::as_bool(&cv.1))))
        }),
        ("keys", v(0), |cv| bome(keys(&cv.1, true))),
        ("keys_unsorted", v(0), |cv| bome(keys(&cv.1, false))),
        ("has", v(1), |cv| unary(cv, |v, key| has(&v, &key))),
        ("contains", v(1), |cv| {
            unary(cv, |a, b| {
                if std::mem::discriminant(&a) != std::mem::discriminant(&b)
                    && !matches!((&a, &b), (Val::Bool(_), Val::Bool(_)))
                {
                    return Err(type_error2(&a, &b, "cannot have their containment checked"));
                }
                Ok(Val::Bool(contains(&a, &b)))
            })
        }),
        ("_strindices", v(1), |cv| {
            unary(cv, |v, needle| match (&v, &needle) {
                (Val::Str(text), Val::Str(needle)) if !needle.is_empty() => Ok(text
                    .match_indices(needle.as_ref())
                    .map(|(at, _)| Val::from(at))
                    .collect()),
                (Val::Str(_), Val::Str(_)) => Ok(Val::Null),
                _ => Err(Error::str("_strindices/1 requires string inputs")),
            })
        }),
        ("_indices_of", v(1), |cv| {
            unary(cv, |v, wanted| match (&v, &wanted) {
                (Val::Arr(items), Val::Arr(wanted)) => Ok(indices_of(items, wanted)),
                (container, key) => jaq_core::ValT::index(container.clone(), key),
            })
        }),
        ("ltrimstr", v(1), |cv| {
            unary(cv, |v, prefix| {
                Ok(match (&v, &prefix) {
                    (Val::Str(text), Val::Str(prefix)) => {
                        match text.strip_prefix(prefix.as_ref()) {
                            Some(rest) => Val::str(rest),
                            None => v.clone(),
                        }
                    }
                    _ => v,
                })
            })
        }),
        ("rtrimstr", v(1), |cv| {
            unary(cv, |v, suffix| {
                Ok(match (&v, &suffix) {
                    (Val::Str(text), Val::Str(suffix)) => {
                        match text.strip_suffix(suffix.as_ref()) {
                            Some(rest) => Val::str(rest),
                            None => v.clone(),
                        }
                    }
                    _ => v,
                })
            })
        }),
        ("startswith", v(1), |cv| {
            unary(cv, |v, s| match (&v, &s) {
                (Val::Str(text), Val::Str(s)) => Ok(Val::Bool(text.starts_with(s.as_ref()))),
                _ => Err(Error::str("startswith() requires string inputs")),
            })
        }),
        ("endswith", v(1), |cv| {
            unary(cv, |v, s| match (&v, &s) {
                (Val::Str(text), Val::Str(s)) => Ok(Val::Bool(text.ends_with(s.as_ref()))),
                _ => Err(Error::str("endswith() requires string inputs")),
            })
        }),
        ("trim", v(0), |cv| bome(trim(&cv.1, "trim", |s| s.trim()))),
        ("ltrim", v(0), |cv| {
            bome(trim(&cv.1, "trim", |s| s.trim_start()))
        }),
        ("rtrim", v(0), |cv| {
            bome(trim(&cv.1, "trim", |s| s.trim_end()))
        }),
        ("split", v(1), |cv| {
            unary(cv, |v, separator| match (&v, &separator) {
                (Val::Str(text), Val::Str(separator)) => Ok(split_string(text, separator)),
                _ => Err(Error::str("split input and separator must be strings")),
            })
        }),
        ("explode", v(0), |cv| {
            bome(match &cv.1 {
                Val::Str(text) => Ok(text.chars().map(|c| Val::from(c as usize)).collect()),
                _ => Err(Error::str("explode input must be a string")),
            })
        }),
        ("implode", v(0), |cv| bome(implode(&cv.1))),
        ("floor", v(0), |cv| bome(math(&cv.1, f64::floor))),
        ("ceil", v(0), |cv| bome(math(&cv.1, f64::ceil))),
        ("round", v(0), |cv| bome(math(&cv.1, f64::round))),
        ("fabs", v(0), |cv| bome(math(&cv.1, f64::abs))),
        ("sqrt", v(0), |cv| bome(math(&cv.1, f64::sqrt))),
        ("min", v(0), |cv| {
            bome(extreme(&cv.1, std::cmp::Ordering::Less))
        }),
        ("max", v(0), |cv| {
            bome(extreme(&cv.1, std::cmp::Ordering::Greater))
        }),
        ("infinite", v(0), |_| bome(Ok(Val::number(f64::INFINITY)))),
        ("nan", v(0), |_| bome(Ok(Val::number(f64::NAN)))),
        ("isinfinite", v(0), |cv| {
            bome(predicate(&cv.1, f64::is_infinite))
        }),
        ("isnan", v(0), |cv| bome(predicate(&cv.1, f64::is_nan))),
        ("isnormal", v(0), |cv| {
            bome(predicate(&cv.1, f64::is_normal))
        }),
        ("_match_impl", v(3), |mut cv| {
            let test = cv.0.pop_var();
            let flags = cv.0.pop_var();
            let pattern = cv.0.pop_var();
            bome(super::regex::match_impl(&cv.1, &pattern, &flags, &test))
        }),
        ("@text", v(0), |cv| bome(Ok(Val::Str(cv.1.to_text())))),
        ("@json", v(0), |cv| bome(Ok(Val::str(cv.1.to_json())))),
        ("@csv", v(0), |cv| bome(table_row(&cv.1, Table::Csv))),
        ("@tsv", v(0), |cv| bome(table_row(&cv.1, Table::Tsv))),
        ("@sh", v(0), |cv| bome(shell_words(&cv.1))),
        ("@html", v(0), |cv| {
            bome(Ok(Val::str(html(&cv.1.to_text()))))
        }),
        ("@uri", v(0), |cv| bome(Ok(Val::str(uri(&cv.1.to_text()))))),
        ("@base64", v(0), |cv| {
            use base64::Engine;
            let text = cv.1.to_text();
            bome(Ok(Val::str(
                base64::engine::general_purpose::STANDARD.encode(text.as_bytes()),
            )))
        }),
        ("@base64d", v(0), |cv| bome(base64_decode(&cv.1))),
        ("input", v(0), |cv| {
            let next = cv.0.data().next_input();
            box_once(match next {
                Some(value) => Ok(value),
                None => Err(Exn::from(Error::str("No more inputs"))),
            })
        }),
        ("input_line_number", v(0), |cv| {
            bome(Ok(Val::from(cv.0.data().lines.get())))
        }),
        ("input_filename", v(0), |_| bome(Ok(Val::Null))),
        ("debug", v(0), |cv| {
            let line = format!("[\"DEBUG:\",{}]\n", cv.1.to_json());
            cv.0.data().say(line);
            box_once(Ok(cv.1))
        }),
        ("stderr", v(0), |cv| {
            cv.0.data().say(cv.1.to_json());
            box_once(Ok(cv.1))
        }),
        ("halt_error", v(1), |mut cv| {
            let code = cv.0.pop_var();
            let Some(code) = code.as_number() else {
                return bome(Err(type_error(&code, "halt_error/1: number required")));
            };
            // jq writes a string as it is, anything else as JSON and a newline.
            let message = match &cv.1 {
                Val::Str(text) => text.to_string(),
                other => format!("{}\n", other.to_json()),
            };
            cv.0.data().halt_with(message);
            box_once(Err(Exn::halt(code as i32)))
        }),
        ("ascii", v(0), |cv| {
            bome(match cv.1.as_number() {
                Some(n) if (0.0..128.0).contains(&n) => Ok(Val::str((n as u8 as char).to_string())),
                _ => Err(Error::str("ascii: not an ASCII codepoint")),
            })
        }),
    ])
}

fn from_json(value: &Val) -> ValR<Val> {
    match value {
        Val::Str(text) => Val::parse(text).map_err(Error::str),
        other => Err(type_error(other, "only strings can be parsed")),
    }
}

/// Exactly one JSON number (surrounding blanks allowed), as jq parses it.
fn to_number(value: Val) -> ValR<Val> {
    match &value {
        Val::Num(_) => Ok(value),
        Val::Str(text) => match Val::parse(text) {
            Ok(number @ Val::Num(_)) => Ok(number),
            Ok(_) => Err(type_error(&value, "cannot be parsed as a number")),
            Err(why) => Err(Error::str(why)),
        },
        other => Err(type_error(other, "cannot be parsed as a number")),
    }
}

fn length(value: &Val) -> ValR<Val> {
    match value {
        Val::Null => Ok(Val::from(0usize)),
        Val::Bool(_) => Err(type_error(value, "has no length")),
        Val::Num(n) => Ok(Val::number(n.value().abs())),
        Val::Str(text) => Ok(Val::from(text.chars().count())),
        Val::Arr(items) => Ok(Val::from(items.len())),
        Val::Obj(map) => Ok(Val::from(map.len())),
    }
}

fn keys(value: &Val, sorted: bool) -> ValR<Val> {
    match value {
        Val::Obj(map) => {
            let mut keys: Vec<&Arc<str>> = map.keys().collect();
            if sorted {
                keys.sort();
            }
            Ok(keys.into_iter().map(|k| Val::Str(k.clone())).collect())
        }
        Val::Arr(items) => Ok((0..items.len()).map(Val::from).collect()),
        other => Err(type_error(other, "has no keys")),
    }
}

fn has(value: &Val, key: &Val) -> ValR<Val> {
    match (value, key) {
        (Val::Obj(map), Val::Str(key)) => Ok(Val::Bool(map.contains_key(key))),
        (Val::Arr(items), Val::Num(n)) => Ok(Val::Bool(
            n.value() >= 0.0 && n.value() < items.len() as f64,
        )),
        (value, key) => Err(Error::str(format!(
            "Cannot check whether {} has a {} key",
            value.kind(),
            key.kind()
        ))),
    }
}

/// jq's containment: a substring, every element of `b` inside some element of `a`, every
/// key of `b` in `a` with a value that contains `b`'s; anything else, equality.
fn contains(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Str(a), Val::Str(b)) => a.contains(b.as_ref()),
        (Val::Arr(a), Val::Arr(b)) => b.iter().all(|b| a.iter().any(|a| contains(a, b))),
        (Val::Obj(a), Val::Obj(b)) => b
            .iter()
            .all(|(k, b)| a.get(k).is_some_and(|a| contains(a, b))),
        _ => a == b,
    }
}

fn trim(value: &Val, name: &str, f: impl Fn(&str) -> &str) -> ValR<Val> {
    match value {
        Val::Str(text) => Ok(Val::str(f(text))),
        other => Err(type_error(other, &format!("{name} input must be a string"))),
    }
}

fn implode(value: &Val) -> ValR<Val> {
    let Val::Arr(items) = value else {
        return Err(Error::str("implode input must be an array"));
    };
    let mut text = String::new();
    for item in items.iter() {
        let Some(n) = item.as_number() else {
            return Err(type_error(
                item,
                "can't be imploded, unicode codepoint needs to be numeric",
            ));
        };
        let c = char::from_u32(n as u32)
            .filter(|_| n >= 0.0)
            .unwrap_or(char::REPLACEMENT_CHARACTER);
        text.push(c);
    }
    Ok(Val::str(text))
}

fn math(value: &Val, f: impl Fn(f64) -> f64) -> ValR<Val> {
    match value.as_number() {
        Some(x) => Ok(Val::number(f(x))),
        None => Err(type_error(value, "number required")),
    }
}

/// `min` / `max`: the first least or the last greatest element (as jq), null for `[]`.
fn extreme(value: &Val, wanted: std::cmp::Ordering) -> ValR<Val> {
    let Val::Arr(items) = value else {
        return Err(type_error(value, "cannot be sorted, as it is not an array"));
    };
    let mut best: Option<&Val> = None;
    for item in items.iter() {
        best = match best {
            Some(current) => {
                let order = item.cmp(current);
                let replace = match wanted {
                    std::cmp::Ordering::Less => order == std::cmp::Ordering::Less,
                    _ => order != std::cmp::Ordering::Less,
                };
                Some(if replace { item } else { current })
            }
            None => Some(item),
        };
    }
    Ok(best.cloned().unwrap_or(Val::Null))
}

fn predicate(value: &Val, f: impl Fn(f64) -> bool) -> ValR<Val> {
    match value.as_number() {
        Some(x) => Ok(Val::Bool(f(x))),
        None => Err(type_error(value, "number required")),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Table {
    Csv,
    Tsv,
}

/// `@csv` / `@tsv` as jq 1.7.1 defines them: an array of scalars; null is an empty field;
/// strings quoted with `""` for a quote (CSV) or with `\t \r \n \\` escaped (TSV).
fn table_row(row: &Val, table: Table) -> ValR<Val> {
    let (name, separator) = match table {
        Table::Csv => ("csv", ","),
        Table::Tsv => ("tsv", "\t"),
    };
    let Val::Arr(fields) = row else {
        return Err(type_error(
            row,
            &format!("cannot be {name}-formatted, only an array can be"),
        ));
    };
    let mut line = String::new();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            line.push_str(separator);
        }
        match field {
            Val::Null => {}
            Val::Bool(_) | Val::Num(_) => line.push_str(&field.to_json()),
            Val::Str(text) => match table {
                Table::Csv => {
                    line.push('"');
                    line.push_str(&text.replace('"', "\"\""));
                    line.push('"');
                }
                Table::Tsv => {
                    for c in text.chars() {
                        match c {
                            '\t' => line.push_str("\\t"),
                            '\r' => line.push_str("\\r"),
                            '\n' => line.push_str("\\n"),
                            '\\' => line.push_str("\\\\"),
                            c => line.push(c),
                        }
                    }
                }
            },
            // jq says "csv row" for `@tsv` too.
            _ => return Err(type_error(field, "is not valid in a csv row")),
        }
    }
    Ok(Val::str(line))
}

/// `@sh`: a string single-quoted (`'` as `'\''`), a number, boolean or null as JSON; an array
/// is its elements so written, space-separated.
fn shell_words(input: &Val) -> ValR<Val> {
    let words: Vec<&Val> = match input {
        Val::Arr(items) => items.iter().collect(),
        one => vec![one],
    };
    let mut line = String::new();
    for (i, word) in words.into_iter().enumerate() {
        if i > 0 {
            line.push(' ');
        }
        match word {
            Val::Str(text) => {
                line.push('\'');
                line.push_str(&text.replace('\'', "'\\''"));
                line.push('\'');
            }
            Val::Null | Val::Bool(_) | Val::Num(_) => line.push_str(&word.to_json()),
            _ => return Err(type_error(word, "can not be escaped for shell")),
        }
    }
    Ok(Val::str(line))
}

fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#39;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// jq's `@uri`: every byte but the unreserved `A-Za-z0-9-_.~` as `%XX`.
fn uri(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn base64_decode(value: &Val) -> ValR<Val> {
    use base64::Engine;
    let text = value.to_text();
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    match engine.decode(text.trim_end_matches('=')) {
        Ok(bytes) => Ok(Val::str(String::from_utf8_lossy(&bytes).as_ref())),
        Err(_) => Err(type_error(value, "is not valid base64 data")),
    }
}

/// The value `$__loc__` has: where it is written in the expression (the line of its first
/// use; jq gives each use its own line).
pub fn location(expression: &str) -> Val {
    let line = expression
        .find("$__loc__")
        .map_or(1, |at| expression[..at].matches('\n').count() + 1);
    let mut map = Map::default();
    map.insert("file".into(), Val::str("<top-level>"));
    map.insert("line".into(), Val::from(line));
    Val::obj(map)
}

/// `-o json --jq`'s text for one output: pretty unless compact.
pub fn output_text(value: &Val, compact: bool) -> String {
    let mut out = String::new();
    if compact {
        write::compact(&mut out, value);
    } else {
        write::pretty(&mut out, value);
    }
    out
}
