//! What jaq asks of a value to run jq's paths: iterating, indexing, slicing and updating
//! (`.[]`, `.[k]`, `.[s:e]`, `|=`), as jq 1.7.1 does them.

use super::number::Num;
use super::value::{Error, Map, Val, index_error, iterate_error, take};
use jaq_core::box_iter::box_once;
use jaq_core::path::Opt;
use jaq_core::{Exn, ValR, ValX};
use std::sync::Arc;

impl jaq_core::ValT for Val {
    fn from_num(text: &str) -> ValR<Val> {
        Num::parse(text)
            .map(Val::Num)
            .ok_or_else(|| Error::str(format!("invalid number {text}")))
    }

    fn from_map<I: IntoIterator<Item = (Val, Val)>>(entries: I) -> ValR<Val> {
        let mut map = Map::default();
        for (key, value) in entries {
            match key {
                Val::Str(key) => {
                    map.insert(key, value);
                }
                key => {
                    return Err(Error::str(format!(
                        "Object keys must be strings, not {}",
                        key.kind()
                    )));
                }
            }
        }
        Ok(Val::obj(map))
    }

    fn key_values(self) -> Box<dyn Iterator<Item = ValR<(Val, Val), Val>>> {
        match self {
            Val::Arr(items) => Box::new(
                take(items)
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| Ok((Val::from(i), v))),
            ),
            Val::Obj(map) => Box::new(take(map).into_iter().map(|(k, v)| Ok((Val::Str(k), v)))),
            other => box_once(Err(iterate_error(&other))),
        }
    }

    fn values(self) -> Box<dyn Iterator<Item = ValR<Val>>> {
        match self {
            Val::Arr(items) => Box::new(take(items).into_iter().map(Ok)),
            Val::Obj(map) => Box::new(take(map).into_values().map(Ok)),
            other => box_once(Err(iterate_error(&other))),
        }
    }

    fn index(self, index: &Val) -> ValR<Val> {
        self.index_opt(index)
    }

    fn range(self, range: jaq_core::val::Range<&Val>) -> ValR<Val> {
        match &self {
            Val::Arr(items) => {
                let (start, end) = Val::slice_bounds(items.len(), range)?;
                Ok(Val::Arr(Arc::new(items[start..end].to_vec())))
            }
            Val::Str(text) => {
                let (start, end) = Val::slice_bounds(text.chars().count(), range)?;
                Ok(Val::str(
                    text.chars()
                        .skip(start)
                        .take(end - start)
                        .collect::<String>(),
                ))
            }
            Val::Null => Ok(Val::Null),
            other => Err(Error::str(format!(
                "Cannot index {} with object",
                other.kind()
            ))),
        }
    }

    fn map_values<'a, I: Iterator<Item = ValX<'a, Val>>>(
        self,
        opt: Opt,
        f: impl Fn(Val) -> I,
    ) -> ValX<'a, Val> {
        match self {
            Val::Arr(items) => {
                let items: Result<Vec<Val>, _> = take(items).into_iter().flat_map(&f).collect();
                Ok(Val::Arr(Arc::new(items?)))
            }
            Val::Obj(map) => {
                let mut out = Map::default();
                for (key, value) in take(map) {
                    if let Some(value) = f(value).next() {
                        out.insert(key, value?);
                    }
                }
                Ok(Val::obj(out))
            }
            other => opt.fail(other, |v| Exn::from(iterate_error(&v))),
        }
    }

    fn map_index<'a, I: Iterator<Item = ValX<'a, Val>>>(
        self,
        index: &Val,
        opt: Opt,
        f: impl Fn(Val) -> I,
    ) -> ValX<'a, Val> {
        if let (Val::Arr(_) | Val::Str(_), Val::Obj(slice)) = (&self, index) {
            let range = slice.get("start")..slice.get("end");
            return self.map_range(range, opt, f);
        }
        match (self, index) {
            (Val::Obj(map), Val::Str(key)) => {
                let mut map = take(map);
                let old = map.get(key).cloned().unwrap_or(Val::Null);
                match f(old).next().transpose()? {
                    Some(new) => {
                        map.insert(key.clone(), new);
                    }
                    None => {
                        map.shift_remove(key);
                    }
                }
                Ok(Val::obj(map))
            }
            (Val::Null, Val::Str(key)) => {
                let mut map = Map::default();
                if let Some(new) = f(Val::Null).next().transpose()? {
                    map.insert(key.clone(), new);
                }
                Ok(Val::obj(map))
            }
            (Val::Arr(items), Val::Num(n)) => {
                let mut items = take(items);
                let Some(i) = n.as_isize() else {
                    return Err(Exn::from(Error::str(
                        "Cannot set array element at NaN index",
                    )));
                };
                let i = if i < 0 { i + items.len() as isize } else { i };
                let Ok(i) = usize::try_from(i) else {
                    return opt.fail(Val::Arr(Arc::new(items)), |_| {
                        Exn::from(Error::str("Out of bounds negative array index"))
                    });
                };
                let old = items.get(i).cloned().unwrap_or(Val::Null);
                match f(old).next().transpose()? {
                    Some(new) => {
                        if i >= items.len() {
                            items.resize(i + 1, Val::Null);
                        }
                        items[i] = new;
                    }
                    None if i < items.len() => {
                        items.remove(i);
                    }
                    None => {}
                }
                Ok(Val::Arr(Arc::new(items)))
            }
            (Val::Null, Val::Num(_)) => {
                let items = Val::Arr(Arc::new(Vec::new()));
                items.map_index(index, opt, f)
            }
            (container, key) => opt.fail(container, |c| Exn::from(index_error(&c, key))),
        }
    }

    fn map_range<'a, I: Iterator<Item = ValX<'a, Val>>>(
        self,
        range: jaq_core::val::Range<&Val>,
        opt: Opt,
        f: impl Fn(Val) -> I,
    ) -> ValX<'a, Val> {
        match self {
            Val::Arr(items) => {
                let mut items = take(items);
                let (start, end) = match Val::slice_bounds(items.len(), range) {
                    Ok(bounds) => bounds,
                    Err(err) => return opt.fail(Val::Arr(Arc::new(items)), |_| Exn::from(err)),
                };
                let slice = Val::Arr(Arc::new(items[start..end].to_vec()));
                let new = match f(slice).next().transpose()? {
                    Some(Val::Arr(new)) => take(new),
                    Some(other) => {
                        return Err(Exn::from(Error::str(format!(
                            "A slice of an array can only be assigned another array, not {}",
                            other.kind()
                        ))));
                    }
                    None => Vec::new(),
                };
                items.splice(start..end, new);
                Ok(Val::Arr(Arc::new(items)))
            }
            Val::Null => Ok(Val::Null),
            other => opt.fail(other, |v| {
                Exn::from(Error::str(format!(
                    "Cannot update field at object index of {}",
                    v.kind()
                )))
            }),
        }
    }

    fn as_bool(&self) -> bool {
        !matches!(self, Val::Null | Val::Bool(false))
    }

    fn into_string(self) -> Val {
        Val::Str(self.to_text())
    }
}

impl jaq_std::ValT for Val {
    fn into_seq<S: FromIterator<Val>>(self) -> Result<S, Val> {
        match self {
            Val::Arr(items) => Ok(take(items).into_iter().collect()),
            other => Err(other),
        }
    }

    fn is_int(&self) -> bool {
        matches!(self, Val::Num(n) if n.is_integral())
    }

    fn as_isize(&self) -> Option<isize> {
        match self {
            Val::Num(n) => n.as_isize(),
            _ => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        self.as_number()
    }

    fn is_utf8_str(&self) -> bool {
        matches!(self, Val::Str(_))
    }

    fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Val::Str(text) => Some(text.as_bytes()),
            _ => None,
        }
    }

    fn as_sub_str(&self, sub: &[u8]) -> Val {
        match self {
            Val::Str(text) => {
                let start = sub.as_ptr() as usize - text.as_ptr() as usize;
                Val::str(&text[start..start + sub.len()])
            }
            _ => panic!("as_sub_str on a value that is not a string"),
        }
    }

    fn from_utf8_bytes(bytes: impl AsRef<[u8]> + Send + 'static) -> Val {
        Val::str(String::from_utf8_lossy(bytes.as_ref()).as_ref())
    }
}
