//! Whole-number flags as operators type them (`--agents 100`, `--limit 5`): a sign is named
//! as such (`'-1' is negative; …`) rather than left to clap, which would take `-1` for an
//! unknown option; a number outside the flag's range says the range.

/// A whole number from `min` to `max` (`None`: as large as a `u64` holds), for a flag's
/// `value_parser`; the flag takes `allow_negative_numbers` so that `-1` reaches it.
pub fn whole_number<T>(
    min: u64,
    max: Option<u64>,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: TryFrom<u64>,
{
    move |text| {
        // The range as clap says it (`1..=65536`), and in words.
        let (range, expected) = match max {
            Some(max) => (
                format!("{min}..={max}"),
                format!("a whole number from {min} to {max} is expected"),
            ),
            None => (
                format!("{min}..{}", u64::MAX),
                format!("a whole number from {min} is expected"),
            ),
        };
        if text.trim_start().starts_with('-') {
            return Err(format!("'{text}' is negative; {expected}"));
        }
        let n: u64 = text
            .parse()
            .map_err(|err: std::num::ParseIntError| match err.kind() {
                std::num::IntErrorKind::PosOverflow => format!("'{text}' is not in {range}"),
                _ => format!("'{text}' is not a whole number; {expected}"),
            })?;
        if n < min || max.is_some_and(|max| n > max) {
            return Err(format!("{n} is not in {range}"));
        }
        T::try_from(n).map_err(|_| format!("{n} is not in {range}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_is_refused_by_name_and_a_range_is_said() {
        let agents = whole_number::<u64>(1, Some(1_000));
        assert_eq!(agents("5"), Ok(5));
        assert_eq!(agents("1"), Ok(1));
        assert_eq!(agents("1000"), Ok(1000));
        for negative in ["-1", "-0", " -5", "-1.5"] {
            let err = agents(negative).unwrap_err();
            assert_eq!(
                err,
                format!("'{negative}' is negative; a whole number from 1 to 1000 is expected")
            );
        }
        assert_eq!(agents("0").unwrap_err(), "0 is not in 1..=1000");
        assert_eq!(agents("1001").unwrap_err(), "1001 is not in 1..=1000");
        assert_eq!(
            agents("ten").unwrap_err(),
            "'ten' is not a whole number; a whole number from 1 to 1000 is expected"
        );
        assert_eq!(
            agents("99999999999999999999").unwrap_err(),
            "'99999999999999999999' is not in 1..=1000"
        );

        let beats = whole_number::<u64>(1, None);
        assert_eq!(beats(&u64::MAX.to_string()), Ok(u64::MAX));
        assert_eq!(
            beats("0").unwrap_err(),
            "0 is not in 1..18446744073709551615"
        );
        assert_eq!(
            beats("-1").unwrap_err(),
            "'-1' is negative; a whole number from 1 is expected"
        );
    }
}
