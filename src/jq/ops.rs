//! jq 1.7.1's arithmetic and order on values, with its error messages.

use super::value::{Map, Val, take, type_error, type_error2};
use jaq_core::ValR;
use std::cmp::Ordering;
use std::sync::Arc;

impl std::ops::Add for Val {
    type Output = ValR<Val>;
    fn add(self, other: Val) -> ValR<Val> {
        match (self, other) {
            (Val::Null, x) | (x, Val::Null) => Ok(x),
            (Val::Num(x), Val::Num(y)) => Ok(Val::number(x.value() + y.value())),
            (Val::Str(x), Val::Str(y)) => Ok(Val::str(format!("{x}{y}"))),
            (Val::Arr(x), Val::Arr(y)) => {
                let mut items = take(x);
                items.extend(y.iter().cloned());
                Ok(Val::Arr(Arc::new(items)))
            }
            (Val::Obj(x), Val::Obj(y)) => {
                let mut map = take(x);
                map.extend(y.iter().map(|(k, v)| (k.clone(), v.clone())));
                Ok(Val::obj(map))
            }
            (x, y) => Err(type_error2(&x, &y, "cannot be added")),
        }
    }
}

impl std::ops::Sub for Val {
    type Output = ValR<Val>;
    fn sub(self, other: Val) -> ValR<Val> {
        match (self, other) {
            (Val::Num(x), Val::Num(y)) => Ok(Val::number(x.value() - y.value())),
            (Val::Arr(x), Val::Arr(y)) => {
                let mut items = take(x);
                items.retain(|item| !y.contains(item));
                Ok(Val::Arr(Arc::new(items)))
            }
            (x, y) => Err(type_error2(&x, &y, "cannot be subtracted")),
        }
    }
}

fn deep_merge(left: &mut Map, right: &Map) {
    for (key, value) in right {
        match (left.get_mut(key), value) {
            (Some(Val::Obj(l)), Val::Obj(r)) => deep_merge(Arc::make_mut(l), r),
            _ => {
                left.insert(key.clone(), value.clone());
            }
        }
    }
}

impl std::ops::Mul for Val {
    type Output = ValR<Val>;
    fn mul(self, other: Val) -> ValR<Val> {
        match (self, other) {
            (Val::Num(x), Val::Num(y)) => Ok(Val::number(x.value() * y.value())),
            (Val::Str(s), Val::Num(n)) | (Val::Num(n), Val::Str(s)) => {
                // jq 1.7.1 repeats the string n times (n truncated); a negative n is null.
                let times = n.value();
                if times < 0.0 || times.is_nan() {
                    return Ok(Val::Null);
                }
                Ok(Val::str(s.repeat(times.min(i32::MAX as f64) as usize)))
            }
            (Val::Obj(x), Val::Obj(y)) => {
                let mut map = take(x);
                deep_merge(&mut map, &y);
                Ok(Val::obj(map))
            }
            (x, y) => Err(type_error2(&x, &y, "cannot be multiplied")),
        }
    }
}

impl std::ops::Div for Val {
    type Output = ValR<Val>;
    fn div(self, other: Val) -> ValR<Val> {
        match (self, other) {
            (Val::Num(x), Val::Num(y)) if y.value() == 0.0 => Err(type_error2(
                &Val::Num(x),
                &Val::Num(y),
                "cannot be divided because the divisor is zero",
            )),
            (Val::Num(x), Val::Num(y)) => Ok(Val::number(x.value() / y.value())),
            (Val::Str(x), Val::Str(y)) => Ok(split_string(&x, &y)),
            (x, y) => Err(type_error2(&x, &y, "cannot be divided")),
        }
    }
}

/// `"a,b" / ","`, `split(",")`: jq's split, where an empty string is `[]`.
pub fn split_string(text: &str, separator: &str) -> Val {
    if text.is_empty() {
        return Val::Arr(Arc::new(Vec::new()));
    }
    if separator.is_empty() {
        return text.chars().map(|c| Val::str(c.to_string())).collect();
    }
    text.split(separator).map(Val::str).collect()
}

impl std::ops::Rem for Val {
    type Output = ValR<Val>;
    fn rem(self, other: Val) -> ValR<Val> {
        match (self, other) {
            (Val::Num(x), Val::Num(y)) => {
                // jq 1.7.1 takes both sides as integers (truncated) and keeps the dividend's
                // sign; a divisor that truncates to 0 is an error.
                let (a, b) = (x.value(), y.value());
                if a.is_nan() || b.is_nan() {
                    return Ok(Val::number(f64::NAN));
                }
                let (a, b) = (a as i64, b as i64);
                if b == 0 {
                    return Err(type_error2(
                        &Val::Num(x),
                        &Val::Num(y),
                        "cannot be divided because the divisor is zero",
                    ));
                }
                let r = a.unsigned_abs() % b.unsigned_abs();
                let r = if a < 0 { -(r as f64) } else { r as f64 };
                Ok(Val::number(r))
            }
            (x, y) => Err(type_error2(&x, &y, "cannot be divided")),
        }
    }
}

impl std::ops::Neg for Val {
    type Output = ValR<Val>;
    fn neg(self) -> ValR<Val> {
        match self {
            Val::Num(n) => Ok(Val::number(-n.value())),
            other => Err(type_error(&other, "cannot be negated")),
        }
    }
}

/// jq's order: null < false < true < numbers < strings < arrays < objects; objects by their
/// sorted keys, then by the values under them. NaN sorts below every number.
fn order(left: &Val, right: &Val) -> Ordering {
    fn rank(v: &Val) -> u8 {
        match v {
            Val::Null => 0,
            Val::Bool(false) => 1,
            Val::Bool(true) => 2,
            Val::Num(_) => 3,
            Val::Str(_) => 4,
            Val::Arr(_) => 5,
            Val::Obj(_) => 6,
        }
    }
    match (left, right) {
        (Val::Num(x), Val::Num(y)) => {
            let (x, y) = (x.value(), y.value());
            match (x.is_nan(), y.is_nan()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            }
        }
        (Val::Str(x), Val::Str(y)) => x.cmp(y),
        (Val::Arr(x), Val::Arr(y)) => {
            for (a, b) in x.iter().zip(y.iter()) {
                match order(a, b) {
                    Ordering::Equal => {}
                    other => return other,
                }
            }
            x.len().cmp(&y.len())
        }
        (Val::Obj(x), Val::Obj(y)) => {
            let mut xk: Vec<&Arc<str>> = x.keys().collect();
            let mut yk: Vec<&Arc<str>> = y.keys().collect();
            xk.sort();
            yk.sort();
            xk.cmp(&yk).then_with(|| {
                for key in xk {
                    match order(&x[key], &y[key]) {
                        Ordering::Equal => {}
                        other => return other,
                    }
                }
                Ordering::Equal
            })
        }
        _ => rank(left).cmp(&rank(right)),
    }
}

fn has_nan(v: &Val) -> bool {
    matches!(v, Val::Num(n) if n.value().is_nan())
}

impl PartialEq for Val {
    /// jq's `==`: NaN equals nothing, itself included.
    fn eq(&self, other: &Val) -> bool {
        !has_nan(self) && !has_nan(other) && order(self, other) == Ordering::Equal
    }
}

impl Eq for Val {}

// `<` and `sort` disagree on purpose, as in jq: NaN < NaN holds, yet sorting needs a total
// order, where all NaNs are equal.
#[allow(clippy::non_canonical_partial_ord_impl)]
impl PartialOrd for Val {
    /// jq's `<`: NaN is less than any number, itself included.
    fn partial_cmp(&self, other: &Val) -> Option<Ordering> {
        if has_nan(self) && matches!(other, Val::Num(_)) {
            return Some(Ordering::Less);
        }
        Some(order(self, other))
    }
}

impl Ord for Val {
    /// The total order `sort` and `group_by` use.
    fn cmp(&self, other: &Val) -> Ordering {
        order(self, other)
    }
}
