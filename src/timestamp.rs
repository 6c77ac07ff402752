//! Reading RFC 3339 times: the one parser of the times servers put in records
//! (`lastHeartbeatAt`, `createDate`), of `heartbeat simulate --start-at`, and of the
//! `started_at`/`ended_at` of the summaries `heartbeat summary` merges.
//!
//! The text must have the shape of RFC 3339's `date-time` (section 5.6): `2026-03-01`, a `T`
//! (or `t`, or a space, as its note allows), `12:00:00`, an optional fraction of any length,
//! then `Z` (or `z`), `+02:00`, or `-0530` (ISO 8601's offset without the colon). jiff reads
//! what has that shape: the calendar (no 30 February), the offset, the fraction. The shape is
//! checked first because jiff's own grammar is wider (times without seconds, `+05` offsets,
//! `[Europe/Paris]` annotations, ISO 8601's basic `20260301T120000Z`), and a time agentctl
//! reads is one any RFC 3339 reader would.

use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

/// What a time without an offset means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingOffset {
    /// It is not a time (what an operator types, and agentctl's own files: an RFC 3339 time
    /// has an offset).
    Refused,
    /// It is UTC (what some servers write in records).
    Utc,
}

/// The most digits of a fraction jiff reads: nanoseconds. Further digits are below what a
/// `SystemTime` holds and are dropped.
const MAX_FRACTION_DIGITS: usize = 9;

/// Reads an RFC 3339 time (blanks around it ignored). Times before 1970 are refused, like
/// negative epoch numbers: no agent heartbeat or run is that old.
pub fn parse_rfc3339(text: &str, missing_offset: MissingOffset) -> Result<SystemTime, String> {
    let text = text.trim();
    let invalid = || format!("'{text}' is not an RFC 3339 time (example: 2026-03-01T12:00:00Z)");
    let shape = Shape::of(text).ok_or_else(invalid)?;
    let time = if shape.offset.is_empty() {
        if missing_offset == MissingOffset::Refused {
            return Err(invalid());
        }
        let civil: jiff::civil::DateTime = shape.digits(text).parse().map_err(|_| invalid())?;
        jiff::tz::Offset::UTC
            .to_timestamp(civil)
            .map_err(|_| invalid())?
    } else {
        let timestamp: jiff::Timestamp = shape.digits(text).parse().map_err(|_| invalid())?;
        timestamp
    };
    let time = SystemTime::from(time);
    if time < UNIX_EPOCH {
        return Err(invalid());
    }
    Ok(time)
}

/// Where the parts of an RFC 3339 time are.
struct Shape<'a> {
    /// Where the fraction's digits end (19 without a fraction).
    fraction_end: usize,
    /// The offset: empty, `Z`/`z`, `±HH:MM` or `±HHMM`.
    offset: &'a str,
}

impl<'a> Shape<'a> {
    fn of(text: &'a str) -> Option<Shape<'a>> {
        let bytes = text.as_bytes();
        let date_time = bytes.get(..19)?;
        let fixed = date_time.iter().enumerate().all(|(at, byte)| match at {
            4 | 7 => *byte == b'-',
            10 => matches!(byte, b'T' | b't' | b' '),
            13 | 16 => *byte == b':',
            _ => byte.is_ascii_digit(),
        });
        if !fixed {
            return None;
        }
        let mut fraction_end = 19;
        if bytes.get(19) == Some(&b'.') {
            let digits = bytes[20..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits == 0 {
                return None;
            }
            fraction_end = 20 + digits;
        }
        let offset = &text[fraction_end..];
        valid_offset(offset).then_some(Shape {
            fraction_end,
            offset,
        })
    }

    /// The text as jiff reads it: a fraction finer than nanoseconds cut to nanoseconds.
    fn digits(&self, text: &'a str) -> Cow<'a, str> {
        let keep = 20 + MAX_FRACTION_DIGITS;
        if self.fraction_end <= keep {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(format!("{}{}", &text[..keep], self.offset))
        }
    }
}

/// An RFC 3339 offset (hours 00–23, minutes 00–59), or none at all.
fn valid_offset(offset: &str) -> bool {
    let bytes = offset.as_bytes();
    let (hours, minutes) = match bytes {
        [] | [b'Z' | b'z'] => return true,
        [b'+' | b'-', h1, h2, b':', m1, m2] | [b'+' | b'-', h1, h2, m1, m2] => {
            ([*h1, *h2], [*m1, *m2])
        }
        _ => return false,
    };
    let number = |pair: [u8; 2]| {
        pair.iter()
            .all(u8::is_ascii_digit)
            .then(|| (pair[0] - b'0') * 10 + (pair[1] - b'0'))
    };
    matches!((number(hours), number(minutes)), (Some(h), Some(m)) if h <= 23 && m <= 59)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// 2026-03-01T12:00:00Z.
    fn noon() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_772_366_400)
    }

    fn parse(text: &str) -> Result<SystemTime, String> {
        parse_rfc3339(text, MissingOffset::Refused)
    }

    #[test]
    fn the_forms_of_rfc_3339_and_the_offset_without_its_colon() {
        for text in [
            "2026-03-01T12:00:00Z",
            "2026-03-01t12:00:00z",
            "2026-03-01 12:00:00Z",
            " 2026-03-01T12:00:00Z\n",
            "2026-03-01T12:00:00.000Z",
            "2026-03-01T12:00:00+00:00",
            "2026-03-01T12:00:00-00:00",
            "2026-03-01T14:00:00+02:00",
            "2026-03-01T09:30:00-02:30",
            "2026-03-01T06:30:00-0530",
            "2026-03-01T17:30:00+0530",
            "2026-03-02T11:59:00+23:59",
        ] {
            assert_eq!(parse(text), Ok(noon()), "{text}");
        }
    }

    #[test]
    fn fractions_of_any_length_down_to_nanoseconds() {
        let at = |nanos: u32| Ok(noon() + Duration::new(0, nanos));
        assert_eq!(parse("2026-03-01T12:00:00.5Z"), at(500_000_000));
        assert_eq!(parse("2026-03-01T12:00:00.123456+00:00"), at(123_456_000));
        assert_eq!(parse("2026-03-01T12:00:00.123456789Z"), at(123_456_789));
        assert_eq!(parse("2026-03-01T12:00:00.1234567891234Z"), at(123_456_789));
        assert_eq!(
            parse("2026-03-01T14:00:00.1234567891-0200"),
            Ok(noon() + Duration::from_secs(4 * 3600) + Duration::new(0, 123_456_789))
        );
    }

    #[test]
    fn the_calendar_is_jiffs() {
        assert_eq!(
            parse("2024-02-29T00:00:00Z"),
            Ok(UNIX_EPOCH + Duration::from_secs(1_709_164_800))
        );
        assert_eq!(parse("1970-01-01T00:00:00Z"), Ok(UNIX_EPOCH));
        // A leap second is read as the second before it.
        assert_eq!(parse("2016-12-31T23:59:60Z"), parse("2016-12-31T23:59:59Z"));
        for bad in [
            "2026-02-29T12:00:00Z",
            "2026-13-01T12:00:00Z",
            "2026-04-31T12:00:00Z",
            "2026-03-00T12:00:00Z",
            "2026-03-01T24:00:00Z",
            "2026-03-01T12:60:00Z",
            "2026-03-01T12:00:61Z",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn what_is_not_rfc_3339_is_refused_naming_it() {
        for bad in [
            "",
            "tomorrow",
            "2026-03-01",
            "12:00",
            "2026-03-01T12:00Z",
            "2026-03-01T12Z",
            "20260301T120000Z",
            "2026-03-01T12:00:00+2",
            "2026-03-01T12:00:00+02",
            "2026-03-01T12:00:00+2:00",
            "2026-03-01T12:00:00+25:00",
            "2026-03-01T12:00:00+24:00",
            "2026-03-01T12:00:00+02:60",
            "2026-03-01T12:00:00+02:00:00",
            "2026-03-01T12:00:00+0a:00",
            "2026-03-01T12:00:00+02:0a",
            "2026-03-01T12:00:00Z[Europe/Paris]",
            "2026-03-01T12:00:00.Z",
            "2026-03-01T12:00:00,5Z",
            "2026-03-01T12:00:00ZZ",
            "2026-03-01X12:00:00Z",
            "2026/03/01T12:00:00Z",
            "2026-03-01T12.00.00Z",
            "2026-03-01T12:00:00 Z",
            "+2026-03-01T12:00:00Z",
            "1969-12-31T23:59:59Z",
            "1970-01-01T01:00:00+01:01",
            "2026-03-01T12:00:0éZ",
            "2026-03-01T12:00:00é",
        ] {
            let error = parse(bad).unwrap_err();
            assert_eq!(
                error,
                format!(
                    "'{}' is not an RFC 3339 time (example: 2026-03-01T12:00:00Z)",
                    bad.trim()
                )
            );
        }
    }

    #[test]
    fn a_missing_offset_is_refused_or_utc_as_asked() {
        for text in [
            "2026-03-01T12:00:00",
            "2026-03-01 12:00:00",
            "2026-03-01t12:00:00.0",
        ] {
            assert!(parse(text).is_err(), "{text}");
            assert_eq!(
                parse_rfc3339(text, MissingOffset::Utc),
                Ok(noon()),
                "{text}"
            );
        }
        assert_eq!(
            parse_rfc3339("2026-03-01T12:00:00.25", MissingOffset::Utc),
            Ok(noon() + Duration::from_millis(250))
        );
        assert_eq!(
            parse_rfc3339("2026-03-01T12:00:00.1234567891", MissingOffset::Utc),
            Ok(noon() + Duration::new(0, 123_456_789))
        );
        for bad in [
            "2026-02-30T12:00:00",
            "1969-12-31T23:59:59",
            "2026-03-01T12:00",
        ] {
            assert!(parse_rfc3339(bad, MissingOffset::Utc).is_err(), "{bad}");
        }
    }
}
