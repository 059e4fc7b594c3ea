//! `--input auto`: telling captures, transcripts and wire bytes apart by their first bytes.

use std::io::{self, Read};

use super::InputFormat;
use super::pcap::capture::CaptureFormat;

/// Whether text looks like a transcript.
pub(crate) fn looks_like_transcript(head: &[u8]) -> bool {
    let head = head.trim_ascii_start();
    head.starts_with(b"C: ")
        || head.starts_with(b"S: ")
        || head.starts_with(b"#")
        || head.starts_with(b"```")
}

/// Whether `head` starts with a pcap or pcapng magic number.
pub(crate) fn looks_like_capture(head: &[u8]) -> bool {
    CaptureFormat::detect(head).is_some()
}

/// The format of an input starting with `head`.
pub(crate) fn format_of(head: &[u8]) -> InputFormat {
    if looks_like_capture(head) {
        InputFormat::Pcap
    } else if looks_like_transcript(head) {
        InputFormat::Transcript
    } else {
        InputFormat::Wire
    }
}

/// Reads a little of the input to decide its format (the input is then decoded from that
/// prefix on).
pub(crate) fn read_head(input: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut head = vec![0u8; 4096];
    let mut got = 0;
    while got < head.len() {
        let n = loop {
            match input.read(&mut head[got..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => break r?,
            }
        };
        if n == 0 {
            break;
        }
        got += n;
        // Enough to tell the formats apart: four bytes of content (a capture's magic number, a
        // transcript's `C: `), or a whole line. Waiting for more would stall a live stream.
        let content = head[..got].trim_ascii_start();
        if content.len() >= 4 || content.contains(&b'\n') {
            break;
        }
    }
    head.truncate(got);
    Ok(head)
}
