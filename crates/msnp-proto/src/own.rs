//! Turning borrowed values into `'static` ones: the [`Own`] trait, its impls for containers and
//! plain values, and the macros that derive it for structs. The value types' own impls live in
//! `message/own.rs`, so this module imports nothing and anything may use it.

use std::borrow::Cow;

/// Converts a borrowed value into its owned, `'static` twin.
pub(crate) trait Own {
    type Owned;
    fn own(self) -> Self::Owned;
}

impl Own for Cow<'_, [u8]> {
    type Owned = Cow<'static, [u8]>;
    fn own(self) -> Cow<'static, [u8]> {
        Cow::Owned(self.into_owned())
    }
}

impl Own for Cow<'_, str> {
    type Owned = Cow<'static, str>;
    fn own(self) -> Cow<'static, str> {
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

/// `into_owned` for a struct with a lifetime, field by field.
macro_rules! owned {
    ($name:ident { $($f:ident),* $(,)? }) => {
        impl $name<'_> {
            /// An owned, `'static` copy.
            pub fn into_owned(self) -> $name<'static> {
                $name { $( $f: $crate::own::Own::own(self.$f) ),* }
            }
        }
        impl $crate::own::Own for $name<'_> {
            type Owned = $name<'static>;
            fn own(self) -> $name<'static> {
                self.into_owned()
            }
        }
    };
}
pub(crate) use owned;

/// `Own` for types without borrowed data.
macro_rules! owned_copy {
    ($($name:ty),* $(,)?) => {
        $( impl $crate::own::Own for $name {
            type Owned = $name;
            fn own(self) -> $name { self }
        } )*
    };
}
pub(crate) use owned_copy;

owned_copy!(u32, u64, bool);
