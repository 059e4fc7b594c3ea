//! Passport and HRESULT codes in serialized form: hex strings (`"0x80048821"`), the form
//! people search for. The Rust API keeps them as `u32`. Reading accepts the hex string and,
//! for JSON written before, a plain number.

#[cfg(feature = "serde")]
use serde::de::{self, Deserializer, Visitor};
#[cfg(feature = "serde")]
use serde::{Deserialize, Serializer};

/// `0x` and eight lower-case hex digits, as the Passport services write them.
pub(crate) fn hex(code: u32) -> String {
    format!("0x{code:08x}")
}

#[cfg(feature = "serde")]
/// For `#[serde(with = "crate::code::opt_hex", default)]` on an `Option<u32>` code.
pub(crate) mod opt_hex {
    use super::{Code, Deserialize, Deserializer, Serializer, hex};

    pub(crate) fn serialize<S: Serializer>(v: &Option<u32>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(c) => s.serialize_str(&hex(*c)),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        Ok(Option::<Code>::deserialize(d)?.map(|c| c.0))
    }
}

#[cfg(feature = "serde")]
/// A code read from a hex string or a number.
struct Code(u32);

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Code;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a status code: a \"0x…\" hex string or a number")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Code, E> {
                u32::try_from(v)
                    .map(Code)
                    .map_err(|_| E::custom("status code out of range"))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Code, E> {
                u32::try_from(v)
                    .map(Code)
                    .map_err(|_| E::custom("status code out of range"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Code, E> {
                v.strip_prefix("0x")
                    .or_else(|| v.strip_prefix("0X"))
                    .filter(|h| !h.is_empty() && h.len() <= 8)
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .map(Code)
                    .ok_or_else(|| E::custom("status code is not 0x and 1–8 hex digits"))
            }
        }
        d.deserialize_any(V)
    }
}
