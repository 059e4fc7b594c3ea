//! The Contact Sharing service (`SharingService.asmx`): memberships by role.
//!
//! It shares header, namespace and fault format with the address book, so the
//! requests and responses are variants of [`AbRequestBody`] / [`AbResponseBody`];
//! this module re-exports the sharing-specific types for discoverability.
//!
//! ```
//! use msnp_soap::sharing::{MemberChange, MemberRole};
//! use msnp_soap::abch::{AbHeader, AbRequest, AbRequestBody, scenario};
//! // block = DeleteMember Allow + AddMember Block
//! let del = AbRequest { header: AbHeader::new(scenario::BLOCK_UNBLOCK, None),
//!     body: AbRequestBody::DeleteMember(MemberChange::passport(MemberRole::Allow, "m@example.com")) };
//! let add = AbRequest { header: AbHeader::new(scenario::BLOCK_UNBLOCK, None),
//!     body: AbRequestBody::AddMember(MemberChange::passport(MemberRole::Block, "m@example.com")) };
//! assert_eq!(del.path(), "/abservice/SharingService.asmx");
//! assert!(add.soap_action().ends_with("/AddMember"));
//! ```

pub use crate::abch::{
    AbRequestBody, AbResponseBody, FindMembership, FindMembershipResult, Member, MemberChange,
    MemberKind, MemberRole, Membership, Service, ServiceHandle,
};
