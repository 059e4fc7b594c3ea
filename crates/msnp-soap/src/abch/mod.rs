//! ABCH AddressBook (`abservice.asmx`) and Contact Sharing (`SharingService.asmx`)
//! services: requests, responses and the data types they carry.
//!
//! Both services share the header ([`AbHeader`] / [`ServiceHeader`]), the
//! namespace `http://www.msn.com/webservices/AddressBook` and the fault format,
//! so one [`AbRequest`] / [`AbResponse`] pair covers all operations.

mod header;
mod request;
mod response;
mod types;

pub use header::{AbHeader, ServiceHeader, application_id, mspauth_cookie, scenario};
pub use request::*;
pub use response::*;
pub use types::{
    Annotation, Contact, ContactEmail, ContactInfo, ContactPhone, ContactType, GROUP_TYPE_NORMAL,
    Group, GroupInfo, Member, MemberKind, MemberRole, Membership, MessengerMemberInfo,
    ServiceHandle,
};

/// The service an operation belongs to.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AbService {
    /// `/abservice/abservice.asmx`.
    AddressBook,
    /// `/abservice/SharingService.asmx`.
    Sharing,
}

macro_rules! ops {
    ($($v:ident = $el:literal, $svc:ident;)*) => {
        /// An AddressBook or Sharing operation.
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub enum AbOperation {
            $(#[doc = concat!("`", $el, "`.")] $v,)*
        }
        impl AbOperation {
            /// Every operation.
            pub const ALL: &'static [Self] = &[$(Self::$v,)*];
            /// The request body element name (also the SOAPAction suffix).
            pub fn element(self) -> &'static str {
                match self { $(Self::$v => $el,)* }
            }
            /// The service hosting this operation.
            pub fn service(self) -> AbService {
                match self { $(Self::$v => AbService::$svc,)* }
            }
            /// Looks an operation up by its request element name.
            pub fn from_element(name: &str) -> Option<Self> {
                match name { $($el => Some(Self::$v),)* _ => None }
            }
        }
    };
}

ops! {
    FindAll = "ABFindAll", AddressBook;
    FindContactsPaged = "ABFindContactsPaged", AddressBook;
    ContactAdd = "ABContactAdd", AddressBook;
    ContactDelete = "ABContactDelete", AddressBook;
    ContactUpdate = "ABContactUpdate", AddressBook;
    GroupAdd = "ABGroupAdd", AddressBook;
    GroupDelete = "ABGroupDelete", AddressBook;
    GroupUpdate = "ABGroupUpdate", AddressBook;
    GroupContactAdd = "ABGroupContactAdd", AddressBook;
    GroupContactDelete = "ABGroupContactDelete", AddressBook;
    Add = "ABAdd", AddressBook;
    FindMembership = "FindMembership", Sharing;
    AddMember = "AddMember", Sharing;
    DeleteMember = "DeleteMember", Sharing;
}

impl AbOperation {
    /// `SOAPAction`: `http://www.msn.com/webservices/AddressBook/<Operation>`.
    ///
    /// ```
    /// use msnp_soap::abch::AbOperation;
    /// assert_eq!(AbOperation::AddMember.soap_action(), "http://www.msn.com/webservices/AddressBook/AddMember");
    /// assert_eq!(AbOperation::AddMember.path(), "/abservice/SharingService.asmx");
    /// ```
    pub fn soap_action(self) -> String {
        format!("{}/{}", crate::ns::AB, self.element())
    }

    /// HTTP path of the hosting service.
    pub fn path(self) -> &'static str {
        match self.service() {
            AbService::AddressBook => "/abservice/abservice.asmx",
            AbService::Sharing => "/abservice/SharingService.asmx",
        }
    }

    /// Looks an operation up by its response element name (`ABFindAllResponse`).
    pub fn from_response_element(name: &str) -> Option<Self> {
        Self::from_element(name.strip_suffix("Response")?)
    }
}
