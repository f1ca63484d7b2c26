//! Heap objects (§5): layout codes and the header word that precedes every
//! object.
//!
//! ```text
//!   15        8 7      4 3      0
//!  ┌──────────┬────────┬────────┐
//!  │variant(8)│size(4) │layout(4)│
//!  └──────────┴────────┴────────┘
//! ```
//!
//! A pointer to an object points one word past its header. When the size
//! field is 15 (the escape), the real payload size is in the word the
//! pointer points at, and payload word `k` is at pointer + 1 + `k`.

use std::fmt;

/// A heap-object layout code. The spec names six layouts without numbering
/// them; the project numbers them in the order §5 lists them (see
/// `docs/isa-decisions.md`).
///
/// Invariant: the code is below 16; codes 6..=15 are reserved but legal in
/// a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Layout(u8);

impl Layout {
    /// A record or tuple: one word per field.
    pub const RECORD: Layout = Layout(0);
    /// An array of words.
    pub const ARRAY: Layout = Layout(1);
    /// A closure: code pointer, then captured variables.
    pub const CLOSURE_REC: Layout = Layout(2);
    /// A captured continuation (§6).
    pub const CONT_REC: Layout = Layout(3);
    /// A value of a sum type; the variant is in the header.
    pub const SUM: Layout = Layout(4);
    /// A string.
    pub const STRING: Layout = Layout(5);

    /// The names of the six defined layouts, in code order.
    pub const NAMES: [&'static str; 6] = [
        "RECORD",
        "ARRAY",
        "CLOSURE_REC",
        "CONT_REC",
        "SUM",
        "STRING",
    ];

    /// The layout with this code (only the low four bits are used).
    pub const fn from_code(code: u8) -> Layout {
        Layout(code & 15)
    }

    /// The layout's 4-bit code.
    pub const fn code(self) -> u8 {
        self.0
    }

    /// The layout's name, if it is one of the six defined layouts.
    pub fn name(self) -> Option<&'static str> {
        Layout::NAMES.get(self.0 as usize).copied()
    }

    /// The layout a name denotes, ignoring case.
    pub fn from_name(name: &str) -> Option<Layout> {
        Layout::NAMES
            .iter()
            .position(|candidate| candidate.eq_ignore_ascii_case(name))
            .map(|code| Layout(code as u8))
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => formatter.write_str(name),
            None => write!(formatter, "{}", self.0),
        }
    }
}

/// The size-field value meaning "the real size is in the next word".
pub const SIZE_ESCAPE: u8 = 15;

/// A decoded heap-object header word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The variant byte: a SUM's discriminator, a CONT_REC's used flag.
    pub variant: u8,
    /// The size field: the payload word count, or [`SIZE_ESCAPE`].
    pub size: u8,
    /// The layout code.
    pub layout: Layout,
}

impl Header {
    /// The header's 16-bit word.
    pub const fn encode(self) -> u16 {
        ((self.variant as u16) << 8) | (((self.size & 15) as u16) << 4) | self.layout.0 as u16
    }

    /// The header a word holds.
    pub const fn decode(word: u16) -> Header {
        Header {
            variant: (word >> 8) as u8,
            size: ((word >> 4) & 15) as u8,
            layout: Layout((word & 15) as u8),
        }
    }
}
