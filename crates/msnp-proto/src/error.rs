//! Decode and encode errors. They own no input: cheap, `'static`, and they say what and where.

use crate::verb::Verb;
use crate::version::ProtocolVersion;

/// A command that could not be decoded: what went wrong, where, and how to resume.
///
/// `offset` is relative to the start of the buffer handed to the decoder; `skip` is how many bytes
/// of that buffer to drop so that decoding resumes at the next line (the decoder never asks for
/// more than the buffer holds).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} (at byte {offset}{})", verb.map(|v| format!(", command {v}")).unwrap_or_default())]
pub struct DecodeError {
    /// What went wrong.
    pub kind: DecodeErrorKind,
    /// Byte offset of the problem, relative to the start of the decoded buffer.
    pub offset: usize,
    /// The command verb, when the line got that far.
    pub verb: Option<Verb>,
    /// Bytes to drop from the start of the buffer to resume at the next line.
    pub skip: usize,
}

/// The kinds of decode failure.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeErrorKind {
    /// No line end within the line-length limit (or the line ends past it).
    #[error("line longer than {max} bytes")]
    LineTooLong {
        /// The limit in force.
        max: usize,
    },
    /// The line ended in LF without CR.
    #[error("line not terminated by CRLF (bare LF)")]
    BareLf,
    /// An empty line.
    #[error("empty line")]
    EmptyLine,
    /// The line does not start with three upper-case letters or three digits followed by a space or the end.
    #[error("invalid command verb")]
    InvalidVerb,
    /// A control byte (NUL, TAB, CR inside the line, DEL …) in the line.
    #[error("control byte 0x{byte:02x} in command line")]
    ControlByte {
        /// The offending byte.
        byte: u8,
    },
    /// Bytes that are not valid UTF-8 (or not ASCII when UTF-8 arguments are not allowed).
    #[error("invalid {}", if *.ascii_only { "non-ASCII byte in command line" } else { "UTF-8 in command line" })]
    InvalidText {
        /// True when only ASCII was allowed.
        ascii_only: bool,
    },
    /// Two spaces in a row, or a space at the start or end of the line, in strict mode.
    #[error("extra space between tokens")]
    ExtraSpace,
    /// More tokens than the limit.
    #[error("more than {max} tokens on one line")]
    TooManyTokens {
        /// The limit in force.
        max: usize,
    },
    /// The command needs a transaction ID and has none (or not a number in 0 … 2³²−1).
    #[error("missing or invalid transaction ID")]
    BadTrId,
    /// A payload command without its length argument.
    #[error("payload length missing")]
    MissingPayloadLength,
    /// The payload length is not a decimal number (negative, signed, empty, letters).
    #[error("payload length is not a decimal number")]
    BadPayloadLength,
    /// The payload length is over the limit (checked before anything is buffered).
    #[error("payload length {len} exceeds the limit of {max} bytes")]
    PayloadTooLarge {
        /// The declared length (saturated at `u64::MAX`).
        len: u64,
        /// The limit in force.
        max: usize,
    },
    /// Bytes after the one command expected (`OwnedCommand::from_frame`).
    #[error("trailing bytes after the command")]
    TrailingData,
    /// The input ended inside a command (a line without its end, or a short payload).
    #[error("input ends inside a command ({missing} more bytes needed{})", if *.line { ", line not terminated" } else { "" })]
    Truncated {
        /// Bytes missing, when known (0 when only the line end is missing).
        missing: usize,
        /// True when the line itself had no end.
        line: bool,
    },
}

impl DecodeError {
    pub(crate) fn new(kind: DecodeErrorKind, offset: usize, skip: usize) -> Self {
        Self {
            kind,
            offset,
            verb: None,
            skip,
        }
    }

    /// A short machine-readable name of the error kind (`line_too_long`, `bare_lf`, …).
    pub fn kind_name(&self) -> &'static str {
        self.kind.name()
    }
}

impl DecodeErrorKind {
    /// A short machine-readable name (`line_too_long`, `bare_lf`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Self::LineTooLong { .. } => "line_too_long",
            Self::BareLf => "bare_lf",
            Self::EmptyLine => "empty_line",
            Self::InvalidVerb => "invalid_verb",
            Self::ControlByte { .. } => "control_byte",
            Self::InvalidText { .. } => "invalid_text",
            Self::ExtraSpace => "extra_space",
            Self::TooManyTokens { .. } => "too_many_tokens",
            Self::BadTrId => "bad_trid",
            Self::MissingPayloadLength => "missing_payload_length",
            Self::BadPayloadLength => "bad_payload_length",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::Truncated { .. } => "truncated",
            Self::TrailingData => "trailing_data",
        }
    }
}

/// A command that cannot be written: it would not be valid on the wire in the dialect.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// An argument is empty or contains a space, CR, LF, control byte, or a byte the dialect forbids.
    #[error("argument {index} is not a valid token")]
    ArgInvalid {
        /// Position among the arguments (0 = first after the TrID).
        index: usize,
    },
    /// More tokens than a line may have.
    #[error("more than {max} tokens on one line")]
    TooManyTokens {
        /// The limit in force.
        max: usize,
    },
    /// The line would be longer than the limit.
    #[error("line of {len} bytes exceeds the limit of {max}")]
    LineTooLong {
        /// The line's length.
        len: usize,
        /// The limit in force.
        max: usize,
    },
    /// The payload is longer than the limit.
    #[error("payload of {len} bytes exceeds the limit of {max}")]
    PayloadTooLarge {
        /// The payload's length.
        len: usize,
        /// The limit in force.
        max: usize,
    },
    /// The command needs a TrID in this dialect and none was given.
    #[error("{verb} requires a transaction ID in this dialect")]
    TrIdRequired {
        /// The command.
        verb: Verb,
    },
    /// The command has no TrID slot in this dialect, but one was given.
    #[error("{verb} has no transaction ID in this dialect")]
    TrIdNotAllowed {
        /// The command.
        verb: Verb,
    },
    /// A payload was given for a line the dialect does not frame as a payload command.
    #[error("{verb} does not carry a payload in this form in {version}")]
    PayloadNotAllowed {
        /// The command.
        verb: Verb,
        /// The dialect's version.
        version: ProtocolVersion,
    },
    /// The dialect frames this line as a payload command, but no payload was given.
    #[error("{verb} requires a payload in this form in {version}")]
    PayloadRequired {
        /// The command.
        verb: Verb,
        /// The dialect's version.
        version: ProtocolVersion,
    },
    /// The command does not exist in this dialect (typed layer).
    #[error("{verb} is not part of {version}")]
    UnsupportedInDialect {
        /// The command.
        verb: Verb,
        /// The dialect's version.
        version: ProtocolVersion,
    },
    /// The typed value gives the wrong number of arguments for this dialect's shape of the
    /// command (typed layer), e.g. a field the version requires is missing.
    #[error("{verb} takes {min}..={max} arguments in this dialect, the value gives {got}")]
    ArgCount {
        /// The command.
        verb: Verb,
        /// Fewest arguments.
        min: usize,
        /// Most arguments.
        max: usize,
        /// Arguments the value would write.
        got: usize,
    },
    /// A typed value cannot be written in this dialect (typed layer).
    #[error("{what}: {reason}")]
    Invalid {
        /// Which field.
        what: &'static str,
        /// Why.
        reason: &'static str,
    },
}
