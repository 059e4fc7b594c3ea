//! [`ProtocolViolation`]: a command a machine cannot use where it arrived. One type for every
//! machine, so the login, the switchboard and the server side report it alike.

use std::fmt;

use msnp_proto::raw::OwnedCommand;
use msnp_proto::verb::Verb;

use crate::machine::line_text;

/// What is wrong with the command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Problem {
    /// It does not belong at this point.
    Unexpected {
        /// What the machine was waiting for.
        expecting: &'static str,
    },
    /// It belongs here, with arguments the machine cannot use.
    Malformed {
        /// What is wrong.
        reason: &'static str,
    },
}

/// A command a machine cannot use where it arrived.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ProtocolViolation {
    /// The command.
    pub verb: Verb,
    /// What is wrong with it.
    pub problem: Problem,
    /// The command line, as received.
    pub line: String,
}

impl ProtocolViolation {
    /// `cmd` does not belong while the machine is `expecting` something else.
    pub(crate) fn unexpected(cmd: &OwnedCommand, expecting: &'static str) -> Self {
        Self {
            verb: cmd.as_raw().verb(),
            problem: Problem::Unexpected { expecting },
            line: line_text(cmd),
        }
    }

    /// `cmd` has arguments the machine cannot use.
    pub(crate) fn malformed(cmd: &OwnedCommand, reason: &'static str) -> Self {
        Self {
            verb: cmd.as_raw().verb(),
            problem: Problem::Malformed { reason },
            line: line_text(cmd),
        }
    }
}

impl fmt::Display for ProtocolViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problem {
            Problem::Unexpected { expecting } => {
                write!(
                    f,
                    "unexpected {} while {expecting}: {:?}",
                    self.verb, self.line
                )
            }
            Problem::Malformed { reason } => {
                write!(f, "malformed {}: {reason}: {:?}", self.verb, self.line)
            }
        }
    }
}

impl std::error::Error for ProtocolViolation {}
