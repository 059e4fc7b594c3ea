//! [`Own`] for the value types the messages are made of (the trait itself is in `crate::own`,
//! below every value type).

pub(crate) use crate::own::{Own, owned, owned_copy};

use crate::network::Handle;
use crate::text::{Token, UrlText};

impl Own for Token<'_> {
    type Owned = Token<'static>;
    fn own(self) -> Token<'static> {
        self.into_owned()
    }
}

impl Own for UrlText<'_> {
    type Owned = UrlText<'static>;
    fn own(self) -> UrlText<'static> {
        self.into_owned()
    }
}

impl Own for Handle<'_> {
    type Owned = Handle<'static>;
    fn own(self) -> Handle<'static> {
        self.into_owned()
    }
}

owned_copy!(
    crate::verb::TrId,
    crate::caps::ClientCapabilities,
    crate::network::NetworkId,
    crate::list::ListBits,
    crate::error_code::ErrorCode,
    crate::version::ProtocolVersion
);
