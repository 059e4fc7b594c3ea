//! A fast JSON string writer for the NDJSON hot path: payload text and arguments are most of the
//! output, and scanning them 16 bytes at a time for the few bytes JSON must escape beats a
//! byte-at-a-time loop.

/// Appends `s` as a JSON string literal (quotes included), escaping as serde_json does.
pub(crate) fn write_str(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        // Skip 16-byte blocks with nothing to escape (a branch-free test the compiler vectorises).
        while let Some(block) = b.get(i..i + 16) {
            if block.iter().fold(false, |any, &c| any | needs_escape(c)) {
                break;
            }
            i += 16;
        }
        while i < b.len() && !needs_escape(b[i]) {
            i += 1;
            if i % 16 == 0 {
                break;
            }
        }
        if i >= b.len() || !needs_escape(b[i]) {
            continue;
        }
        out.extend_from_slice(&b[start..i]);
        write_escape(out, b[i]);
        i += 1;
        start = i;
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

#[inline]
fn needs_escape(c: u8) -> bool {
    c < 0x20 || c == b'"' || c == b'\\'
}

fn write_escape(out: &mut Vec<u8>, c: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match c {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0c => out.extend_from_slice(b"\\f"),
        _ => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(c >> 4)],
            HEX[usize::from(c & 15)],
        ]),
    }
}

/// Appends a decimal number.
pub(crate) fn write_u64(out: &mut Vec<u8>, n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_as_serde_json() {
        let mut samples: Vec<String> = vec![
            String::new(),
            "plain".into(),
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nhi \"there\" \\ ⚽".into(),
            "\u{0}\u{1}\u{7}\u{8}\u{b}\u{c}\u{1f}\u{7f}tab\there".into(),
            "x".repeat(15) + "\"" + &"y".repeat(17) + "\n",
        ];
        // Every position of a special byte relative to the 16-byte blocks.
        for pos in 0..40 {
            let mut s = "a".repeat(40);
            s.replace_range(pos..pos + 1, "\"");
            samples.push(s);
        }
        for s in samples {
            let mut out = Vec::new();
            write_str(&mut out, &s);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&s).unwrap(),
                "{s:?}"
            );
        }
        for n in [0u64, 7, 10, 12345, u64::MAX] {
            let mut out = Vec::new();
            write_u64(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
    }
}
