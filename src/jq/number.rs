//! jq 1.7.1's numbers: an IEEE double, and, for a number read from JSON or written in the
//! filter and not computed on since, the text it was written with. jq prints such a number
//! from its text (canonicalized as decNumber does: `1.0` stays `1.0`, `1e2` is `1E+2`, a
//! 25-digit integer keeps every digit), and any other number with the shortest digits that
//! read back to the same double, laid out as jq's `jvp_dtoa_fmt` lays them (`5`, `1e+17`,
//! `1e-05`), infinities clamped to the largest finite double and NaN printed as `null`.

use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct Num {
    value: f64,
    /// The canonical text of a literal that arithmetic has not touched.
    literal: Option<Arc<str>>,
}

impl Num {
    /// A computed number.
    pub fn new(value: f64) -> Num {
        Num {
            value,
            literal: None,
        }
    }

    /// A number as written in JSON text (or the filter); `None` when `text` is not a JSON
    /// number. `nan` is accepted, as jq's parser accepts it.
    pub fn parse(text: &str) -> Option<Num> {
        if text == "nan" {
            return Some(Num::new(f64::NAN));
        }
        let literal = canonical(text)?;
        let value = text.parse::<f64>().ok()?;
        Some(Num {
            value,
            literal: Some(literal.into()),
        })
    }

    pub fn value(&self) -> f64 {
        self.value
    }

    /// jq's text for the number (`null` for NaN).
    pub fn text(&self) -> String {
        if self.value.is_nan() {
            return "null".to_owned();
        }
        match &self.literal {
            Some(literal) => literal.to_string(),
            None => format_double(self.value),
        }
    }

    /// The whole number a double truncates to, as jq takes an index or a count.
    pub fn as_isize(&self) -> Option<isize> {
        let value = self.value;
        if value.is_nan() {
            return None;
        }
        Some(value as isize)
    }

    pub fn is_integral(&self) -> bool {
        self.value.is_finite() && self.value.fract() == 0.0
    }
}

/// A double as jq 1.7.1 prints it.
pub fn format_double(value: f64) -> String {
    if value.is_nan() {
        return "null".to_owned();
    }
    let value = value.clamp(-f64::MAX, f64::MAX);
    // Rust's `{:e}` gives the shortest digits that read back to the same double, as jq's
    // dtoa mode 0 does: `d[.ddd]e[-]x`.
    let scientific = format!("{:e}", value.abs());
    let (mantissa, exponent) = scientific
        .split_once('e')
        .expect("`{:e}` always has an exponent");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exponent: i32 = exponent.parse().expect("`{:e}` exponents are integers");
    let digits = even_on_a_tie(value.abs(), digits, exponent);
    let mut out = String::new();
    if value.is_sign_negative() {
        out.push('-');
    }
    if digits == "0" {
        out.push('0');
        return out;
    }
    // The decimal point sits after `point` digits.
    let point = exponent + 1;
    let count = digits.len() as i32;
    if point <= -4 || point > count + 15 {
        out.push_str(&digits[..1]);
        if count > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let shown = point - 1;
        out.push_str(if shown < 0 { "e-" } else { "e+" });
        out.push_str(&format!("{:02}", shown.abs()));
    } else if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(&digits);
    } else if point >= count {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (point - count) as usize));
    } else {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    }
    out
}

/// The shortest digits of a double are sometimes two, equally near it (1e15 + 0.3 is exactly
/// 1000000000000000.25): jq's dtoa then takes the even one, Rust's formatter the other.
fn even_on_a_tie(value: f64, digits: String, exponent: i32) -> String {
    let count = digits.len();
    let last = digits.as_bytes()[count - 1] - b'0';
    if last.is_multiple_of(2) || last == 9 {
        return digits;
    }
    // The exact value's digits, far enough to see a tie: the shorter digits and a 5, then 0s.
    let exact = format!("{:.40e}", value);
    let exact_digits: String = exact
        .split_once('e')
        .map_or("", |(m, _)| m)
        .chars()
        .filter(|c| *c != '.')
        .collect();
    let exact_exponent: i32 = exact
        .split_once('e')
        .map_or(0, |(_, e)| e.parse().unwrap_or(0));
    if exact_exponent != exponent {
        return digits;
    }
    let below = format!("{}{}", &digits[..count - 1], last - 1);
    let above = format!("{}{}", &digits[..count - 1], last + 1);
    let tie_with = |other: &str, low: &str| {
        exact_digits.trim_end_matches('0') == format!("{low}5")
            && format!("{}.{}e{exponent}", &other[..1], &other[1..])
                .parse::<f64>()
                .ok()
                == Some(value)
    };
    if tie_with(&below, &below) {
        below
    } else if tie_with(&above, &digits) {
        above
    } else {
        digits
    }
}

/// The text of a JSON number as decNumber writes it back (the IEEE 754 "to-scientific-string"
/// jq 1.7.1 prints literals with); `None` when `text` is not a JSON number.
fn canonical(text: &str) -> Option<String> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        // `i64`'s parser takes exactly JSON's exponent: digits after an optional sign.
        Some(at) => (&rest[..at], rest[at + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let valid_whole = whole == "0"
        || (!whole.is_empty()
            && !whole.starts_with('0')
            && whole.bytes().all(|b| b.is_ascii_digit()));
    if !valid_whole
        || (mantissa.contains('.') && fraction.is_empty())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let all: String = format!("{whole}{fraction}");
    let trimmed = all.trim_start_matches('0');
    let coefficient = if trimmed.is_empty() { "0" } else { trimmed };
    let exponent = exponent - fraction.len() as i64;
    let count = coefficient.len() as i64;
    let adjusted = exponent + count - 1;
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if exponent <= 0 && adjusted >= -6 {
        let point = count + exponent;
        if exponent == 0 {
            out.push_str(coefficient);
        } else if point > 0 {
            out.push_str(&coefficient[..point as usize]);
            out.push('.');
            out.push_str(&coefficient[point as usize..]);
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-point) as usize));
            out.push_str(coefficient);
        }
    } else {
        out.push_str(&coefficient[..1]);
        if count > 1 {
            out.push('.');
            out.push_str(&coefficient[1..]);
        }
        out.push('E');
        out.push(if adjusted < 0 { '-' } else { '+' });
        out.push_str(&adjusted.abs().to_string());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computed_numbers_print_as_jq_prints_them() {
        let cases = [
            (5.0, "5"),
            (-0.0, "-0"),
            (0.0, "0"),
            (1.5, "1.5"),
            (1e17, "1e+17"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000"),
            (1e23, "1e+23"),
            (1e-5, "1e-05"),
            (1e-7, "1e-07"),
            (0.0001, "0.0001"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1.0 / 3.0, "0.3333333333333333"),
            (2.0 / 3.0 * 1e20, "66666666666666660000"),
            (1e15 + 0.3, "1000000000000000.2"),
            // Not a tie: 3.3333333333333334 reads back to the same double, but is farther.
            (10.0 / 3.0, "3.3333333333333335"),
            (f64::INFINITY, "1.7976931348623157e+308"),
            (f64::NEG_INFINITY, "-1.7976931348623157e+308"),
            (f64::NAN, "null"),
            (5e-324, "5e-324"),
            (12345678901234567890.0, "12345678901234567000"),
            (-12.5, "-12.5"),
        ];
        for (value, text) in cases {
            assert_eq!(format_double(value), text, "{value:e}");
        }
    }

    #[test]
    fn literals_keep_their_text_canonicalized() {
        let cases = [
            ("1.0", "1.0"),
            ("1.10", "1.10"),
            ("0.10", "0.10"),
            ("1e2", "1E+2"),
            ("1E2", "1E+2"),
            ("1e1000", "1E+1000"),
            ("0.00001", "0.00001"),
            ("1e-5", "0.00001"),
            ("1e-7", "1E-7"),
            ("1.5e300", "1.5E+300"),
            ("1.5e-10", "1.5E-10"),
            ("-0", "-0"),
            ("-0.0", "-0.0"),
            ("100000000000000000001", "100000000000000000001"),
            ("12.5", "12.5"),
            ("0", "0"),
            ("0e10", "0E+10"),
            ("35.20", "35.20"),
        ];
        for (text, shown) in cases {
            assert_eq!(Num::parse(text).unwrap().text(), shown, "{text}");
        }
        for bad in [
            "", "-", "01", "1.", ".5", "1e", "1e+", "0x10", "1.4.2", "+1", " 1", "--1",
        ] {
            assert!(Num::parse(bad).is_none(), "{bad:?}");
        }
        assert_eq!(Num::parse("nan").unwrap().text(), "null");
        assert_eq!(Num::parse("1e2").unwrap().value(), 100.0);
    }

    #[test]
    fn indexes_truncate() {
        assert_eq!(Num::new(1.7).as_isize(), Some(1));
        assert_eq!(Num::new(-1.7).as_isize(), Some(-1));
        assert_eq!(Num::new(f64::NAN).as_isize(), None);
        assert!(Num::new(3.0).is_integral());
        assert!(!Num::new(3.5).is_integral());
        assert!(!Num::new(f64::INFINITY).is_integral());
    }
}
