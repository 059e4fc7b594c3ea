//! `decode --input wire | encode --output transcript | encode --output wire` is byte-exact on any
//! input that frames (transcript-format.md, "Exact payloads"), and every shared transcript
//! survives being re-written as a transcript.

mod util;

/// Runs the pipeline on `wire`; returns the transcript in the middle and the wire bytes at the end.
fn wire_round_trip(wire: &[u8], decode_args: &[&str]) -> (String, Vec<u8>) {
    let args: Vec<&str> = ["decode", "--input", "wire"]
        .into_iter()
        .chain(decode_args.iter().copied())
        .collect();
    let (code, records, err) = util::run_msnp(&args, wire);
    assert_eq!(code, 0, "decode: {err}");
    let (code, text, err) = util::run_msnp(&["encode", "--output", "transcript"], &records);
    assert_eq!(code, 0, "encode --output transcript: {err}");
    let (code, back, err) = util::run_msnp(&["encode", "--output", "wire"], &text);
    assert_eq!(code, 0, "encode --output wire: {err}");
    (String::from_utf8(text).expect("transcript text"), back)
}

#[test]
fn binary_p2p_payload_is_written_base64() {
    let wire = b"MSG 7 D 4\r\n\x00\x01\x02\x03";
    let (text, back) = wire_round_trip(wire, &["--direction", "client", "--channel", "sb"]);
    assert_eq!(text, "C: MSG 7 D 4\n%base64 AAECAw==\n");
    assert_eq!(back, wire);
}

#[test]
fn escargot_policies_with_bare_lf_and_tab_are_written_escaped() {
    let wire = b"GCF 0 48\r\n<Policies>\n\t<Policy type=\"SHIELDS\"/>\n</Policies>";
    let (text, back) = wire_round_trip(wire, &["--direction", "server", "--dialect", "MSNP13"]);
    assert_eq!(
        text,
        "S: GCF 0 48\n%escaped <Policies>\\n\\t<Policy type=\"SHIELDS\"/>\\n</Policies>\n"
    );
    assert_eq!(back, wire);
}

#[test]
fn the_specs_exact_example_encodes() {
    let text = "S: GCF 0 48\n%escaped <Policies>\\n\\t<Policy type=\"SHIELDS\"/>\\n</Policies>\n";
    let (code, wire, err) = util::run_msnp(
        &["encode", "--output", "wire", "--dialect", "MSNP13"],
        text.as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        wire,
        b"GCF 0 48\r\n<Policies>\n\t<Policy type=\"SHIELDS\"/>\n</Policies>"
    );
}

#[test]
fn arbitrary_payload_bytes_round_trip() {
    // A fixed pseudo-random stream of switchboard messages: binary, text with stray CR/LF,
    // `%`-lines, fences, continuation-like lines, NULs, invalid UTF-8.
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet: &[u8] = b"ab %`.\r\n\t\\\x00\x01\xff\xc3\xa9";
    let mut wire = Vec::new();
    for trid in 1..=60u32 {
        let len = (next() % 40) as usize;
        let payload: Vec<u8> = (0..len)
            .map(|_| {
                let r = next();
                if r % 3 == 0 {
                    (r >> 8) as u8
                } else {
                    alphabet[(r >> 8) as usize % alphabet.len()]
                }
            })
            .collect();
        let ack = ["U", "N", "A", "D"][trid as usize % 4];
        wire.extend_from_slice(format!("MSG {trid} {ack} {}\r\n", payload.len()).as_bytes());
        wire.extend_from_slice(&payload);
    }
    let (_, back) = wire_round_trip(&wire, &["--direction", "client", "--channel", "sb"]);
    assert_eq!(back, wire);
    // Without a direction, the lines are bare and still read back.
    let (_, back) = wire_round_trip(&wire, &["--channel", "sb"]);
    assert_eq!(back, wire);
}

#[test]
fn shared_transcripts_rewritten_give_the_same_wire_bytes() {
    for (name, path) in util::transcripts() {
        let path = path.to_str().expect("UTF-8 path");
        let (code, wire, err) = util::run_msnp(&["encode", "--output", "wire", path], b"");
        assert_eq!(code, 0, "{name}: {err}");
        let (code, text, err) = util::run_msnp(&["encode", "--output", "transcript", path], b"");
        assert_eq!(code, 0, "{name}: {err}");
        let (code, again, err) = util::run_msnp(&["encode", "--output", "wire"], &text);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(!wire.is_empty(), "{name}");
        assert_eq!(again, wire, "{name}");
        // And the re-written transcript is a fixed point.
        let (code, text2, err) = util::run_msnp(&["encode", "--output", "transcript"], &text);
        assert_eq!(code, 0, "{name}: {err}");
        assert_eq!(text2, text, "{name}");
    }
}

#[test]
fn bad_exact_payloads_are_reported_and_decoding_goes_on() {
    let text = "C: MSG 7 D 5\n%base64 AAECAw==\nC: MSG 8 D 4\n%base64 !!\nC: MSG 9 D 4\n%base64 AAECAw==\n";
    let (code, out, _) = util::run_msnp(
        &["decode", "--input", "transcript", "--channel", "sb"],
        text.as_bytes(),
    );
    assert_eq!(code, 1);
    let recs = util::records(&out);
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0]["error"]["kind"], "length_mismatch");
    assert_eq!(recs[0]["error"]["line"], 1);
    assert_eq!(recs[1]["error"]["kind"], "bad_exact_payload");
    assert_eq!(recs[1]["error"]["line"], 3);
    assert_eq!(
        (&recs[2]["trid"], &recs[2]["payload"]["len"]),
        (&9.into(), &4.into())
    );
}
