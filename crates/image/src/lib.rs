//! The image format: what the assembler (and later the compiler) writes and
//! the machine loads.
//!
//! Input: an [`Image`] value or the bytes of an image file. Output: the
//! other one. An image holds the ISA version it targets, the entry point,
//! segments of words placed at origins, symbols (label names and
//! addresses) and the ranges that hold data rather than code, so that the
//! disassembler can print them as data. Sections this version does not
//! know are kept as raw bytes and written back unchanged, so that later
//! sections (debug lines, effect manifests) do not break older tools.
//!
//! This crate must not know how words execute or how source is written.
//!
//! The bytes, all integers little-endian:
//!
//! ```text
//! "CMLI"  format-version:u16  isa:u8  0:u8  entry:u16  section-count:u16
//! section*: kind:u16 byte-length:u32 payload
//! crc32 of everything before it: u32
//! ```
//!
//! | kind | payload |
//! |---|---|
//! | 1 segment | origin:u16 word-count:u16 words:u16* |
//! | 2 symbols | count:u16 (address:u16 name-length:u16 utf-8)* |
//! | 3 data ranges | count:u16 (start:u16 length:u16)* |

#![forbid(unsafe_code)]

mod error;
mod read;

use cml_isa::IsaVersion;

pub use error::ImageError;

/// The magic bytes every image starts with.
pub const MAGIC: [u8; 4] = *b"CMLI";
/// The format version this crate writes and reads.
pub const FORMAT_VERSION: u16 = 1;

const SECTION_SEGMENT: u16 = 1;
const SECTION_SYMBOLS: u16 = 2;
const SECTION_DATA_RANGES: u16 = 3;

/// A loadable program.
///
/// Invariant (checked by [`Image::validate`], which reading enforces):
/// every segment fits below address 0x10000 and no two segments overlap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// The ISA version the program was assembled for.
    pub isa: IsaVersion,
    /// The address execution starts at.
    pub entry: u16,
    /// The words to load, each run at its origin.
    pub segments: Vec<Segment>,
    /// Named addresses (labels), for the disassembler, traces and traps.
    pub symbols: Vec<Symbol>,
    /// Word ranges that hold data, not instructions.
    pub data_ranges: Vec<DataRange>,
    /// Sections this version does not interpret, kept verbatim.
    pub other_sections: Vec<RawSection>,
}

/// A run of words loaded at an origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The address of the first word.
    pub origin: u16,
    /// The words.
    pub words: Vec<u16>,
}

impl Segment {
    /// One past the last address, as a 32-bit number (may be 0x10000).
    pub fn end(&self) -> u32 {
        self.origin as u32 + self.words.len() as u32
    }
}

/// A named address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// The label's name.
    pub name: String,
    /// Its address.
    pub address: u16,
}

/// A range of words that holds data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataRange {
    /// The first address.
    pub start: u16,
    /// The number of words.
    pub length: u16,
}

impl DataRange {
    /// Whether the range holds this address.
    pub fn contains(&self, address: u16) -> bool {
        (address as u32) >= self.start as u32
            && (address as u32) < self.start as u32 + self.length as u32
    }
}

/// A section kept as bytes because this version does not interpret it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawSection {
    /// The section kind.
    pub kind: u16,
    /// The payload.
    pub bytes: Vec<u8>,
}

impl Image {
    /// An empty image for an ISA version, entering at 0.
    pub fn new(isa: IsaVersion) -> Image {
        Image {
            isa,
            entry: 0,
            segments: Vec::new(),
            symbols: Vec::new(),
            data_ranges: Vec::new(),
            other_sections: Vec::new(),
        }
    }

    /// One past the highest loaded address (0 for an empty image), as a
    /// 32-bit number. The heap of a bare program starts here.
    pub fn end_of_loaded_words(&self) -> u32 {
        self.segments.iter().map(Segment::end).max().unwrap_or(0)
    }

    /// The word at an address, if a segment holds it.
    pub fn word_at(&self, address: u16) -> Option<u16> {
        self.segments.iter().find_map(|segment| {
            let offset = address.checked_sub(segment.origin)? as usize;
            segment.words.get(offset).copied()
        })
    }

    /// Whether the address is in a data range.
    pub fn is_data(&self, address: u16) -> bool {
        self.data_ranges.iter().any(|range| range.contains(address))
    }

    /// The name of the symbol at an address, if there is one.
    pub fn symbol_at(&self, address: u16) -> Option<&str> {
        self.symbols
            .iter()
            .find(|symbol| symbol.address == address)
            .map(|s| s.name.as_str())
    }

    /// Checks the invariant: segments fit in memory and do not overlap.
    pub fn validate(&self) -> Result<(), ImageError> {
        for segment in &self.segments {
            if segment.end() > 0x1_0000 {
                return Err(ImageError::SegmentPastEndOfMemory {
                    origin: segment.origin,
                    length: segment.words.len(),
                });
            }
        }
        let mut sorted: Vec<&Segment> = self.segments.iter().collect();
        sorted.sort_by_key(|segment| segment.origin);
        for pair in sorted.windows(2) {
            if pair[0].end() > pair[1].origin as u32 {
                return Err(ImageError::SegmentsOverlap {
                    first: pair[0].origin,
                    second: pair[1].origin,
                });
            }
        }
        Ok(())
    }

    /// The image as bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut sections: Vec<(u16, Vec<u8>)> = Vec::new();
        for segment in &self.segments {
            let mut payload = Vec::with_capacity(4 + 2 * segment.words.len());
            payload.extend_from_slice(&segment.origin.to_le_bytes());
            payload.extend_from_slice(&(segment.words.len() as u16).to_le_bytes());
            for word in &segment.words {
                payload.extend_from_slice(&word.to_le_bytes());
            }
            sections.push((SECTION_SEGMENT, payload));
        }
        if !self.symbols.is_empty() {
            let mut payload = (self.symbols.len() as u16).to_le_bytes().to_vec();
            for symbol in &self.symbols {
                payload.extend_from_slice(&symbol.address.to_le_bytes());
                payload.extend_from_slice(&(symbol.name.len() as u16).to_le_bytes());
                payload.extend_from_slice(symbol.name.as_bytes());
            }
            sections.push((SECTION_SYMBOLS, payload));
        }
        if !self.data_ranges.is_empty() {
            let mut payload = (self.data_ranges.len() as u16).to_le_bytes().to_vec();
            for range in &self.data_ranges {
                payload.extend_from_slice(&range.start.to_le_bytes());
                payload.extend_from_slice(&range.length.to_le_bytes());
            }
            sections.push((SECTION_DATA_RANGES, payload));
        }
        for raw in &self.other_sections {
            sections.push((raw.kind, raw.bytes.clone()));
        }

        let mut bytes = Vec::new();
        bytes.extend_from_slice(&MAGIC);
        bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        bytes.push(match self.isa {
            IsaVersion::V0_4 => 4,
            IsaVersion::V0_5 => 5,
        });
        bytes.push(0);
        bytes.extend_from_slice(&self.entry.to_le_bytes());
        bytes.extend_from_slice(&(sections.len() as u16).to_le_bytes());
        for (kind, payload) in sections {
            bytes.extend_from_slice(&kind.to_le_bytes());
            bytes.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            bytes.extend_from_slice(&payload);
        }
        let checksum = crc32fast::hash(&bytes);
        bytes.extend_from_slice(&checksum.to_le_bytes());
        bytes
    }

    /// Reads an image from bytes, checking magic, version, checksum, every
    /// length and the segment invariant.
    pub fn from_bytes(bytes: &[u8]) -> Result<Image, ImageError> {
        read::read_image(bytes)
    }

    /// Whether these bytes start like an image (the magic matches).
    pub fn looks_like_image(bytes: &[u8]) -> bool {
        bytes.starts_with(&MAGIC)
    }
}

#[cfg(test)]
mod tests;
