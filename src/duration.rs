//! Durations as operators type them: `90`, `90s`, `5m`, `1h30m`, `2d`, `500ms`.
//! A bare number is seconds.

use std::time::Duration;

/// The longest duration accepted: far beyond any interval or timeout, and small enough that
/// adding it to "now" can never overflow a clock.
pub const MAX_DURATION: Duration = Duration::from_secs(100 * 365 * 86_400);

/// Parses a duration; the error says what was wrong and gives examples.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = parse_unbounded(text)?;
    if duration > MAX_DURATION {
        return Err(format!("'{}' is longer than 100 years", text.trim()));
    }
    Ok(duration)
}

fn parse_unbounded(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty duration (examples: 90, 90s, 5m, 1h30m, 2d)".into());
    }
    if is_negative(text) {
        return Err(format!(
            "'{text}' is negative; a duration must be 0 or more"
        ));
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| format!("'{text}' is too large"));
    }
    humantime::parse_duration(text).map_err(|err| {
        format!("'{text}' is not a duration ({err}); examples: 90, 90s, 5m, 1h30m, 2d")
    })
}

/// `-5s`, `-.5s`: a sign. (The next option taken for a flag's value, `--exec`, is no
/// duration, and said so as any other word.)
fn is_negative(text: &str) -> bool {
    text.trim()
        .strip_prefix('-')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit() || c == '.'))
}

/// A duration flag that must be more than zero (`--interval`, `--request-timeout`).
pub fn parse_positive_duration(text: &str) -> Result<Duration, String> {
    if is_negative(text) {
        return Err(format!(
            "'{}' is negative; a duration must be more than 0 (examples: 500ms, 5s, 1m)",
            text.trim()
        ));
    }
    let duration = parse_duration(text)?;
    if duration.is_zero() {
        return Err("must be more than 0 (examples: 500ms, 5s, 1m)".into());
    }
    Ok(duration)
}

/// Formats a duration the way it is typed: `1h30m`, `45s`, `250ms`.
pub fn format_duration(duration: Duration) -> String {
    let secs = duration.as_secs();
    if secs == 0 {
        return format!("{}ms", duration.subsec_millis());
    }
    let (days, hours, minutes, seconds) =
        (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    for (value, unit) in [(days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s")] {
        if value > 0 {
            out.push_str(&format!("{value}{unit}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_contract_forms() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("2d"), Ok(Duration::from_secs(172_800)));
        assert_eq!(parse_duration("1d"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
    }

    #[test]
    fn refuses_nonsense_with_a_reason() {
        assert!(parse_duration("-5").unwrap_err().contains("negative"));
        assert_eq!(
            parse_duration("-.5s").unwrap_err(),
            "'-.5s' is negative; a duration must be 0 or more"
        );
        assert_eq!(
            parse_positive_duration(" -5s").unwrap_err(),
            "'-5s' is negative; a duration must be more than 0 (examples: 500ms, 5s, 1m)"
        );
        // The next option, taken for a flag's value, is not called negative.
        let next = parse_duration("--exec").unwrap_err();
        assert!(next.starts_with("'--exec' is not a duration"), "{next}");
        assert!(parse_duration("").is_err());
        assert!(parse_duration("soon").unwrap_err().contains("examples"));
        assert!(parse_duration("99999999999999999999999").is_err());
        // Accepted by the number parser, but "now + this" would overflow a clock (found in
        // review: watch --timeout and --interval, send --every, simulate --duration panicked).
        assert!(
            parse_duration("18000000000000000000")
                .unwrap_err()
                .contains("100 years")
        );
        assert!(parse_duration("101y").is_err());
        assert_eq!(parse_duration("99y").map(|d| d > Duration::ZERO), Ok(true));
    }

    #[test]
    fn formats_round_trip() {
        for text in ["1h30m", "45s", "2d", "1d2h3m4s"] {
            assert_eq!(format_duration(parse_duration(text).unwrap()), text);
        }
        assert_eq!(format_duration(Duration::from_millis(250)), "250ms");
    }

    proptest::proptest! {
        #[test]
        fn bare_numbers_are_seconds(secs in 0u64..3_000_000_000) {
            proptest::prop_assert_eq!(parse_duration(&secs.to_string()), Ok(Duration::from_secs(secs)));
        }

        #[test]
        fn formatted_durations_parse_back(secs in 1u64..3_000_000_000) {
            let duration = Duration::from_secs(secs);
            proptest::prop_assert_eq!(parse_duration(&format_duration(duration)), Ok(duration));
        }

        #[test]
        fn never_panics(text in "\\PC*") {
            let _ = parse_duration(&text);
        }
    }
}
