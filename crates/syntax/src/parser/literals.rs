//! Literals: integers (decimal, `0x`, `0b`, with `_` separators), characters
//! and strings with their escapes resolved.

use super::Parser;
use crate::ast::{Literal, LiteralValue};
use crate::token::TokenKind;
use crate::SyntaxError;

impl Parser<'_> {
    /// literal ::= Integer | Char | String | 'true' | 'false'
    ///
    /// Call at a literal token. Returns `None` for a float (reported).
    pub(super) fn literal(&mut self, negative: bool, start: usize) -> Option<Literal> {
        let text = self.text();
        let token = self.advance();
        let span = start..token.span.end;
        let value = match token.kind {
            TokenKind::Integer => match integer_value(text) {
                Some(value) => LiteralValue::Integer(if negative { -value } else { value }),
                None => {
                    self.report(SyntaxError::IntegerTooLarge {
                        span: token.span.clone(),
                    });
                    LiteralValue::Integer(0)
                }
            },
            TokenKind::Float => {
                self.report(SyntaxError::FloatLiteral {
                    span: token.span.clone(),
                });
                return None;
            }
            TokenKind::Char => {
                let body = &text[1..text.len() - 1];
                let (bytes, bad) = unescape(body);
                for range in bad {
                    let at = token.span.start + 1;
                    self.report(SyntaxError::BadEscape {
                        span: at + range.start..at + range.end,
                    });
                }
                match bytes[..] {
                    [byte] => LiteralValue::Char(byte),
                    _ => {
                        self.report(SyntaxError::CharacterNotByte {
                            span: token.span.clone(),
                        });
                        LiteralValue::Char(0)
                    }
                }
            }
            TokenKind::String => {
                let body = &text[1..text.len() - 1];
                let (bytes, bad) = unescape(body);
                for range in bad {
                    let at = token.span.start + 1;
                    self.report(SyntaxError::BadEscape {
                        span: at + range.start..at + range.end,
                    });
                }
                LiteralValue::String(String::from_utf8_lossy(&bytes).into_owned())
            }
            TokenKind::True => LiteralValue::Bool(true),
            _ => LiteralValue::Bool(false),
        };
        Some(Literal { value, span })
    }
}

/// The value of an integer token (`42`, `0x2A`, `0b101010`, `1_000`);
/// `None` if it does not fit in an `i64`.
fn integer_value(text: &str) -> Option<i64> {
    let digits: String = text.chars().filter(|&c| c != '_').collect();
    let (digits, radix) = if let Some(hex) = digits.strip_prefix("0x") {
        (hex.to_string(), 16)
    } else if let Some(binary) = digits.strip_prefix("0b") {
        (binary.to_string(), 2)
    } else {
        (digits, 10)
    };
    if digits.is_empty() {
        return None;
    }
    i64::from_str_radix(&digits, radix).ok()
}

/// Resolves the escapes of a literal's body: the bytes, and the byte ranges
/// (in `body`) of escapes that mean nothing (kept as written).
fn unescape(body: &str) -> (Vec<u8>, Vec<std::ops::Range<usize>>) {
    let mut bytes = Vec::with_capacity(body.len());
    let mut bad = Vec::new();
    let mut chars = body.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        if c != '\\' {
            let mut buffer = [0; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            continue;
        }
        let Some((_, escape)) = chars.next() else {
            bad.push(index..index + 1);
            continue;
        };
        let byte = match escape {
            'n' => b'\n',
            't' => b'\t',
            'r' => b'\r',
            '0' => 0,
            '\\' => b'\\',
            '\'' => b'\'',
            '"' => b'"',
            'x' => {
                let high = chars.next_if(|(_, c)| c.is_ascii_hexdigit());
                let low = high.and_then(|_| chars.next_if(|(_, c)| c.is_ascii_hexdigit()));
                match (high, low) {
                    (Some((_, high)), Some((_, low))) => {
                        let value =
                            high.to_digit(16).unwrap_or(0) * 16 + low.to_digit(16).unwrap_or(0);
                        value as u8
                    }
                    _ => {
                        let end = chars.peek().map_or(body.len(), |&(at, _)| at);
                        bad.push(index..end);
                        continue;
                    }
                }
            }
            other => {
                bad.push(index..index + 1 + other.len_utf8());
                let mut buffer = [0; 4];
                bytes.push(b'\\');
                bytes.extend_from_slice(other.encode_utf8(&mut buffer).as_bytes());
                continue;
            }
        };
        bytes.push(byte);
    }
    (bytes, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(integer_value("42"), Some(42));
        assert_eq!(integer_value("0x2A"), Some(42));
        assert_eq!(integer_value("0b101_010"), Some(42));
        assert_eq!(integer_value("1_000"), Some(1000));
        assert_eq!(integer_value("99999999999999999999"), None);
        assert_eq!(integer_value("0x_"), None);
    }

    #[test]
    fn escapes() {
        assert_eq!(unescape(r"a\nb\x41\\"), (b"a\nbA\\".to_vec(), vec![]));
        assert_eq!(unescape(r"\q").1, vec![0..2]);
        assert_eq!(unescape(r"\x4").1, vec![0..3]);
    }
}
