//! `pcap_capture`: arbitrary bytes as a pcap or pcapng capture, through the whole reader of
//! `msnp decode --input pcap` (container, link and IP layers, TCP reassembly, HTTP gateway,
//! MSNP framing), read in one piece and through short reads.
//!
//! Input: byte 0 switches tiny limits (block, reorder buffers, flows, HTTP body, line and
//! payload) and `--all-ports`, byte 1 the largest read; the rest is the capture. A magic number
//! is put in front when the input has none (bit 7 of byte 0: pcapng), so that the fuzzer works
//! on the blocks rather than on finding the magic.
//!
//! Checks: no panic; the frames (`read_frames`) are numbered 1, 2, … with at most `max_block`
//! bytes each, and no more of them than the input could hold; the decoder's records (commands
//! with their flow and direction, errors with kind and offset) are the same whatever the reads
//! return; every command decodes alone to itself (`check_command`); the bytes read never exceed
//! the input; the number of records is bounded by the input size.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msnp_cli::cmd_decode::DecodeArgs;
use msnp_cli::input::decode_reader;
use msnp_cli::input::pcap::capture::{CaptureLimits, read_frames};
use msnp_fuzz::{Collect, ShortReads, cli_args};
use msnp_proto::Limits;

fn decode(capture: &[u8], args: &DecodeArgs, limits: Limits, n: usize) -> Vec<msnp_fuzz::Record> {
    let mut sink = Collect::new(limits);
    let read = decode_reader(
        ShortReads { rest: capture, n },
        &args.input_config(),
        &mut sink,
    )
    .expect("reading from memory does not fail");
    assert!(
        read <= capture.len() as u64,
        "read {read} of {} bytes",
        capture.len()
    );
    sink.records
}

fuzz_target!(|data: &[u8]| {
    let [a, b, body @ ..] = data else { return };
    let small = a & 1 != 0;
    let mut capture = Vec::with_capacity(body.len() + 4);
    let magic: [&[u8]; 2] = [&[0xd4, 0xc3, 0xb2, 0xa1], &[0x0a, 0x0d, 0x0d, 0x0a]];
    if !magic.iter().any(|m| body.starts_with(m)) {
        capture.extend_from_slice(magic[usize::from(a >> 7)]);
    }
    capture.extend_from_slice(body);

    let mut argv = vec!["--input", "pcap", "--http-port", "80", "--port", "1863"];
    let mut limits = Limits::default();
    let max_block = if small { 256 } else { 16 << 20 };
    if small {
        argv.extend([
            "--max-block",
            "256",
            "--max-reorder",
            "64",
            "--max-reorder-total",
            "128",
            "--max-flows",
            "3",
            "--max-http-body",
            "64",
            "--max-line",
            "40",
            "--max-payload",
            "64",
        ]);
        limits.max_line = 40;
        limits.max_payload = 64;
    }
    if a & 2 != 0 {
        argv.push("--all-ports");
    }
    if a & 4 != 0 {
        argv.push("--lenient");
    }
    let args: DecodeArgs = cli_args(&argv);

    // The container alone.
    let mut number = 0u64;
    let res = read_frames(&capture[..], CaptureLimits { max_block }, |f| {
        let Some(f) = f else {
            return Ok(());
        };
        number += 1;
        assert_eq!(f.number, number, "frames out of order");
        assert!(f.data.len() <= max_block, "frame larger than a block");
        Ok(())
    });
    if let Ok(read) = res {
        assert!(read <= capture.len() as u64);
    }
    // A frame takes at least 12 bytes (a pcapng simple packet block).
    assert!(
        number <= capture.len() as u64 / 12 + 1,
        "{number} frames from {} bytes",
        capture.len()
    );

    // The whole reader, in one piece and in short reads.
    let whole = decode(&capture, &args, limits, capture.len());
    assert!(
        whole.len() <= 2 * capture.len() + 4,
        "{} records from {} bytes",
        whole.len(),
        capture.len()
    );
    for n in [usize::from(*b) + 1, 7] {
        let parts = decode(&capture, &args, limits, n);
        assert_eq!(parts, whole, "records depend on reads of {n} bytes");
    }
});
