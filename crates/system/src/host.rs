//! Host data formats, parsed and written as bytes (the CLI reads and
//! writes the files): key scripts and pcap captures.
//!
//! A key script has one event per line: a cycle, a key, and optionally
//! `release` (or `up`). The key is a character in quotes (`'A'`), or a
//! scancode (`0x41`, `65`). `#` starts a comment.
//!
//! ```text
//! # chapter 8: 'A' pressed at cycle 5000, released 200 cycles later
//! 5000 'A'
//! 5200 'A' release
//! ```

use std::fmt;

use cml_soc::devices::KeyEvent;

/// A line of a key script that does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    /// The line number, from 1.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ScriptError {}

/// The events of a key script, in the order written.
pub fn parse_key_script(text: &str) -> Result<Vec<KeyEvent>, ScriptError> {
    let mut events = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line_number = number + 1;
        let error = |message: String| ScriptError {
            line: line_number,
            message,
        };
        let content = line.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        let mut words = content.split_whitespace();
        let cycle_text = words.next().unwrap_or("");
        let cycle = parse_number(cycle_text)
            .ok_or_else(|| error(format!("`{cycle_text}` is not a cycle number")))?;
        let key_text = words
            .next()
            .ok_or_else(|| error("a key is missing after the cycle".to_string()))?;
        let code = parse_key(key_text).ok_or_else(|| {
            error(format!(
                "`{key_text}` is not a key: write a character in quotes ('A') or a scancode below 0x80"
            ))
        })?;
        let release = match words.next() {
            None => false,
            Some(word)
                if word.eq_ignore_ascii_case("release") || word.eq_ignore_ascii_case("up") =>
            {
                true
            }
            Some(word)
                if word.eq_ignore_ascii_case("press") || word.eq_ignore_ascii_case("down") =>
            {
                false
            }
            Some(word) => return Err(error(format!("`{word}` is neither `press` nor `release`"))),
        };
        if let Some(extra) = words.next() {
            return Err(error(format!("unexpected `{extra}` after the event")));
        }
        events.push(if release {
            KeyEvent::release(cycle, code)
        } else {
            KeyEvent::press(cycle, code)
        });
    }
    Ok(events)
}

fn parse_number(text: &str) -> Option<u64> {
    let text = text.replace('_', "");
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

fn parse_key(text: &str) -> Option<u8> {
    let code = if let Some(inner) = text
        .strip_prefix('\'')
        .and_then(|rest| rest.strip_suffix('\''))
    {
        let mut characters = inner.chars();
        let character = characters.next()?;
        if characters.next().is_some() {
            return None;
        }
        u32::from(character)
    } else {
        u32::try_from(parse_number(text)?).ok()?
    };
    (code < 0x80).then_some(code as u8)
}

/// Why bytes are not a pcap capture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PcapError(pub String);

impl fmt::Display for PcapError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for PcapError {}

/// The frames of a classic pcap capture (either byte order, micro- or
/// nanosecond timestamps; timestamps are ignored: frames arrive as the
/// NIC can deliver them).
pub fn read_pcap(bytes: &[u8]) -> Result<Vec<Vec<u8>>, PcapError> {
    if bytes.len() < 24 {
        return Err(PcapError(format!(
            "{} bytes is too short for a pcap file (its header is 24)",
            bytes.len()
        )));
    }
    let magic = [bytes[0], bytes[1], bytes[2], bytes[3]];
    let little = match magic {
        [0xD4, 0xC3, 0xB2, 0xA1] | [0x4D, 0x3C, 0xB2, 0xA1] => true,
        [0xA1, 0xB2, 0xC3, 0xD4] | [0xA1, 0xB2, 0x3C, 0x4D] => false,
        _ => return Err(PcapError("not a pcap file (bad magic number)".to_string())),
    };
    let word = |at: usize| {
        let four = [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]];
        if little {
            u32::from_le_bytes(four)
        } else {
            u32::from_be_bytes(four)
        }
    };
    let mut frames = Vec::new();
    let mut at = 24;
    while at < bytes.len() {
        if at + 16 > bytes.len() {
            return Err(PcapError(format!(
                "the record header at byte {at} is cut short"
            )));
        }
        let length = word(at + 8) as usize;
        let start = at + 16;
        let Some(frame) = bytes.get(start..start + length) else {
            return Err(PcapError(format!(
                "the frame at byte {start} claims {length} bytes, past the end of the file"
            )));
        };
        if frame.is_empty() {
            return Err(PcapError(format!("the frame at byte {start} is empty")));
        }
        frames.push(frame.to_vec());
        at = start + length;
    }
    Ok(frames)
}

/// Frames as a classic little-endian pcap capture (link type 1, Ethernet;
/// the timestamp of frame `i` is `i` microseconds).
pub fn write_pcap(frames: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend(0xA1B2_C3D4u32.to_le_bytes());
    bytes.extend(2u16.to_le_bytes());
    bytes.extend(4u16.to_le_bytes());
    bytes.extend(0u32.to_le_bytes());
    bytes.extend(0u32.to_le_bytes());
    bytes.extend(65_535u32.to_le_bytes());
    bytes.extend(1u32.to_le_bytes());
    for (index, frame) in frames.iter().enumerate() {
        bytes.extend(0u32.to_le_bytes());
        bytes.extend((index as u32).to_le_bytes());
        bytes.extend((frame.len() as u32).to_le_bytes());
        bytes.extend((frame.len() as u32).to_le_bytes());
        bytes.extend(frame);
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_scripts_parse_characters_codes_and_releases() {
        let events =
            parse_key_script("# c\n5000 'A'\n\n0x1400 0x41 release # up\n7 66 press\n").unwrap();
        assert_eq!(
            events,
            vec![
                KeyEvent::press(5000, 0x41),
                KeyEvent::release(0x1400, 0x41),
                KeyEvent::press(7, 66)
            ]
        );
    }

    #[test]
    fn malformed_key_scripts_name_the_line() {
        for (text, line) in [
            ("x 'A'", 1),
            ("1 'A'\n2", 2),
            ("1 'AB'", 1),
            ("1 0x80", 1),
            ("1 'A' sideways", 1),
        ] {
            assert_eq!(parse_key_script(text).unwrap_err().line, line, "{text}");
        }
    }

    #[test]
    fn pcap_round_trips_and_rejects_garbage() {
        let frames = vec![vec![1, 2, 3], vec![4]];
        assert_eq!(read_pcap(&write_pcap(&frames)).unwrap(), frames);
        assert!(read_pcap(b"hello").is_err());
        let mut cut = write_pcap(&frames);
        cut.truncate(cut.len() - 1);
        assert!(read_pcap(&cut).is_err());
    }
}
