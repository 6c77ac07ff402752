//! Rust source read as far as the import graph needs: the paths a file names (outside test
//! code) and the names it defines. A small lexer, not a parser: comments, strings, chars and
//! lifetimes are skipped, and paths are read from `use` trees and from code alike.

use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Path, // ::
    Punct(char),
}

/// Rust source as identifiers, `::` and punctuation, without comments, strings, chars and
/// lifetimes; each token with its line.
fn tokens(source: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let skip_to = |i: &mut usize, line: &mut usize, end: usize| {
        for c in &chars[*i..end.min(chars.len())] {
            if *c == '\n' {
                *line += 1;
            }
        }
        *i = end;
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            let mut j = i;
            while j < chars.len() {
                if chars[j] == '/' && chars.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 2;
                } else if chars[j] == '*' && chars.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            skip_to(&mut i, &mut line, j);
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && raw_string_at(&chars, i) {
            let mut j = i + 1;
            let mut hashes = 0;
            while chars[j] == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1; // the opening quote
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && chars[j + 1..].iter().take(hashes).all(|c| *c == '#') {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            skip_to(&mut i, &mut line, j);
        } else if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            skip_to(&mut i, &mut line, j + 1);
        } else if c == '\'' {
            // A char literal ('a', '\n', '\u{1b}', '{') or a lifetime ('a, 'static).
            if next == Some('\\') {
                let mut j = i + 2;
                while j < chars.len() && chars[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            // b"bytes" and b'x' are literals, not the identifier b.
            let word: String = chars[start..i].iter().collect();
            if word == "b" && matches!(chars.get(i), Some('"') | Some('\'')) {
                continue;
            }
            out.push((Token::Ident(word), line));
        } else if c == ':' && next == Some(':') {
            out.push((Token::Path, line));
            i += 2;
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
        } else {
            out.push((Token::Punct(c), line));
            i += 1;
        }
    }
    out
}

fn raw_string_at(chars: &[char], i: usize) -> bool {
    let mut j = i + 1;
    while chars.get(j) == Some(&'#') {
        j += 1;
    }
    chars.get(j) == Some(&'"')
        && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'))
}

/// One path found in a file: its segments as written (`crate`, `config`, `ConfigFiles`), the
/// line, the inline-module depth it was written at (for `super`), and whether it is a
/// `pub use` (a re-export).
#[derive(Debug, Clone)]
pub(super) struct Found {
    pub(super) segments: Vec<String>,
    pub(super) line: usize,
    pub(super) depth: usize,
    pub(super) reexport: bool,
}

/// What one file holds: the paths it names (test code left out) and the names it defines.
#[derive(Debug, Default)]
pub(super) struct FileFacts {
    pub(super) paths: Vec<Found>,
    pub(super) defines: BTreeSet<String>,
}

fn ident(tokens: &[(Token, usize)], i: usize) -> Option<&str> {
    match tokens.get(i) {
        Some((Token::Ident(word), _)) => Some(word),
        _ => None,
    }
}

fn punct(tokens: &[(Token, usize)], i: usize, c: char) -> bool {
    matches!(tokens.get(i), Some((Token::Punct(p), _)) if *p == c)
}

/// The index after the item that starts at `i`: through its matching `}` or its `;`.
fn item_end(tokens: &[(Token, usize)], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < tokens.len() {
        match tokens[i].0 {
            Token::Punct('{') => depth += 1,
            Token::Punct('}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            Token::Punct(';') if depth == 0 => return i + 1,
            _ => {}
        }
        i += 1;
    }
    i
}

/// Whether the attribute starting at `#` (index `i`) is `#[cfg(test)]`, and where it ends.
fn attribute(tokens: &[(Token, usize)], i: usize) -> Option<(bool, usize)> {
    if !punct(tokens, i, '#') || !punct(tokens, i + 1, '[') {
        return None;
    }
    let mut depth = 0usize;
    let mut j = i + 1;
    while j < tokens.len() {
        match tokens[j].0 {
            Token::Punct('[') => depth += 1,
            Token::Punct(']') => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        j += 1;
    }
    // cfg(test), cfg(all(test, unix)): compiled for tests only (not cfg(not(test))).
    let body = &tokens[i + 2..j];
    let word = |w: &str| body.iter().any(|(t, _)| *t == Token::Ident(w.into()));
    let is_test = ident(body, 0) == Some("cfg") && word("test") && !word("not");
    Some((is_test, j + 1))
}

/// The full paths of a use tree starting at `i` (after `use`), and the index after it.
fn use_tree(
    tokens: &[(Token, usize)],
    mut i: usize,
    prefix: &[String],
) -> (Vec<Vec<String>>, usize) {
    let mut path = prefix.to_vec();
    let mut paths = Vec::new();
    loop {
        match tokens.get(i).map(|(t, _)| t) {
            Some(Token::Ident(word)) if word == "as" => {
                i += 2; // the alias
            }
            Some(Token::Ident(word)) => {
                path.push(word.clone());
                i += 1;
            }
            Some(Token::Path) => i += 1,
            Some(Token::Punct('*')) => {
                path.push("*".into());
                i += 1;
            }
            Some(Token::Punct('{')) => {
                i += 1;
                loop {
                    let (inner, next) = use_tree(tokens, i, &path);
                    paths.extend(inner);
                    i = next;
                    if punct(tokens, i, ',') {
                        i += 1;
                    }
                    if punct(tokens, i, '}') {
                        i += 1;
                        break;
                    }
                    if i >= tokens.len() {
                        break;
                    }
                }
                return (paths, i);
            }
            _ => break,
        }
    }
    if path.len() > prefix.len() {
        paths.push(path);
    }
    (paths, i)
}

pub(super) fn facts(source: &str) -> FileFacts {
    let tokens = tokens(source);
    let mut facts = FileFacts::default();
    // Closing-brace indexes of the inline modules we are in.
    let mut inline_ends: Vec<usize> = Vec::new();
    let mut i = 0;
    let mut public = false;
    while i < tokens.len() {
        while inline_ends.last().is_some_and(|end| i >= *end) {
            inline_ends.pop();
        }
        if let Some((is_test, after)) = attribute(&tokens, i) {
            // Other attributes are read on: `#[arg(add = …(crate::complete::profiles))]`
            // is a dependency too.
            i = if is_test {
                item_end(&tokens, after)
            } else {
                i + 2
            };
            continue;
        }
        let Some(word) = ident(&tokens, i) else {
            public = false;
            i += 1;
            continue;
        };
        match word {
            "pub" => {
                public = true;
                i += 1;
                // pub(crate), pub(super), pub(in …)
                if punct(&tokens, i, '(') {
                    while !punct(&tokens, i, ')') {
                        i += 1;
                    }
                    i += 1;
                }
                continue;
            }
            "use" => {
                let line = tokens[i].1;
                let (paths, next) = use_tree(&tokens, i + 1, &[]);
                for segments in paths {
                    facts.paths.push(Found {
                        segments,
                        line,
                        depth: inline_ends.len(),
                        reexport: public,
                    });
                }
                i = next;
            }
            "mod" => {
                if let Some(name) = ident(&tokens, i + 1) {
                    facts.defines.insert(name.to_owned());
                }
                if punct(&tokens, i + 2, '{') {
                    inline_ends.push(item_end(&tokens, i + 2));
                }
                i += 2;
            }
            "fn" | "struct" | "enum" | "const" | "static" | "type" | "trait" | "union" => {
                if let Some(name) = ident(&tokens, i + 1) {
                    facts.defines.insert(name.to_owned());
                }
                i += 1;
            }
            "macro_rules" => {
                if let Some(name) = ident(&tokens, i + 2) {
                    facts.defines.insert(name.to_owned());
                }
                i += 1;
            }
            _ if matches!(tokens.get(i + 1), Some((Token::Path, _))) => {
                // An inline path: crate::a::b, super::super::x, self::m::f, child::f (a
                // child module's item), or another crate's (std::…), dropped later.
                let line = tokens[i].1;
                let mut segments = vec![word.to_owned()];
                let mut j = i + 1;
                while matches!(tokens.get(j), Some((Token::Path, _))) {
                    match ident(&tokens, j + 1) {
                        Some(next) => segments.push(next.to_owned()),
                        None => break,
                    }
                    j += 2;
                }
                facts.paths.push(Found {
                    segments,
                    line,
                    depth: inline_ends.len(),
                    reexport: false,
                });
                i = j;
            }
            _ => i += 1,
        }
        public = false;
    }
    facts
}
