//! Peer-to-peer transfers over a switchboard (p2p.md): display pictures and custom
//! emoticons (MSNObject sessions) and file transfers, over P2Pv1 and P2Pv2, sans-IO.
//!
//! One [`P2pSession`] serves the transfers with one peer on one switchboard, in both
//! directions: it takes the received `application/x-msnmsgrp2p` messages, routes each chunk
//! to its transfer by SessionID (data) or `Call-ID` (MSNSLP), answers with ACKs and MSNSLP
//! responses, and hands out the chunks to send ([`P2pTransmit`], sent with
//! [`P2pTransmit::send_on`] as `MSG … D`). Formats come from [`msnp_proto::p2p`]: the framing
//! of received chunks is [`P2pFraming::for_received`](msnp_proto::p2p::P2pFraming::for_received),
//! the one we send [`P2pFraming::for_sending`](msnp_proto::p2p::P2pFraming::for_sending)
//! (in [`P2pConfig::new`]), reassembly and its limits are the proto
//! [`Reassembler`](msnp_proto::p2p::Reassembler)'s. Direct connections are out of scope: a
//! transport request is answered so that the data stays on the switchboard.
//!
//! # A display picture between two machines
//!
//! ```
//! use std::time::Instant;
//! use bytes::Bytes;
//! use msnp_proto::ProtocolVersion;
//! use msnp_proto::p2p::v1::app_id;
//! use msnp_session::digest::msnobj_for_data;
//! use msnp_session::p2p::{Outcome, P2pConfig, P2pEvent, P2pSession};
//!
//! let picture = Bytes::from(vec![0x89; 3000]);
//! let object = msnobj_for_data("bob@example.com", 3, "0", "", &picture);
//! let v = ProtocolVersion::Msnp12;
//! let mut alice = P2pSession::new(P2pConfig::new(v, "alice@example.com", "bob@example.com", false, 1));
//! let mut bob = P2pSession::new(P2pConfig::new(v, "bob@example.com", "alice@example.com", false, 2));
//! bob.publish_object(object.clone(), picture.clone())?;
//!
//! let now = Instant::now();
//! let session_id = alice.request_object(now, &object, app_id::DISPLAY_PICTURE)?;
//! // The switchboard: each chunk as the MIME payload of a `MSG … D`.
//! loop {
//!     let mut moved = false;
//!     while let Some(t) = alice.poll_transmit() {
//!         bob.handle_mime(now, &t.to_mime_bytes()?)?;
//!         moved = true;
//!     }
//!     while let Some(t) = bob.poll_transmit() {
//!         alice.handle_mime(now, &t.to_mime_bytes()?)?;
//!         moved = true;
//!     }
//!     if !moved { break; }
//! }
//! let events: Vec<P2pEvent> = std::iter::from_fn(|| alice.poll_event()).collect();
//! assert!(matches!(&events[1], P2pEvent::ObjectReceived { data, .. } if data[..] == picture[..]));
//! assert_eq!(events.last(), Some(&P2pEvent::Finished { session_id, outcome: Outcome::Completed }));
//! assert_eq!((alice.transfers().count(), bob.transfers().count()), (0, 0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod bridge;
pub mod error;
mod session;
pub mod state;
pub mod types;

pub use error::TransferError;
pub use session::P2pSession;
pub use state::{Role, TransferState};
pub use types::{Outcome, P2pConfig, P2pEvent, P2pTransmit, TransferInfo};
