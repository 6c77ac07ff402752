//! The values `--jq` filters run on, in jq 1.7.1's data model: JSON with numbers as doubles
//! that keep their literal text ([`Num`]), strings as UTF-8, objects in insertion order. jaq
//! runs the language; what a value does (indexing, slicing, arithmetic, ordering, printing,
//! and the words of its errors) is jq's: paths.rs has what jaq asks of a value (indexing,
//! slicing, updating), ops.rs the arithmetic and the order.

use super::number::Num;
use std::fmt;
use std::sync::Arc;

pub type Map = indexmap::IndexMap<Arc<str>, Val>;
pub type Error = jaq_core::Error<Val>;

#[derive(Clone, Debug, Default)]
pub enum Val {
    #[default]
    Null,
    Bool(bool),
    Num(Num),
    Str(Arc<str>),
    Arr(Arc<Vec<Val>>),
    Obj(Arc<Map>),
}

impl Val {
    pub fn str(text: impl Into<Arc<str>>) -> Val {
        Val::Str(text.into())
    }

    pub fn number(value: f64) -> Val {
        Val::Num(Num::new(value))
    }

    pub fn obj(map: Map) -> Val {
        Val::Obj(Arc::new(map))
    }

    /// jq's name for the value's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "boolean",
            Val::Num(_) => "number",
            Val::Str(_) => "string",
            Val::Arr(_) => "array",
            Val::Obj(_) => "object",
        }
    }

    /// jq's `tostring`: a string as it is, anything else as compact JSON.
    pub fn to_text(&self) -> Arc<str> {
        match self {
            Val::Str(text) => text.clone(),
            other => other.to_json().into(),
        }
    }

    pub fn as_number(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(n.value()),
            _ => None,
        }
    }

    /// The value from serde_json's tree (numbers keep their text).
    pub fn from_json(value: &serde_json::Value) -> Val {
        use serde_json::Value;
        match value {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => {
                let text = n.to_string();
                Val::Num(Num::parse(&text).unwrap_or_else(|| Num::new(n.as_f64().unwrap_or(0.0))))
            }
            Value::String(s) => Val::str(s.as_str()),
            Value::Array(items) => Val::Arr(Arc::new(items.iter().map(Val::from_json).collect())),
            Value::Object(map) => Val::obj(
                map.iter()
                    .map(|(k, v)| (Arc::from(k.as_str()), Val::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// One JSON text, whole (`fromjson`, `tonumber`): trailing values are an error.
    pub fn parse(text: &str) -> Result<Val, String> {
        if text.trim() == "nan" {
            return Ok(Val::number(f64::NAN));
        }
        serde_json::from_str::<serde_json::Value>(text)
            .map(|value| Val::from_json(&value))
            .map_err(|err| format!("{err} (while parsing '{text}')"))
    }

    pub(super) fn index_opt(&self, index: &Val) -> Result<Val, Error> {
        match (self, index) {
            (Val::Obj(map), Val::Str(key)) => Ok(map.get(key).cloned().unwrap_or(Val::Null)),
            (Val::Arr(items), Val::Num(n)) => {
                let Some(i) = n.as_isize() else {
                    return Ok(Val::Null);
                };
                let i = if i < 0 { i + items.len() as isize } else { i };
                Ok(usize::try_from(i)
                    .ok()
                    .and_then(|i| items.get(i))
                    .cloned()
                    .unwrap_or(Val::Null))
            }
            (Val::Arr(_) | Val::Str(_), Val::Obj(slice)) => {
                let start = slice.get("start");
                let end = slice.get("end");
                jaq_core::ValT::range(self.clone(), start..end)
            }
            (Val::Arr(items), Val::Arr(wanted)) => Ok(indices_of(items, wanted)),
            (Val::Null, Val::Str(_) | Val::Num(_) | Val::Obj(_)) => Ok(Val::Null),
            (container, key) => Err(index_error(container, key)),
        }
    }

    /// `[start, end)` of a slice of `len` items, as jq rounds and clips it.
    pub(super) fn slice_bounds(
        len: usize,
        range: jaq_core::val::Range<&Val>,
    ) -> Result<(usize, usize), Error> {
        let bound = |v: Option<&Val>, default: f64| match v {
            None | Some(Val::Null) => Ok(default),
            Some(Val::Num(n)) => Ok(n.value()),
            Some(_) => Err(Error::str(
                "Start and end indices of an array slice must be numbers",
            )),
        };
        let len_f = len as f64;
        let mut start = bound(range.start, 0.0)?;
        let mut end = bound(range.end, len_f)?;
        if start.is_nan() {
            start = 0.0;
        }
        if start < 0.0 {
            start += len_f;
        }
        let start = start.clamp(0.0, len_f).floor() as usize;
        if end.is_nan() {
            end = len_f;
        }
        if end < 0.0 {
            end += len_f;
        }
        let end = if end < 0.0 { start as f64 } else { end };
        let end = end.min(len_f).ceil() as usize;
        Ok((start, end.max(start)))
    }
}

/// `[1,2,1] | .[[1]]`: where `wanted` starts in `items`.
pub fn indices_of(items: &[Val], wanted: &[Val]) -> Val {
    if wanted.is_empty() {
        return Val::Null;
    }
    let found = items
        .windows(wanted.len())
        .enumerate()
        .filter(|(_, window)| *window == wanted)
        .map(|(i, _)| Val::from(i));
    Val::Arr(Arc::new(found.collect()))
}

/// jq's "kind (value)" with the value cut as jq cuts it in type errors (11 bytes, then "...").
pub fn quoted(value: &Val) -> String {
    format!("{} ({})", value.kind(), truncated(&value.to_json(), 15))
}

/// jq's `jv_dump_string_trunc`: text longer than `size - 1` bytes is cut to `size - 4` and
/// "..." (here at a character boundary, where jq may cut inside one).
pub fn truncated(text: &str, size: usize) -> String {
    if text.len() < size {
        return text.to_owned();
    }
    let mut end = size - 4;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

/// jq's errors about a value of the wrong kind: `number (1) cannot be negated`.
pub fn type_error(value: &Val, message: &str) -> Error {
    Error::str(format!("{} {message}", quoted(value)))
}

/// The same for two values: `object ({}) and number (1) cannot be added`.
pub fn type_error2(left: &Val, right: &Val, message: &str) -> Error {
    Error::str(format!("{} and {} {message}", quoted(left), quoted(right)))
}

pub(super) fn index_error(container: &Val, key: &Val) -> Error {
    match key {
        Val::Str(key) if key.len() < 30 => Error::str(format!(
            "Cannot index {} with string \"{key}\"",
            container.kind()
        )),
        key => Error::str(format!(
            "Cannot index {} with {}",
            container.kind(),
            key.kind()
        )),
    }
}

pub(super) fn iterate_error(value: &Val) -> Error {
    Error::str(format!(
        "Cannot iterate over {} ({})",
        value.kind(),
        truncated(&value.to_json(), 15)
    ))
}

/// The value behind a shared pointer, cloned only if it is shared.
pub(super) fn take<T: Clone>(shared: Arc<T>) -> T {
    Arc::try_unwrap(shared).unwrap_or_else(|shared| (*shared).clone())
}

impl From<bool> for Val {
    fn from(b: bool) -> Val {
        Val::Bool(b)
    }
}

impl From<isize> for Val {
    fn from(i: isize) -> Val {
        Val::number(i as f64)
    }
}

impl From<usize> for Val {
    fn from(i: usize) -> Val {
        Val::number(i as f64)
    }
}

impl From<f64> for Val {
    fn from(x: f64) -> Val {
        Val::number(x)
    }
}

impl From<String> for Val {
    fn from(s: String) -> Val {
        Val::str(s)
    }
}

impl From<jaq_core::val::Range<Val>> for Val {
    fn from(range: jaq_core::val::Range<Val>) -> Val {
        let mut map = Map::default();
        map.insert("start".into(), range.start.unwrap_or_default());
        map.insert("end".into(), range.end.unwrap_or_default());
        Val::obj(map)
    }
}

impl FromIterator<Val> for Val {
    fn from_iter<T: IntoIterator<Item = Val>>(iter: T) -> Val {
        Val::Arr(Arc::new(iter.into_iter().collect()))
    }
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}
