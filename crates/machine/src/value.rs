//! Tagged register values, packed into one integer.
//!
//! A register holds a 3-bit tag and a 16-bit value (§1). The machine keeps
//! both in a `u32`: the value in bits 0..16 and the tag in bits 16..19.
//! Because INT is tag 0, an INT value is just its 16 bits, and "both
//! operands are INT" is the single test `(a | b) >> 16 == 0`.

use cml_isa::Tag;

/// A register's contents: tag and value packed as `tag << 16 | value`.
///
/// Invariant: bits 19 and up are zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Value(pub(crate) u32);

impl Value {
    /// The unit value.
    pub const UNIT: Value = Value::new(Tag::UNIT, 0);

    /// A value with this tag and 16-bit payload.
    pub const fn new(tag: Tag, value: u16) -> Value {
        Value(((tag.code() as u32) << 16) | value as u32)
    }

    /// An INT.
    pub const fn int(value: u16) -> Value {
        Value(value as u32)
    }

    /// The tag.
    pub const fn tag(self) -> Tag {
        Tag::from_code((self.0 >> 16) as u8)
    }

    /// The 16 value bits.
    pub const fn bits(self) -> u16 {
        self.0 as u16
    }

    /// The value bits read as a signed integer.
    pub const fn signed(self) -> i16 {
        self.0 as u16 as i16
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.tag() {
            Tag::INT => write!(formatter, "INT {}", self.signed()),
            Tag::UNIT => formatter.write_str("UNIT"),
            Tag::BOOL => write!(formatter, "BOOL {}", self.bits()),
            tag => write!(formatter, "{tag} {:#06x}", self.bits()),
        }
    }
}
