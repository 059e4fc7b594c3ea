//! `decode_stream`: the streaming decoder over arbitrary bytes.
//!
//! Input: byte 0 picks the version and channel, byte 1 the direction and leniency, byte 2 the
//! chunk size (1–64) and whether tiny limits apply; the rest is the stream.
//!
//! Checks, on every step: no panic; `Complete` consumes `0 < consumed <= len` bytes and its
//! `as_bytes()` is exactly (and borrows) the consumed slice; errors skip `0 < skip <= len`;
//! every command is well-formed (tokens, args, TrID, length token = payload length) and decodes
//! alone to the same command; and feeding the stream in chunks gives the same commands and
//! errors (kind and absolute offset) as feeding it in one piece (`Skipped` entries ignored).
#![no_main]

use libfuzzer_sys::fuzz_target;
use msnp_fuzz::{dialect_from, limits_from, run_decoder, without_skips};

fuzz_target!(|data: &[u8]| {
    let [a, b, c, input @ ..] = data else { return };
    let dialect = dialect_from(*a, *b);
    let limits = limits_from(c & 0x80 != 0);
    let chunk = usize::from(c & 0x3f) + 1;
    let whole = run_decoder(dialect, limits, input, 0);
    let chunked = run_decoder(dialect, limits, input, chunk);
    let one_byte = run_decoder(dialect, limits, input, 1);
    let whole = without_skips(whole);
    assert_eq!(
        whole,
        without_skips(chunked),
        "chunk size {chunk} changes the result"
    );
    assert_eq!(
        whole,
        without_skips(one_byte),
        "byte-by-byte feeding changes the result"
    );
});
