//! Why an image could not be read.

use std::fmt;

use cml_diagnostics::Diagnostic;

/// An image that cannot be read or loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageError {
    /// The bytes do not start with `CMLI`.
    NotAnImage,
    /// The format version is newer or older than this tool reads.
    UnsupportedFormatVersion {
        /// The version in the file.
        found: u16,
    },
    /// The ISA byte names no known ISA version.
    UnknownIsaVersion {
        /// The byte in the file.
        found: u8,
    },
    /// The bytes end before a field does.
    Truncated {
        /// What was being read.
        reading: &'static str,
        /// The byte offset where it starts.
        offset: usize,
    },
    /// The checksum does not match: the file is corrupt.
    ChecksumMismatch {
        /// The checksum stored in the file.
        stored: u32,
        /// The checksum of the bytes.
        computed: u32,
    },
    /// A section's length disagrees with what its payload says.
    MalformedSection {
        /// The section kind.
        kind: u16,
        /// What is wrong.
        problem: &'static str,
    },
    /// A symbol name is not UTF-8.
    SymbolNameNotUtf8 {
        /// The byte offset of the name.
        offset: usize,
    },
    /// A segment runs past address 0xFFFF.
    SegmentPastEndOfMemory {
        /// The segment's origin.
        origin: u16,
        /// Its length in words.
        length: usize,
    },
    /// Two segments cover the same address.
    SegmentsOverlap {
        /// The lower origin.
        first: u16,
        /// The origin that overlaps it.
        second: u16,
    },
    /// Bytes follow the checksum.
    TrailingBytes {
        /// How many.
        count: usize,
    },
}

impl fmt::Display for ImageError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageError::NotAnImage => write!(formatter, "not a machine image (no CMLI magic)"),
            ImageError::UnsupportedFormatVersion { found } => {
                write!(formatter, "image format version {found} is not supported (this tool reads version {})", crate::FORMAT_VERSION)
            }
            ImageError::UnknownIsaVersion { found } => {
                write!(formatter, "the image names ISA byte {found}, which is neither v0.4 nor v0.5")
            }
            ImageError::Truncated { reading, offset } => {
                write!(formatter, "the image is truncated: it ends inside the {reading} at byte {offset}")
            }
            ImageError::ChecksumMismatch { stored, computed } => write!(
                formatter,
                "the image is corrupt: its checksum is {stored:#010x} but its bytes sum to {computed:#010x}"
            ),
            ImageError::MalformedSection { kind, problem } => {
                write!(formatter, "section of kind {kind} is malformed: {problem}")
            }
            ImageError::SymbolNameNotUtf8 { offset } => {
                write!(formatter, "the symbol name at byte {offset} is not UTF-8")
            }
            ImageError::SegmentPastEndOfMemory { origin, length } => write!(
                formatter,
                "the segment at {origin:#06x} of {length} words runs past the end of memory (0xFFFF)"
            ),
            ImageError::SegmentsOverlap { first, second } => write!(
                formatter,
                "the segments at {first:#06x} and {second:#06x} overlap"
            ),
            ImageError::TrailingBytes { count } => {
                write!(formatter, "{count} unexpected bytes follow the image's checksum")
            }
        }
    }
}

impl std::error::Error for ImageError {}

impl ImageError {
    /// The error as a diagnostic, with a hint.
    pub fn to_diagnostic(&self, path: &str) -> Diagnostic {
        let hint = match self {
            ImageError::NotAnImage => {
                "`cml run` takes assembly source (.s) or an image written by `cml asm`"
            }
            ImageError::UnsupportedFormatVersion { .. } | ImageError::UnknownIsaVersion { .. } => {
                "reassemble the program with this version of `cml asm`"
            }
            _ => "the file was damaged or cut short; reassemble it with `cml asm`",
        };
        Diagnostic::error(format!("cannot read image `{path}`"))
            .with_code("image::invalid")
            .with_note(self.to_string())
            .with_hint(hint)
    }
}
