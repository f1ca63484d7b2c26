//! Reading an image from bytes, checking every length before trusting it.

use cml_isa::IsaVersion;

use crate::{
    DataRange, Image, ImageError, RawSection, Segment, Symbol, FORMAT_VERSION, MAGIC,
    SECTION_DATA_RANGES, SECTION_SEGMENT, SECTION_SYMBOLS,
};

/// A cursor over bytes that reports truncation as an error.
struct Reader<'bytes> {
    bytes: &'bytes [u8],
    offset: usize,
}

impl<'bytes> Reader<'bytes> {
    fn take(&mut self, count: usize, reading: &'static str) -> Result<&'bytes [u8], ImageError> {
        let end = self
            .offset
            .checked_add(count)
            .filter(|&end| end <= self.bytes.len());
        let Some(end) = end else {
            return Err(ImageError::Truncated {
                reading,
                offset: self.offset,
            });
        };
        let slice = &self.bytes[self.offset..end];
        self.offset = end;
        Ok(slice)
    }

    fn u8(&mut self, reading: &'static str) -> Result<u8, ImageError> {
        Ok(self.take(1, reading)?[0])
    }

    fn u16(&mut self, reading: &'static str) -> Result<u16, ImageError> {
        let bytes = self.take(2, reading)?;
        Ok(u16::from_le_bytes([bytes[0], bytes[1]]))
    }

    fn u32(&mut self, reading: &'static str) -> Result<u32, ImageError> {
        let bytes = self.take(4, reading)?;
        Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    fn is_empty(&self) -> bool {
        self.offset == self.bytes.len()
    }
}

pub(crate) fn read_image(bytes: &[u8]) -> Result<Image, ImageError> {
    if !bytes.starts_with(&MAGIC) {
        return Err(ImageError::NotAnImage);
    }
    if bytes.len() < 4 + 8 + 4 {
        return Err(ImageError::Truncated {
            reading: "header",
            offset: bytes.len(),
        });
    }
    let mut header = Reader { bytes, offset: 4 };
    let version = header.u16("format version")?;
    if version != FORMAT_VERSION {
        return Err(ImageError::UnsupportedFormatVersion { found: version });
    }

    // The checksum covers everything before it; find it by walking the
    // sections, so that trailing garbage is reported as such.
    let isa = match header.u8("ISA version")? {
        4 => IsaVersion::V0_4,
        5 => IsaVersion::V0_5,
        found => return Err(ImageError::UnknownIsaVersion { found }),
    };
    header.u8("reserved byte")?;
    let entry = header.u16("entry point")?;
    let section_count = header.u16("section count")?;

    let mut image = Image::new(isa);
    image.entry = entry;
    let mut reader = header;
    for _ in 0..section_count {
        let kind = reader.u16("section kind")?;
        let length = reader.u32("section length")? as usize;
        let payload_offset = reader.offset;
        let payload = reader.take(length, "section payload")?;
        read_section(&mut image, kind, payload, payload_offset)?;
    }
    let checksummed = reader.offset;
    let stored = reader.u32("checksum")?;
    if !reader.is_empty() {
        return Err(ImageError::TrailingBytes {
            count: bytes.len() - reader.offset,
        });
    }
    let computed = crc32fast::hash(&bytes[..checksummed]);
    if stored != computed {
        return Err(ImageError::ChecksumMismatch { stored, computed });
    }
    image.validate()?;
    Ok(image)
}

fn read_section(
    image: &mut Image,
    kind: u16,
    payload: &[u8],
    payload_offset: usize,
) -> Result<(), ImageError> {
    let mut reader = Reader {
        bytes: payload,
        offset: 0,
    };
    let malformed = |problem| ImageError::MalformedSection { kind, problem };
    match kind {
        SECTION_SEGMENT => {
            let origin = reader.u16("segment origin")?;
            let count = reader.u16("segment length")? as usize;
            if payload.len() != 4 + 2 * count {
                return Err(malformed("its word count disagrees with its byte length"));
            }
            let words = (0..count)
                .map(|_| reader.u16("segment word"))
                .collect::<Result<_, _>>()?;
            image.segments.push(Segment { origin, words });
        }
        SECTION_SYMBOLS => {
            let count = reader.u16("symbol count")?;
            for _ in 0..count {
                let address = reader.u16("symbol address")?;
                let length = reader.u16("symbol name length")? as usize;
                let name_offset = payload_offset + reader.offset;
                let name = reader.take(length, "symbol name")?;
                let name =
                    std::str::from_utf8(name).map_err(|_| ImageError::SymbolNameNotUtf8 {
                        offset: name_offset,
                    })?;
                image.symbols.push(Symbol {
                    name: name.to_string(),
                    address,
                });
            }
            if !reader.is_empty() {
                return Err(malformed("bytes follow its last symbol"));
            }
        }
        SECTION_DATA_RANGES => {
            let count = reader.u16("data range count")? as usize;
            if payload.len() != 2 + 4 * count {
                return Err(malformed("its range count disagrees with its byte length"));
            }
            for _ in 0..count {
                let start = reader.u16("data range start")?;
                let length = reader.u16("data range length")?;
                image.data_ranges.push(DataRange { start, length });
            }
        }
        _ => image.other_sections.push(RawSection {
            kind,
            bytes: payload.to_vec(),
        }),
    }
    Ok(())
}
