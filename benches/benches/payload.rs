//! Payload documents: `ml` (ADL/RML/FQY), MSG MIME with typed bodies, UUX/UBX `Data`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use msnp_proto::Verb;
use msnp_proto::payload::data::DataDocument;
use msnp_proto::payload::mime::MimeMessage;
use msnp_proto::payload::ml::Ml;
use msnp_proto::payload::notification::NotificationDocument;
use msnp_proto::payload::{XmlLimits, parse_payload};

fn ml_doc(contacts: usize) -> String {
    let mut s = String::from("<ml l=\"1\">");
    let domains = ["hotmail.com", "msn.com", "live.com", "yahoo.com"];
    for (d, domain) in domains.iter().enumerate() {
        s.push_str(&format!("<d n=\"{domain}\">"));
        for i in (0..contacts).filter(|i| i % domains.len() == d) {
            s.push_str(&format!("<c n=\"contact{i}\" l=\"3\" t=\"1\"/>"));
        }
        s.push_str("</d>");
    }
    s.push_str("</ml>");
    s
}

fn benches(c: &mut Criterion) {
    let limits = XmlLimits::default();
    let ml = ml_doc(150);
    let mut g = c.benchmark_group("payload/ml");
    g.throughput(Throughput::ElementsAndBytes {
        elements: 1,
        bytes: ml.len() as u64,
    });
    g.bench_function("parse_150_contacts", |b| {
        b.iter(|| Ml::parse(black_box(ml.as_bytes()), &limits).map(|m| m.domains.len()))
    });
    g.finish();

    let text = b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nX-MMS-IM-Format: FN=Segoe%20UI; EF=B; CO=ff0000; CS=1; PF=0\r\n\r\nDid you see the game last night? It was something else.";
    let mut g = c.benchmark_group("payload/mime");
    g.throughput(Throughput::ElementsAndBytes {
        elements: 1,
        bytes: text.len() as u64,
    });
    g.bench_function("headers", |b| {
        b.iter(|| MimeMessage::parse(black_box(text)).map(|m| m.headers.len()))
    });
    g.bench_function("typed_text", |b| {
        b.iter(|| parse_payload(Verb::MSG, None, black_box(text), &limits).is_ok())
    });
    g.finish();

    let data = b"<Data><PSM>Back from holiday &amp; busy</PSM><CurrentMedia>\\0Music\\01\\0{0} - {1}\\0Song Title\\0Artist Name\\0Album\\0\\0</CurrentMedia><MachineGuid>{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}</MachineGuid></Data>";
    let mut g = c.benchmark_group("payload/data");
    g.throughput(Throughput::ElementsAndBytes {
        elements: 1,
        bytes: data.len() as u64,
    });
    g.bench_function("parse", |b| {
        b.iter(|| DataDocument::parse(black_box(data), &limits).is_ok())
    });
    g.finish();

    // A Hotmail notice as `NOT` carries it.
    let not = br#"<NOTIFICATION ver="2" id="1" siteid="0" siteurl="http://www.hotmail.com"><TO pid="0x00060000:0x81ee5a43" name="alice@hotmail.com"/><MSG id="0"><SUBSCR url="s.htm"/><ACTION url="a.htm"/><BODY lang="1033"><TEXT>You have new mail.</TEXT></BODY></MSG></NOTIFICATION>"#;
    let mut g = c.benchmark_group("payload/notification");
    g.throughput(Throughput::ElementsAndBytes {
        elements: 1,
        bytes: not.len() as u64,
    });
    g.bench_function("parse", |b| {
        b.iter(|| NotificationDocument::parse(black_box(not), &limits).is_ok())
    });
    g.finish();
}

criterion_group!(payload, benches);
criterion_main!(payload);
