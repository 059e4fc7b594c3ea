//! Decimal numbers on the wire: THE parser and THE writer. Every caller says whether it accepts
//! leading zeros; nothing else differs between the places that read a number.

/// Whether a decimal may start with `0` when it has more than one digit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LeadingZeros {
    /// Canonical form only (`0`, `7`, `10`, never `007`): a typed value must re-encode to the
    /// same bytes.
    Reject,
    /// Any run of digits (`007` = 7): framing, and attributes whose text is not kept.
    Allow,
}

/// Whether `s` is a non-empty run of ASCII digits.
#[inline]
pub(crate) fn is_digits(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_digit)
}

/// Reads an unsigned decimal that fits a `u64`.
#[inline]
pub(crate) fn parse_u64(s: &[u8], zeros: LeadingZeros) -> Option<u64> {
    if s.is_empty() || (zeros == LeadingZeros::Reject && s.len() > 1 && s[0] == b'0') {
        return None;
    }
    if s.len() <= 19 {
        // Nineteen digits always fit a u64: no overflow check per digit.
        let mut n = 0u64;
        for &b in s {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            n = n * 10 + u64::from(d);
        }
        return Some(n);
    }
    s.iter().try_fold(0u64, |n, &b| {
        if !b.is_ascii_digit() {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

/// Reads the decimal that `s` starts with, when it is a whole token (followed by a space or
/// the end) of at most 10 digits that fits a `u32` (leading zeros allowed, as [`parse_u32`]
/// with [`LeadingZeros::Allow`] reads a token); also returns how many digits it took.
#[inline(always)]
pub(crate) fn leading_u32_token(s: &[u8]) -> Option<(u32, usize)> {
    let mut n = 0u64;
    let mut digits = 0usize;
    for &b in s {
        if !b.is_ascii_digit() {
            if b != b' ' {
                return None;
            }
            break;
        }
        digits += 1;
        if digits > 10 {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    let n = u32::try_from(n).ok()?;
    (digits > 0).then_some((n, digits))
}

/// Reads an unsigned decimal that fits a `u32`, written in at most 10 digits (leading zeros
/// count: a field of a `u32` is never wider than `4294967295`).
#[inline]
pub(crate) fn parse_u32(s: &[u8], zeros: LeadingZeros) -> Option<u32> {
    if s.len() > 10 {
        return None;
    }
    // Ten digits fit a u64, so the u64 reader cannot overflow here.
    parse_u64(s, zeros).and_then(|n| u32::try_from(n).ok())
}

/// The decimal digits of `n`: `digits[start..]`.
pub(crate) fn decimal_digits(mut n: u64) -> ([u8; 20], usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return (buf, i);
        }
    }
}

#[cfg(test)]
mod tests {
    /// The token reader agrees with the token parser on the token a line starts with.
    #[test]
    fn leading_token_agrees_with_parse_u32() {
        for line in [
            &b""[..],
            b" 1",
            b"0",
            b"007 x",
            b"12a",
            b"12 a",
            b"4294967295",
            b"4294967296",
            b"00000000001",
            b"0000000001 9",
            b"99999999999",
            b"-1",
            b"1 ",
            b"12\r",
        ] {
            let token = line.split(|&b| b == b' ').next().unwrap_or_default();
            let expected = parse_u32(token, Allow).map(|t| (t, token.len()));
            assert_eq!(
                leading_u32_token(line),
                expected,
                "{:?}",
                String::from_utf8_lossy(line)
            );
        }
    }

    use super::LeadingZeros::{Allow, Reject};
    use super::*;

    #[test]
    fn leading_zeros_are_the_callers_choice() {
        assert_eq!(parse_u32(b"0", Reject), Some(0));
        assert_eq!(parse_u32(b"007", Reject), None);
        assert_eq!(parse_u32(b"007", Allow), Some(7));
        assert_eq!(parse_u32(b"4294967295", Reject), Some(u32::MAX));
        assert_eq!(parse_u32(b"4294967296", Allow), None);
        assert_eq!(parse_u32(b"00000000001", Allow), None);
        assert_eq!(parse_u32(b"", Allow), None);
        assert_eq!(parse_u32(b"1a", Allow), None);
        assert_eq!(parse_u32(b"+1", Allow), None);
        assert_eq!(parse_u64(b"18446744073709551615", Reject), Some(u64::MAX));
        assert_eq!(parse_u64(b"18446744073709551616", Allow), None);
        assert_eq!(parse_u64(b"000000000000000000000001", Allow), Some(1));
    }

    #[test]
    fn digits_round_trip() {
        for n in [0u64, 9, 10, 99, 100, 12345, u64::from(u32::MAX), u64::MAX] {
            let (d, start) = decimal_digits(n);
            assert_eq!(&d[start..], n.to_string().as_bytes());
            assert_eq!(parse_u64(&d[start..], Reject), Some(n));
        }
    }
}
