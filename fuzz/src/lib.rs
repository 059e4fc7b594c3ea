//! Shared helpers for the msnp fuzz targets: turning header bytes into a dialect and limits,
//! and driving a [`Decoder`] over a buffer the way a socket reader would.

use msnp_proto::{
    Channel, Decoder, Dialect, Direction, Leniency, Limits, Needed, ProtocolVersion, Status,
};

/// A dialect picked by two header bytes: version and channel from `a`, direction and the five
/// leniency switches from `b`.
pub fn dialect_from(a: u8, b: u8) -> Dialect {
    let all = ProtocolVersion::ALL;
    let version = all[usize::from(a) % all.len()];
    let channel = if a & 0x80 != 0 {
        Channel::Switchboard
    } else {
        Channel::Notification
    };
    let mut d = Dialect::notification(version).with_channel(channel);
    d = match b & 3 {
        0 => d.with_direction(Direction::ClientToServer),
        1 => d.with_direction(Direction::ServerToClient),
        _ => d.without_direction(),
    };
    d.with_leniency(Leniency {
        accept_bare_lf: b & 0x04 != 0,
        allow_extra_spaces: b & 0x08 != 0,
        skip_blank_lines: b & 0x10 != 0,
        allow_utf8_args: b & 0x20 != 0,
        payload_outside_version: b & 0x40 != 0,
    })
}

/// Default limits, or (when `small`) tiny ones so that the limit paths are reached.
pub fn limits_from(small: bool) -> Limits {
    if small {
        Limits {
            max_line: 40,
            max_payload: 64,
            max_tokens: 5,
        }
    } else {
        Limits::default()
    }
}

/// One decoder outcome, with absolute offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A command: its absolute start and its bytes.
    Cmd(usize, Vec<u8>),
    /// An error: its kind name and absolute offset.
    Err(&'static str, usize),
    /// Skipped bytes (blank lines, the tail of an over-long line).
    Skip(usize),
}

/// Decodes all of `input` fed `chunk` bytes at a time (the whole input when `chunk` is 0),
/// asserting the decoder's contract on every step; ends with [`Decoder::finish`].
pub fn run_decoder(dialect: Dialect, limits: Limits, input: &[u8], chunk: usize) -> Vec<Item> {
    let mut dec = Decoder::new(dialect, limits);
    let chunk = if chunk == 0 {
        input.len().max(1)
    } else {
        chunk
    };
    let (mut start, mut fed, mut items) = (0usize, 0usize, Vec::new());
    let mut steps = 0usize;
    loop {
        steps += 1;
        assert!(steps < 4 * input.len() + 16, "decoder makes no progress");
        let buf = &input[start..fed];
        match dec.decode(buf) {
            Ok(Status::Complete { value, consumed }) => {
                assert!(consumed > 0, "Complete with consumed 0");
                assert!(consumed <= buf.len(), "consumed {consumed} > {}", buf.len());
                let frame = value.as_bytes();
                assert_eq!(
                    frame,
                    &buf[..consumed],
                    "as_bytes is not the consumed slice"
                );
                assert_eq!(
                    frame.as_ptr(),
                    buf.as_ptr(),
                    "as_bytes does not borrow the input"
                );
                check_command(&value, &dialect, &limits);
                items.push(Item::Cmd(start, frame.to_vec()));
                start += consumed;
            }
            Ok(Status::Skipped { consumed }) => {
                assert!(
                    consumed > 0 && consumed <= buf.len(),
                    "skipped {consumed} of {}",
                    buf.len()
                );
                items.push(Item::Skip(consumed));
                start += consumed;
            }
            Ok(Status::Incomplete(needed)) => {
                if let Needed::Size(n) = needed {
                    assert!(
                        n.get() <= limits.max_payload + limits.max_line + 2,
                        "needs {n} bytes, more than any command"
                    );
                }
                if fed == input.len() {
                    if let Some(e) = dec.finish(&input[start..fed]) {
                        assert!(!input[start..].is_empty(), "finish reported on empty rest");
                        items.push(Item::Err(e.kind_name(), start + e.offset));
                    }
                    return items;
                }
                fed = (fed + chunk).min(input.len());
            }
            Err(e) => {
                assert!(
                    e.skip > 0 && e.skip <= buf.len(),
                    "error {e:?}: skip {} of {}",
                    e.skip,
                    buf.len()
                );
                assert!(e.offset <= buf.len(), "error offset past the buffer: {e:?}");
                items.push(Item::Err(e.kind_name(), start + e.offset));
                start += e.skip;
            }
        }
    }
}

/// Structural invariants of one decoded command.
pub fn check_command(cmd: &msnp_proto::RawCommand<'_>, dialect: &Dialect, limits: &Limits) {
    let frame = cmd.as_bytes();
    let line = cmd.line();
    assert!(line.len() <= limits.max_line.min(u16::MAX as usize));
    assert!(frame.starts_with(line));
    assert!(!line.contains(&b'\n') && !line.contains(&b'\r'));
    let term: &[u8] = if cmd.has_crlf() { b"\r\n" } else { b"\n" };
    assert_eq!(frame.get(line.len()..line.len() + term.len()), Some(term));
    assert!(dialect.leniency.accept_bare_lf || cmd.has_crlf());
    let after = line.len() + term.len();
    match cmd.payload() {
        Some(p) => {
            assert_eq!(p, &frame[after..]);
            assert!(p.len() <= limits.max_payload);
            let len_token = cmd.token(cmd.token_count() - 1).unwrap_or_default();
            assert_eq!(
                std::str::from_utf8(len_token)
                    .ok()
                    .and_then(|t| t.parse::<usize>().ok()),
                Some(p.len()),
                "length token does not match the payload"
            );
        }
        None => assert_eq!(
            frame.len(),
            after,
            "payload-less command with trailing bytes"
        ),
    }
    assert_eq!(cmd.tokens().count(), cmd.token_count());
    assert!(
        cmd.token_count() >= 1
            && cmd.token_count() <= limits.max_tokens.clamp(1, msnp_proto::MAX_TOKENS)
    );
    assert_eq!(cmd.token(0), Some(&cmd.verb().as_bytes()[..]));
    assert_eq!(cmd.args().count(), cmd.arg_count());
    for (i, a) in cmd.args().enumerate() {
        assert!(!a.is_empty() && !a.contains(&b' '));
        assert_eq!(cmd.arg(i), Some(a));
    }
    assert_eq!(cmd.arg(cmd.arg_count()), None);
    if let Some(t) = cmd.trid() {
        let tok = cmd.token(1).unwrap_or_default();
        assert_eq!(
            std::str::from_utf8(tok)
                .ok()
                .and_then(|s| s.parse::<u32>().ok()),
            Some(t.0)
        );
    }
    // The frame alone decodes to the same command.
    let owned =
        msnp_proto::OwnedCommand::from_frame(bytes::Bytes::copy_from_slice(frame), dialect, limits)
            .unwrap_or_else(|e| panic!("frame {frame:?} alone does not decode: {e:?}"));
    assert_eq!(owned, cmd.to_owned_command());
}

/// The items without `Skipped` entries (their sizes depend on how the input was chunked).
pub fn without_skips(items: Vec<Item>) -> Vec<Item> {
    items
        .into_iter()
        .filter(|i| !matches!(i, Item::Skip(_)))
        .collect()
}

/// `msnp decode`'s or `msnp check`'s arguments parsed from `argv` (without the program name),
/// as the command line would give them.
pub fn cli_args<T: clap::Args + clap::FromArgMatches>(argv: &[&str]) -> T {
    let cmd = T::augment_args(clap::Command::new("msnp").no_binary_name(true));
    let m = cmd
        .try_get_matches_from(argv)
        .unwrap_or_else(|e| panic!("bad fuzz arguments {argv:?}: {e}"));
    T::from_arg_matches(&m).unwrap_or_else(|e| panic!("bad fuzz arguments {argv:?}: {e}"))
}

/// A reader handing out at most `n` bytes per `read` (a pipe, a slow socket).
#[derive(Debug)]
pub struct ShortReads<'a> {
    /// What is left to read.
    pub rest: &'a [u8],
    /// Largest read.
    pub n: usize,
}

impl std::io::Read for ShortReads<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.n.max(1).min(buf.len()).min(self.rest.len());
        let (head, tail) = self.rest.split_at(k);
        buf[..k].copy_from_slice(head);
        self.rest = tail;
        Ok(k)
    }
}

/// What a decoder run wrote to its sink, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A command: flow, direction, frame bytes.
    Cmd(Option<u32>, Option<Direction>, Vec<u8>),
    /// An error record: flow, kind, offset, line.
    Err(Option<u32>, String, u64, u64),
}

/// A [`msnp_cli::sink::Sink`] keeping every record, checking each command on the way.
#[derive(Debug, Default)]
pub struct Collect {
    /// The records so far.
    pub records: Vec<Record>,
    flow: Option<u32>,
    /// The framing limits the commands were decoded with.
    pub limits: Limits,
}

impl Collect {
    /// An empty collection for commands decoded with `limits`.
    pub fn new(limits: Limits) -> Self {
        Self {
            records: Vec::new(),
            flow: None,
            limits,
        }
    }
}

impl msnp_cli::sink::Sink for Collect {
    fn command(
        &mut self,
        cmd: &msnp_proto::RawCommand<'_>,
        dialect: &Dialect,
    ) -> std::io::Result<()> {
        check_command(cmd, dialect, &self.limits);
        self.records.push(Record::Cmd(
            self.flow,
            dialect.direction,
            cmd.as_bytes().to_vec(),
        ));
        Ok(())
    }
    fn error(&mut self, body: msnp_cli::record::ErrorBody<'_>) -> std::io::Result<()> {
        self.records.push(Record::Err(
            self.flow,
            body.kind.to_owned(),
            body.offset,
            body.line,
        ));
        Ok(())
    }
    fn set_context(&mut self, flow: Option<u32>, _ts: Option<f64>) {
        self.flow = flow;
    }
}
