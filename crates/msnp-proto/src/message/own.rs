//! Turning borrowed messages into `'static` ones.

use std::borrow::Cow;

use crate::network::Handle;
use crate::text::{Token, UrlText};

/// Converts a borrowed value into its owned, `'static` twin.
pub(crate) trait Own {
    type Owned;
    fn own(self) -> Self::Owned;
}

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

impl Own for Cow<'_, [u8]> {
    type Owned = Cow<'static, [u8]>;
    fn own(self) -> Cow<'static, [u8]> {
        Cow::Owned(self.into_owned())
    }
}

impl<T: Own> Own for Option<T> {
    type Owned = Option<T::Owned>;
    fn own(self) -> Self::Owned {
        self.map(Own::own)
    }
}

impl<T: Own> Own for Vec<T> {
    type Owned = Vec<T::Owned>;
    fn own(self) -> Self::Owned {
        self.into_iter().map(Own::own).collect()
    }
}

macro_rules! own_copy {
    ($($t:ty),*) => {
        $( impl Own for $t {
            type Owned = $t;
            fn own(self) -> $t { self }
        } )*
    };
}

own_copy!(
    u32,
    u64,
    bool,
    crate::verb::TrId,
    crate::caps::ClientCapabilities,
    crate::network::NetworkId,
    crate::list::ListBits,
    crate::error_code::ErrorCode,
    crate::version::ProtocolVersion
);

/// `into_owned` for a struct with a lifetime, field by field.
macro_rules! owned {
    ($name:ident { $($f:ident),* $(,)? }) => {
        impl $name<'_> {
            /// An owned, `'static` copy.
            pub fn into_owned(self) -> $name<'static> {
                $name { $( $f: $crate::message::own::Own::own(self.$f) ),* }
            }
        }
        impl $crate::message::own::Own for $name<'_> {
            type Owned = $name<'static>;
            fn own(self) -> $name<'static> {
                self.into_owned()
            }
        }
    };
}
pub(crate) use owned;

/// `Own` for a struct without borrowed data.
macro_rules! owned_copy {
    ($($name:ident),* $(,)?) => {
        $( impl $crate::message::own::Own for $name {
            type Owned = $name;
            fn own(self) -> $name { self }
        } )*
    };
}
pub(crate) use owned_copy;
