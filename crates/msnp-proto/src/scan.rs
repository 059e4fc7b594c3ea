//! The byte classes the framing reads a line by, found sixteen bytes at a time.
//!
//! One pass answers everything the decoder needs of a line without a branch per byte or per
//! token: where the first byte outside printable ASCII is (normally the CR of the line end),
//! how many spaces come before it, and whether two of them are adjacent. The vector operations
//! come from `wide`, which keeps this crate free of `unsafe` (SSE2 on x86-64, NEON on AArch64,
//! plain code elsewhere).

use wide::{i8x16, u8x16};

/// The masks of sixteen bytes, bit `i` for byte `i`: the spaces, and the bytes outside printable
/// ASCII and SP (0x20..=0x7e): controls, CR, LF, DEL, non-ASCII.
#[inline(always)]
pub(crate) fn block(bytes: [u8; 16]) -> (u64, u64) {
    let v = u8x16::new(bytes);
    let spaces = v.simd_eq(u8x16::splat(b' ')).to_bitmask();
    // Adding 1 maps printable ASCII (0x20..=0x7e) onto 0x21..=0x7f, the only bytes that are
    // above 0x20 as signed numbers; everything else lands at or below it.
    let shifted = (v + u8x16::splat(1)).cast_signed();
    let special = shifted.simd_lt(i8x16::splat(0x21)).to_bitmask();
    (u64::from(spaces), u64::from(special))
}

/// The masks of the sixteen bytes from `at`, as if `bytes` went on with `A` (printable, no
/// space: it sets no bit). Near the end it reads the last sixteen bytes and shifts, so only an
/// input shorter than a block is copied.
#[inline(always)]
pub(crate) fn block_at(bytes: &[u8], at: usize) -> (u64, u64) {
    if let Some(whole) = bytes.get(at..at + 16) {
        return block(whole.try_into().unwrap_or([b'A'; 16]));
    }
    match bytes.len().checked_sub(16) {
        // `at` is past `last` here: the block from `at` did not fit.
        Some(last) => {
            let shift = at.saturating_sub(last).min(16);
            let (spaces, special) = block(bytes[last..].try_into().unwrap_or([b'A'; 16]));
            (spaces >> shift, special >> shift)
        }
        _ => {
            let rest = bytes.get(at..).unwrap_or_default();
            let mut padded = [b'A'; 16];
            let n = rest.len().min(16);
            padded[..n].copy_from_slice(&rest[..n]);
            block(padded)
        }
    }
}

/// What one pass over a line's bytes found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineScan {
    /// The first byte outside printable ASCII, or the length scanned when there is none.
    pub(crate) stop: usize,
    /// The spaces before `stop`.
    pub(crate) spaces: usize,
    /// Whether two of those spaces are adjacent.
    pub(crate) doubled: bool,
    /// The last of those spaces.
    pub(crate) last_space: Option<usize>,
    /// The spaces among the first 64 bytes before `stop`, bit `i` for byte `i`: for a short
    /// line, where every token is, kept for the typed layer.
    pub(crate) first_group: u64,
}

/// Scans `bytes` up to the first byte outside printable ASCII, sixteen bytes at a time: it
/// stops in the block where the line ends, so a short line costs one or two blocks. The spaces
/// are gathered 64 bytes at a time and counted once per 64.
#[inline(always)]
pub(crate) fn scan(bytes: &[u8]) -> LineScan {
    let mut found = LineScan {
        stop: bytes.len(),
        spaces: 0,
        doubled: false,
        last_space: None,
        first_group: 0,
    };
    let (mut doubled, mut carry) = (0u64, 0u64);
    // The spaces of the 64 bytes from `group_at`, and where the next block starts.
    let (mut group, mut group_at, mut at) = (0u64, 0usize, 0usize);
    let mut step = |(spaces, special): (u64, u64), last: bool| -> bool {
        let end = special != 0;
        let spaces = if end {
            let stop = special.trailing_zeros();
            found.stop = at + stop as usize;
            spaces & ((1u64 << stop) - 1)
        } else {
            spaces
        };
        group |= spaces << (at - group_at);
        at += 16;
        if end || last || at - group_at == 64 {
            found.spaces += group.count_ones() as usize;
            doubled |= group & (group << 1 | carry);
            carry = group >> 63;
            if group != 0 {
                found.last_space = Some(group_at + 63 - group.leading_zeros() as usize);
            }
            if group_at == 0 {
                found.first_group = group;
            }
            (group, group_at) = (0, at);
        }
        end
    };
    let mut chunks = bytes.chunks_exact(16);
    let mut ended = false;
    for chunk in &mut chunks {
        if step(block(chunk.try_into().unwrap_or([b'A'; 16])), false) {
            ended = true;
            break;
        }
    }
    if !ended {
        // The padding ends no line: a line without a special byte ends where `bytes` does.
        let tail = bytes.len() - chunks.remainder().len();
        step(block_at(bytes, tail), true);
        found.stop = found.stop.min(bytes.len());
    }
    found.doubled = doubled != 0;
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value in every position of a block, next to neighbours that could disturb it.
    #[test]
    fn masks_match_every_byte_in_every_lane() {
        for b in 0..=255u8 {
            for lane in 0..16 {
                for fill in [0u8, b' ', b'A', 0x7f, 0xff] {
                    let mut bytes = [fill; 16];
                    bytes[lane] = b;
                    let (spaces, special) = block(bytes);
                    for (i, &x) in bytes.iter().enumerate() {
                        assert_eq!(spaces >> i & 1 == 1, x == b' ', "{b:#x} {lane} {i}");
                        let bad = !(0x20..=0x7e).contains(&x);
                        assert_eq!(special >> i & 1 == 1, bad, "{b:#x} {lane} {i}");
                    }
                    let keep = (1u64 << lane) - 1;
                    assert_eq!(block_at(&bytes[..lane], 0), (spaces & keep, special & keep));
                    let mut longer = [b'x'; 40];
                    longer[24..].copy_from_slice(&bytes);
                    for at in 0..=24 + lane {
                        let (sp, sc) = block_at(&longer[..24 + lane], at);
                        let part = &longer[at..24 + lane];
                        let (esp, esc) = block_at(part, 0);
                        assert_eq!((sp, sc), (esp, esc), "{b:#x} {lane} {at}");
                    }
                }
            }
        }
    }

    /// The scan agrees with a byte-by-byte reading at every length and stop position, across
    /// the 64-byte groups and the padded tail.
    #[test]
    fn scan_agrees_with_a_byte_loop() {
        let mut line: Vec<u8> = b"USR 12 TWN S ct=1,rver=5,wp=FS_40SEC_0_COMPACT  lc=1033 x  y  "
            .iter()
            .cycle()
            .take(200)
            .copied()
            .collect();
        for stop_byte in [None, Some(b'\r'), Some(0x00), Some(0x80), Some(0x7f)] {
            for len in 0..line.len() {
                let mut bytes = line[..len].to_vec();
                if let (Some(b), Some(at)) = (stop_byte, len.checked_sub(1)) {
                    bytes[at / 2] = b;
                }
                let stop = bytes
                    .iter()
                    .position(|b| !(0x20..=0x7e).contains(b))
                    .unwrap_or(bytes.len());
                let before = &bytes[..stop];
                let spaces = before.iter().filter(|&&b| b == b' ').count();
                let doubled = before.windows(2).any(|w| w == b"  ");
                let last_space = before.iter().rposition(|&b| b == b' ');
                let first_group = before
                    .iter()
                    .take(64)
                    .enumerate()
                    .filter(|&(_, &b)| b == b' ')
                    .fold(0u64, |m, (i, _)| m | 1 << i);
                let expected = LineScan {
                    stop,
                    spaces,
                    doubled,
                    last_space,
                    first_group,
                };
                assert_eq!(scan(&bytes), expected, "len {len} stop byte {stop_byte:?}");
            }
        }
        line.clear();
        assert_eq!(scan(&line).stop, 0);
    }

    /// Two adjacent spaces are found wherever they fall, across a 16-byte block boundary and a
    /// 64-byte group boundary alike; a lone space is counted and found as the last one.
    #[test]
    fn adjacent_spaces_found_across_every_block_boundary() {
        for p in 0..150 {
            let mut bytes = vec![b'x'; 160];
            bytes[p] = b' ';
            let lone = scan(&bytes);
            assert_eq!(
                (lone.spaces, lone.doubled, lone.last_space),
                (1, false, Some(p))
            );
            bytes[p + 1] = b' ';
            let pair = scan(&bytes);
            assert_eq!(
                (pair.spaces, pair.doubled, pair.last_space),
                (2, true, Some(p + 1)),
                "{p}"
            );
            bytes[p + 1] = b'x';
            bytes[p + 2] = b' ';
            let apart = scan(&bytes);
            assert_eq!((apart.spaces, apart.doubled), (2, false), "{p}");
        }
    }
}
