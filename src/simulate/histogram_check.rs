//! The latency histogram of a summary read back, decoded only once its sizes are checked.
//!
//! HdrHistogram's deserializer trusts the lengths in its headers: a V2 header saying its payload
//! is 4 GiB makes it allocate 4 GiB before reading a byte of it, from a file of a few hundred
//! bytes. So before it sees anything, the header is checked here: it must declare the histogram
//! `heartbeat simulate` writes (the same bounds and precision), and its payload length must be
//! what the input holds (plain form) or what the deflated stream gives when inflated, inflated
//! with a cap no honest histogram of those bounds reaches.

use hdrhistogram::Histogram;
use hdrhistogram::serialization::Deserializer;
use std::io::Read;

/// Latencies are recorded in microseconds, up to an hour, to 3 significant digits.
pub const HIGHEST_MICROS: u64 = 3_600_000_000;

/// The histogram every run records into and every merge adds into (and the only one a
/// summary may hold).
pub fn latency_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, HIGHEST_MICROS, 3).expect("constant histogram bounds are valid")
}

/// V2 cookies (HdrHistogram's, with the 8-byte word size): plain and deflated.
const V2_COOKIE: u32 = 0x1c84_9313;
const V2_DEFLATE_COOKIE: u32 = 0x1c84_9314;
/// The plain V2 header: cookie, payload length, normalizing offset, significant digits,
/// lowest, highest, integer-to-double ratio.
const V2_HEADER_BYTES: usize = 40;
/// The deflated form's header: cookie, compressed length.
const DEFLATE_HEADER_BYTES: usize = 8;
/// A count takes at most 9 bytes in the payload's LEB128 zig-zag encoding.
const MAX_BYTES_PER_COUNT: usize = 9;

/// Decodes a summary's histogram (the bytes the base64 gave), refusing any header whose
/// lengths or bounds are not those of a histogram `heartbeat simulate` wrote.
pub fn decode(bytes: &[u8]) -> Result<Histogram<u64>, String> {
    let plain = match cookie(bytes)? {
        V2_COOKIE => {
            check_plain(bytes)?;
            std::borrow::Cow::Borrowed(bytes)
        }
        V2_DEFLATE_COOKIE => std::borrow::Cow::Owned(inflate(bytes)?),
        other => return Err(format!("its cookie {other:#010x} is not HdrHistogram V2's")),
    };
    Deserializer::new()
        .deserialize(&mut plain.as_ref())
        .map_err(|err| format!("it does not decode ({err:?})"))
}

/// The most payload bytes a histogram of the summary's bounds can take.
fn max_payload() -> usize {
    latency_histogram().distinct_values() * MAX_BYTES_PER_COUNT
}

fn cookie(bytes: &[u8]) -> Result<u32, String> {
    word(bytes, 0).ok_or_else(|| format!("it is {} bytes, too short for a header", bytes.len()))
}

fn word(bytes: &[u8], at: usize) -> Option<u32> {
    let four = bytes.get(at..at + 4)?;
    Some(u32::from_be_bytes(four.try_into().ok()?))
}

fn double_word(bytes: &[u8], at: usize) -> Option<u64> {
    let eight = bytes.get(at..at + 8)?;
    Some(u64::from_be_bytes(eight.try_into().ok()?))
}

/// A plain V2 histogram: the header is whole, declares the summary's bounds, and its payload
/// length is exactly the bytes that follow it.
fn check_plain(bytes: &[u8]) -> Result<(), String> {
    if bytes.len() < V2_HEADER_BYTES {
        return Err(format!(
            "it is {} bytes, too short for its {V2_HEADER_BYTES}-byte header",
            bytes.len()
        ));
    }
    let declared = word(bytes, 4).unwrap_or_default() as usize;
    let held = bytes.len() - V2_HEADER_BYTES;
    if declared != held {
        return Err(format!(
            "its header says {declared} payload bytes but {held} follow it"
        ));
    }
    if held > max_payload() {
        return Err(format!(
            "its payload of {held} bytes is more than a histogram of its bounds can take ({})",
            max_payload()
        ));
    }
    let expected = latency_histogram();
    let digits = word(bytes, 12).unwrap_or_default();
    let low = double_word(bytes, 16).unwrap_or_default();
    let high = double_word(bytes, 24).unwrap_or_default();
    if (digits, low, high)
        != (
            u32::from(expected.sigfig()),
            expected.low(),
            expected.high(),
        )
    {
        return Err(format!(
            "it tracks {low}..{high} µs to {digits} digits, not the {}..{} µs to {} digits \
             `heartbeat simulate` records",
            expected.low(),
            expected.high(),
            expected.sigfig()
        ));
    }
    Ok(())
}

/// The deflated form: the compressed length is exactly what follows the header, and the
/// stream is inflated with a cap one byte past the largest honest plain histogram, so a
/// deflate bomb stops there. The inflated bytes are then checked as a plain histogram.
fn inflate(bytes: &[u8]) -> Result<Vec<u8>, String> {
    if bytes.len() < DEFLATE_HEADER_BYTES {
        return Err(format!(
            "it is {} bytes, too short for its {DEFLATE_HEADER_BYTES}-byte header",
            bytes.len()
        ));
    }
    let declared = word(bytes, 4).unwrap_or_default() as usize;
    let held = bytes.len() - DEFLATE_HEADER_BYTES;
    if declared != held {
        return Err(format!(
            "its header says {declared} compressed bytes but {held} follow it"
        ));
    }
    let cap = V2_HEADER_BYTES + max_payload();
    let mut plain = Vec::new();
    flate2::read::ZlibDecoder::new(&bytes[DEFLATE_HEADER_BYTES..])
        .take(cap as u64 + 1)
        .read_to_end(&mut plain)
        .map_err(|err| format!("it does not inflate ({err})"))?;
    if plain.len() > cap {
        return Err(format!(
            "it inflates to more than {cap} bytes, more than a histogram of its bounds takes"
        ));
    }
    check_plain(&plain)?;
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hdrhistogram::serialization::{Serializer, V2DeflateSerializer, V2Serializer};
    use std::io::Write;

    fn recorded() -> Histogram<u64> {
        let mut histogram = latency_histogram();
        for micros in [1, 250, 3_000, 3_000, 90_000, 3_600_000_000] {
            histogram.record(micros).unwrap();
        }
        histogram
    }

    fn plain(histogram: &Histogram<u64>) -> Vec<u8> {
        let mut bytes = Vec::new();
        V2Serializer::new()
            .serialize(histogram, &mut bytes)
            .unwrap();
        bytes
    }

    fn deflated_of(plain: &[u8]) -> Vec<u8> {
        let mut compressor =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        compressor.write_all(plain).unwrap();
        let compressed = compressor.finish().unwrap();
        let mut bytes = V2_DEFLATE_COOKIE.to_be_bytes().to_vec();
        bytes.extend((compressed.len() as u32).to_be_bytes());
        bytes.extend(compressed);
        bytes
    }

    /// A plain V2 header written by hand: the summary's bounds unless told otherwise.
    fn header(payload_len: u32, digits: u32, low: u64, high: u64) -> Vec<u8> {
        let mut bytes = V2_COOKIE.to_be_bytes().to_vec();
        bytes.extend(payload_len.to_be_bytes());
        bytes.extend(0u32.to_be_bytes());
        bytes.extend(digits.to_be_bytes());
        bytes.extend(low.to_be_bytes());
        bytes.extend(high.to_be_bytes());
        bytes.extend(1f64.to_be_bytes());
        bytes
    }

    fn ours(payload_len: u32) -> Vec<u8> {
        header(payload_len, 3, 1, 3_600_000_000)
    }

    #[test]
    fn what_simulate_writes_decodes_in_both_forms() {
        let histogram = recorded();
        assert_eq!(decode(&plain(&histogram)).unwrap(), histogram);
        let mut deflated = Vec::new();
        V2DeflateSerializer::new()
            .serialize(&histogram, &mut deflated)
            .unwrap();
        assert_eq!(decode(&deflated).unwrap(), histogram);
        assert_eq!(decode(&deflated_of(&plain(&histogram))).unwrap(), histogram);
        let empty = latency_histogram();
        assert_eq!(decode(&plain(&empty)).unwrap().len(), 0);
    }

    #[test]
    fn the_header_is_exactly_40_bytes_and_a_payload_may_be_empty() {
        assert_eq!(V2_HEADER_BYTES, ours(0).len());
        assert_eq!(decode(&ours(0)).unwrap().len(), 0);
        // One count of 1 at index 0 (zig-zag 2).
        let mut one = ours(1);
        one.push(2);
        assert_eq!(decode(&one).unwrap().len(), 1);
    }

    #[test]
    fn a_payload_length_past_the_input_is_refused_before_allocating() {
        // The 410-byte bomb: a payload length of 4 GiB - 1 and a few bytes after it.
        let mut bomb = ours(u32::MAX);
        bomb.resize(410, 0);
        let err = decode(&bomb).unwrap_err();
        assert!(
            err.contains("says 4294967295 payload bytes but 370 follow"),
            "{err}"
        );
        // One byte more or less than declared.
        let mut short = ours(2);
        short.push(2);
        assert!(
            decode(&short)
                .unwrap_err()
                .contains("says 2 payload bytes but 1")
        );
        let mut long = ours(1);
        long.extend([2, 2]);
        assert!(
            decode(&long)
                .unwrap_err()
                .contains("says 1 payload bytes but 2")
        );
        assert!(decode(&ours(0)[..39]).unwrap_err().contains("too short"));
        assert!(decode(&[0x1c, 0x84]).unwrap_err().contains("too short"));
    }

    #[test]
    fn other_bounds_are_refused_they_would_size_the_counts() {
        // Wide bounds and 5 digits: tens of MiB of counts from a 40-byte header.
        for (digits, low, high) in [
            (5, 1, u64::MAX / 2),
            (3, 1, 3_600_000_001),
            (2, 1, 3_600_000_000),
            (3, 2, 3_600_000_000),
        ] {
            let err = decode(&header(0, digits, low, high)).unwrap_err();
            assert!(
                err.contains("not the 1..3600000000 µs to 3 digits"),
                "{err}"
            );
        }
    }

    #[test]
    fn a_payload_larger_than_the_bounds_allow_is_refused() {
        let most = max_payload();
        assert_eq!(most, latency_histogram().distinct_values() * 9);
        let mut big = ours(most as u32 + 1);
        big.resize(V2_HEADER_BYTES + most + 1, 0);
        assert!(decode(&big).unwrap_err().contains("more than a histogram"));
        // At the limit, the size check passes (what follows is the decoder's to judge).
        let mut at = ours(most as u32);
        at.resize(V2_HEADER_BYTES + most, 0);
        assert!(check_plain(&at).is_ok());
    }

    #[test]
    fn a_deflate_bomb_stops_at_the_cap() {
        // A plain header claiming a huge payload, deflated with zeros after it: the inflated
        // stream is cut one byte past the cap.
        let mut inflated = ours(u32::MAX);
        inflated.resize(4 << 20, 0);
        let bomb = deflated_of(&inflated);
        assert!(bomb.len() < 128 << 10, "{}", bomb.len());
        let err = decode(&bomb).unwrap_err();
        assert!(err.contains("inflates to more than"), "{err}");
        // At the cap exactly, the inflated bytes are judged as a plain histogram.
        let cap = V2_HEADER_BYTES + max_payload();
        let mut at_cap = ours(u32::MAX);
        at_cap.resize(cap, 0);
        let err = decode(&deflated_of(&at_cap)).unwrap_err();
        assert!(err.contains("payload bytes but"), "{err}");
        // An honest header inside, a wrong compressed length outside.
        let mut lying = deflated_of(&plain(&recorded()));
        lying[7] = lying[7].wrapping_add(1);
        assert!(decode(&lying).unwrap_err().contains("compressed bytes but"));
        assert!(decode(&lying[..6]).unwrap_err().contains("too short"));
        // The 8-byte header alone is whole: an empty stream, judged as one, not too short.
        let mut empty = V2_DEFLATE_COOKIE.to_be_bytes().to_vec();
        empty.extend(0u32.to_be_bytes());
        let err = decode(&empty).unwrap_err();
        assert!(!err.contains("8-byte header"), "{err}");
        let mut truncated = deflated_of(&plain(&recorded()));
        truncated.truncate(truncated.len() - 4);
        let held = (truncated.len() - 8) as u32;
        truncated[4..8].copy_from_slice(&held.to_be_bytes());
        assert!(decode(&truncated).unwrap_err().contains("does not inflate"));
        // Not zlib at all.
        let mut garbage = V2_DEFLATE_COOKIE.to_be_bytes().to_vec();
        garbage.extend(3u32.to_be_bytes());
        garbage.extend([1, 2, 3]);
        assert!(decode(&garbage).is_err());
    }

    #[test]
    fn other_cookies_are_refused() {
        let mut v1 = ours(0);
        v1[3] = 0x12;
        assert!(decode(&v1).unwrap_err().contains("cookie 0x1c849312"));
    }
}
