//! jq 1.7.1's `_match_impl`, on which `test`, `match`, `capture`, `scan`, `splits`, `sub` and
//! `gsub` are defined (defs.jq). jq uses Oniguruma; the `regex` crate agrees with it on what
//! scripts use: Unicode classes (`\w`, `\p{Lu}`), case-insensitive matching beyond ASCII,
//! named groups. Offsets and lengths are in codepoints, as jq counts them.

use super::value::{Error, Map, Val, type_error};
use std::sync::Arc;

/// The flags jq takes: g (every match), i, x (extended), m / p (dot matches a newline), s
/// (the default here), l (longest: the leftmost-first match is kept), n (no empty matches).
struct Flags {
    global: bool,
    skip_empty: bool,
}

fn compile(pattern: &str, flags: &Val) -> Result<(regex::Regex, Flags), Error> {
    let mut builder = regex::RegexBuilder::new(pattern);
    let mut parsed = Flags {
        global: false,
        skip_empty: false,
    };
    match flags {
        Val::Null => {}
        Val::Str(letters) => {
            for letter in letters.chars() {
                match letter {
                    'g' => parsed.global = true,
                    'i' => {
                        builder.case_insensitive(true);
                    }
                    'x' => {
                        builder.ignore_whitespace(true);
                    }
                    'm' | 'p' => {
                        builder.dot_matches_new_line(true);
                    }
                    's' | 'l' => {}
                    'n' => parsed.skip_empty = true,
                    _ => {
                        return Err(Error::str(format!(
                            "{letters} is not a valid modifier string"
                        )));
                    }
                }
            }
        }
        other => return Err(type_error(other, "is not a string")),
    }
    let regex = builder.build().map_err(|err| {
        let detail = match &err {
            regex::Error::Syntax(text) => text.lines().last().unwrap_or(text).to_owned(),
            other => other.to_string(),
        };
        Error::str(format!(
            "Regex failure: {}",
            detail.trim_start_matches("error: ")
        ))
    })?;
    Ok((regex, parsed))
}

/// `input | _match_impl(re; flags; test)`: with `test` a boolean, else an array of jq's match
/// objects (`offset`, `length`, `string`, `captures`).
pub fn match_impl(input: &Val, pattern: &Val, flags: &Val, test: &Val) -> Result<Val, Error> {
    let Val::Str(text) = input else {
        return Err(type_error(
            input,
            "cannot be matched, as it is not a string",
        ));
    };
    let Val::Str(pattern) = pattern else {
        return Err(type_error(pattern, "is not a string"));
    };
    let (regex, flags) = compile(pattern, flags)?;
    if jaq_core::ValT::as_bool(test) {
        return Ok(Val::Bool(regex.is_match(text)));
    }
    let names: Vec<Option<&str>> = regex.capture_names().collect();
    let chars_before = |byte: usize| text[..byte].chars().count();
    let mut matches = Vec::new();
    let mut start = 0;
    while start <= text.len() {
        let Some(found) = regex.captures_at(text, start) else {
            break;
        };
        let whole = found.get(0).expect("group 0 is the match");
        if whole.is_empty() {
            if !flags.skip_empty {
                let offset = chars_before(whole.start());
                let captures = names[1..]
                    .iter()
                    .map(|name| capture(Some(offset), 0, Some(""), *name, true))
                    .collect();
                matches.push(match_object(offset, 0, "", captures));
            }
            // As jq: past the empty match by one byte, to the next character.
            let mut next = whole.end() + 1;
            while next < text.len() && !text.is_char_boundary(next) {
                next += 1;
            }
            start = next;
        } else {
            let offset = chars_before(whole.start());
            let length = whole.as_str().chars().count();
            let captures = (1..names.len())
                .map(|i| match found.get(i) {
                    Some(group) if group.is_empty() => capture(
                        Some(chars_before(group.start())),
                        0,
                        Some(""),
                        names[i],
                        true,
                    ),
                    Some(group) => capture(
                        Some(chars_before(group.start())),
                        group.as_str().chars().count(),
                        Some(group.as_str()),
                        names[i],
                        false,
                    ),
                    None => capture(None, 0, None, names[i], true),
                })
                .collect();
            matches.push(match_object(offset, length, whole.as_str(), captures));
            start = whole.end();
        }
        if !flags.global || start >= text.len() {
            break;
        }
    }
    Ok(Val::Arr(Arc::new(matches)))
}

fn match_object(offset: usize, length: usize, string: &str, captures: Vec<Val>) -> Val {
    let mut map = Map::default();
    map.insert("offset".into(), Val::from(offset));
    map.insert("length".into(), Val::from(length));
    map.insert("string".into(), Val::str(string));
    map.insert("captures".into(), Val::Arr(Arc::new(captures)));
    Val::obj(map)
}

/// One capture, its keys in jq's order: an empty or unmatched group is written
/// `offset, string, length, name`, a matched one `offset, length, string, name`.
/// An unmatched group has no offset (jq writes -1).
fn capture(
    offset: Option<usize>,
    length: usize,
    string: Option<&str>,
    name: Option<&str>,
    empty: bool,
) -> Val {
    let mut map = Map::default();
    let offset = offset.map_or(Val::number(-1.0), Val::from);
    let string = string.map_or(Val::Null, Val::str);
    map.insert("offset".into(), offset);
    if empty {
        map.insert("string".into(), string);
        map.insert("length".into(), Val::from(length));
    } else {
        map.insert("length".into(), Val::from(length));
        map.insert("string".into(), string);
    }
    map.insert("name".into(), name.map_or(Val::Null, Val::str));
    Val::obj(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str, pattern: &str, flags: &str) -> String {
        match_impl(
            &Val::str(input),
            &Val::str(pattern),
            &Val::str(flags),
            &Val::Bool(false),
        )
        .map(|v| v.to_json())
        .unwrap_or_else(|e| e.into_val().to_text().to_string())
    }

    #[test]
    fn matches_are_jq_objects_in_codepoints() {
        assert_eq!(
            run("Édge-01", "(?<d>[0-9])(x)?", "g"),
            r#"[{"offset":5,"length":1,"string":"0","captures":[{"offset":5,"length":1,"string":"0","name":"d"},{"offset":-1,"string":null,"length":0,"name":null}]},{"offset":6,"length":1,"string":"1","captures":[{"offset":6,"length":1,"string":"1","name":"d"},{"offset":-1,"string":null,"length":0,"name":null}]}]"#
        );
        assert_eq!(run("abc", "", "g").matches("offset").count(), 3);
        assert_eq!(run("abc", "", "gn"), "[]");
        assert_eq!(
            run("aXa", "x", "i"),
            r#"[{"offset":1,"length":1,"string":"X","captures":[]}]"#
        );
        assert_eq!(run("a", "a", "q"), "q is not a valid modifier string");
        assert!(run("a", "[", "").starts_with("Regex failure: "));
        let test = |input: &str, pattern: &str, flags: &str| {
            match_impl(
                &Val::str(input),
                &Val::str(pattern),
                &Val::str(flags),
                &Val::Bool(true),
            )
            .unwrap()
            .to_json()
        };
        assert_eq!(test("é", "É", "i"), "true");
        assert_eq!(test("Édge", r"\p{Lu}", ""), "true");
        assert_eq!(test("a\nb", "a.b", ""), "false");
        assert_eq!(test("a\nb", "a.b", "p"), "true");
        let err = match_impl(
            &Val::number(1.0),
            &Val::str("a"),
            &Val::Null,
            &Val::Bool(true),
        );
        assert_eq!(
            &*err.unwrap_err().into_val().to_text(),
            "number (1) cannot be matched, as it is not a string"
        );
    }
}
