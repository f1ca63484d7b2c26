//! Register tags (§2): the 3-bit type every register value carries and
//! every tag-checking instruction verifies.

use std::fmt;

/// A register tag. The numbering is §2's, fixed by the ISA.
///
/// Invariant: the code is below 8. Codes 6 and 7 are reserved; a value can
/// carry them only through SETTAG, and the machine faults when asked to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(u8);

impl Tag {
    /// A 16-bit signed integer.
    pub const INT: Tag = Tag(0);
    /// A pointer to a heap object whose header sits at offset -1.
    pub const PTR: Tag = Tag(1);
    /// A continuation handle (a pointer to a CONT_REC).
    pub const CONT: Tag = Tag(2);
    /// A closure record (a pointer to a CLOSURE_REC).
    pub const CLOSURE: Tag = Tag(3);
    /// The unit value; the value bits are ignored.
    pub const UNIT: Tag = Tag(4);
    /// A boolean: 1 or 0 in the value bits.
    pub const BOOL: Tag = Tag(5);

    /// The names of the eight codes, in order.
    pub const NAMES: [&'static str; 8] = [
        "INT",
        "PTR",
        "CONT",
        "CLOSURE",
        "UNIT",
        "BOOL",
        "RESERVED6",
        "RESERVED7",
    ];

    /// The tag with this 3-bit code (only the low three bits are used).
    pub const fn from_code(code: u8) -> Tag {
        Tag(code & 7)
    }

    /// The tag's 3-bit code.
    pub const fn code(self) -> u8 {
        self.0
    }

    /// Whether this is one of the two reserved codes.
    pub const fn is_reserved(self) -> bool {
        self.0 >= 6
    }

    /// Whether values with this tag point at a heap object with a header
    /// (PTR, CONT and CLOSURE).
    pub const fn is_heap_pointer(self) -> bool {
        matches!(self.0, 1..=3)
    }

    /// The tag's name (`INT`, `PTR`, ...).
    pub const fn name(self) -> &'static str {
        Tag::NAMES[self.0 as usize]
    }

    /// The tag a name denotes, ignoring case.
    pub fn from_name(name: &str) -> Option<Tag> {
        Tag::NAMES
            .iter()
            .position(|candidate| candidate.eq_ignore_ascii_case(name))
            .map(|code| Tag(code as u8))
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}
