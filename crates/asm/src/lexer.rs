//! The lexer: one source line at a time, into tokens with byte spans.
//!
//! A line holds identifiers (`[A-Za-z_.][A-Za-z0-9_.]*`, which covers
//! mnemonics, registers, labels, directives and names such as `RECORD`),
//! numbers (decimal, `0x41`, `0b101`), character literals (`'A'`, `'\n'`),
//! string literals (`"text"`), the punctuation `, : = + -`, and a comment
//! from `;` to the end of the line. Spans are byte offsets into the whole
//! source, so that diagnostics point at the right place.

use std::ops::Range;

use cml_diagnostics::Diagnostic;

use crate::diagnostics::syntax_error;

/// A byte range in the source text (file index 0).
pub(crate) type Span = Range<usize>;

/// What a token is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A name: mnemonic, register, label, directive or symbolic constant.
    Identifier(String),
    /// An unsigned number as written (a sign is a separate token).
    Number(i64),
    /// A character literal, as its Unicode scalar value.
    Character(u32),
    /// A string literal, as the bytes of its UTF-8 text after escapes.
    Text(Vec<u8>),
    /// `,`
    Comma,
    /// `:`
    Colon,
    /// `=`
    Equals,
    /// `+`
    Plus,
    /// `-`
    Minus,
}

/// A token and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Where it is in the source.
    pub span: Span,
}

/// Whether a character may start an identifier.
pub(crate) fn is_identifier_start(character: char) -> bool {
    character.is_ascii_alphabetic() || character == '_' || character == '.'
}

/// Whether a character may continue an identifier.
pub(crate) fn is_identifier_continue(character: char) -> bool {
    character.is_ascii_alphanumeric() || character == '_' || character == '.'
}

/// Whether a whole string is an identifier.
pub(crate) fn is_identifier(text: &str) -> bool {
    let mut characters = text.chars();
    match characters.next() {
        Some(first) if is_identifier_start(first) => characters.all(is_identifier_continue),
        _ => false,
    }
}

/// Splits one line (without its newline) into tokens. `line_start` is the
/// byte offset of the line in the source. The first malformed token ends
/// the line with an error; the tokens before it are still returned, so
/// that labels at the start of the line are still defined.
pub(crate) fn tokenize_line(line: &str, line_start: usize) -> (Vec<Token>, Option<Diagnostic>) {
    let mut tokens = Vec::new();
    let error = tokenize_into(line, line_start, &mut tokens).err();
    (tokens, error)
}

fn tokenize_into(line: &str, line_start: usize, tokens: &mut Vec<Token>) -> Result<(), Diagnostic> {
    let mut characters = line.char_indices().peekable();
    while let Some(&(start, character)) = characters.peek() {
        let absolute = line_start + start;
        if character.is_whitespace() {
            characters.next();
            continue;
        }
        if character == ';' {
            break;
        }
        let punctuation = match character {
            ',' => Some(TokenKind::Comma),
            ':' => Some(TokenKind::Colon),
            '=' => Some(TokenKind::Equals),
            '+' => Some(TokenKind::Plus),
            '-' => Some(TokenKind::Minus),
            _ => None,
        };
        if let Some(kind) = punctuation {
            characters.next();
            tokens.push(Token {
                kind,
                span: absolute..absolute + 1,
            });
            continue;
        }
        if is_identifier_start(character) || character.is_ascii_digit() {
            let mut end = start;
            while let Some(&(index, next)) = characters.peek() {
                if !is_identifier_continue(next) {
                    break;
                }
                end = index + next.len_utf8();
                characters.next();
            }
            let text = &line[start..end];
            let span = absolute..line_start + end;
            let kind = if character.is_ascii_digit() {
                TokenKind::Number(parse_number(text, span.clone())?)
            } else {
                TokenKind::Identifier(text.to_string())
            };
            tokens.push(Token { kind, span });
            continue;
        }
        if character == '\'' {
            characters.next();
            let (value, end) = lex_character(line, start, line_start)?;
            while characters.peek().is_some_and(|&(index, _)| index < end) {
                characters.next();
            }
            tokens.push(Token {
                kind: TokenKind::Character(value),
                span: absolute..line_start + end,
            });
            continue;
        }
        if character == '"' {
            characters.next();
            let (bytes, end) = lex_text(line, start, line_start)?;
            while characters.peek().is_some_and(|&(index, _)| index < end) {
                characters.next();
            }
            tokens.push(Token {
                kind: TokenKind::Text(bytes),
                span: absolute..line_start + end,
            });
            continue;
        }
        return Err(syntax_error(
            format!("unexpected character `{character}`"),
            absolute..absolute + character.len_utf8(),
            "this character starts no token",
        )
        .with_note(
            "a line holds labels (`name:`), a mnemonic or directive, operands separated by \
             commas, and a comment after `;`",
        )
        .with_hint("remove the character or start a comment with `;`"));
    }
    Ok(())
}

/// Parses the text of a number token: decimal, `0x` hexadecimal or `0b`
/// binary, with optional `_` separators.
fn parse_number(text: &str, span: Span) -> Result<i64, Diagnostic> {
    let cleaned: String = text.chars().filter(|&character| character != '_').collect();
    let lower = cleaned.to_ascii_lowercase();
    let (digits, radix, base_name) = if let Some(rest) = lower.strip_prefix("0x") {
        (rest, 16, "hexadecimal")
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (rest, 2, "binary")
    } else {
        (lower.as_str(), 10, "decimal")
    };
    let parsed = if digits.is_empty() {
        None
    } else {
        i64::from_str_radix(digits, radix)
            .ok()
            .filter(|value| *value <= u32::MAX as i64)
    };
    parsed.ok_or_else(|| {
        syntax_error(
            format!("malformed number `{text}`"),
            span,
            format!("this is not a {base_name} number the assembler can read"),
        )
        .with_note("numbers are decimal (65), hexadecimal (0x41) or binary (0b1000001), below 2^32")
        .with_hint("write the number in one of those forms")
    })
}

/// Reads one character or escape sequence starting at byte `index` of the
/// line. Returns the value and the index after it.
fn read_escaped(line: &str, index: usize, line_start: usize) -> Result<(u32, usize), Diagnostic> {
    let rest = &line[index..];
    let mut characters = rest.chars();
    let Some(first) = characters.next() else {
        return Err(unterminated(line_start + index));
    };
    if first != '\\' {
        return Ok((first as u32, index + first.len_utf8()));
    }
    let Some(escaped) = characters.next() else {
        return Err(unterminated(line_start + index));
    };
    let value = match escaped {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        '0' => '\0',
        '\\' => '\\',
        '\'' => '\'',
        '"' => '"',
        other => {
            let start = line_start + index;
            return Err(syntax_error(
                format!("unknown escape `\\{other}`"),
                start..start + 1 + other.len_utf8(),
                "the assembler does not know this escape",
            )
            .with_note("the escapes are \\n \\t \\r \\0 \\\\ \\' and \\\"")
            .with_hint("write the character's number instead, as in `.word 0x1b`"));
        }
    };
    Ok((value as u32, index + 1 + escaped.len_utf8()))
}

fn unterminated(at: usize) -> Diagnostic {
    syntax_error(
        "unterminated literal",
        at..at + 1,
        "the line ends inside this literal",
    )
    .with_hint("close the literal with the quote it started with")
}

/// Lexes a character literal whose opening quote is at byte `start`.
fn lex_character(line: &str, start: usize, line_start: usize) -> Result<(u32, usize), Diagnostic> {
    let (value, after) = read_escaped(line, start + 1, line_start)?;
    if line[after..].starts_with('\'') && !line[start + 1..].starts_with('\'') {
        return Ok((value, after + 1));
    }
    let end = line[start + 1..]
        .find('\'')
        .map_or(line.len(), |offset| start + 2 + offset);
    Err(syntax_error(
        "malformed character literal",
        line_start + start..line_start + end.max(start + 1),
        "a character literal holds exactly one character or escape",
    )
    .with_note("examples: 'A', '\\n', '\\0', '\\''")
    .with_hint("use `.ascii \"...\"` for several characters"))
}

/// Lexes a string literal whose opening quote is at byte `start`. Returns
/// its bytes and the index after the closing quote.
fn lex_text(line: &str, start: usize, line_start: usize) -> Result<(Vec<u8>, usize), Diagnostic> {
    let mut bytes = Vec::new();
    let mut index = start + 1;
    loop {
        if index >= line.len() {
            return Err(unterminated(line_start + start));
        }
        if line[index..].starts_with('"') {
            return Ok((bytes, index + 1));
        }
        let (value, after) = read_escaped(line, index, line_start)?;
        let character = char::from_u32(value).unwrap_or('\u{fffd}');
        let mut buffer = [0u8; 4];
        bytes.extend_from_slice(character.encode_utf8(&mut buffer).as_bytes());
        index = after;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<TokenKind> {
        let (tokens, error) = tokenize_line(line, 0);
        assert!(error.is_none(), "{error:?}");
        tokens.into_iter().map(|token| token.kind).collect()
    }

    #[test]
    fn tokens_of_a_typical_line() {
        assert_eq!(
            kinds("loop: BZ v0, -3 ; back"),
            vec![
                TokenKind::Identifier("loop".into()),
                TokenKind::Colon,
                TokenKind::Identifier("BZ".into()),
                TokenKind::Identifier("v0".into()),
                TokenKind::Comma,
                TokenKind::Minus,
                TokenKind::Number(3),
            ]
        );
    }

    #[test]
    fn numbers_characters_and_strings() {
        assert_eq!(
            kinds("0x41 0b101 1_000 'A' '\\n' '\\'' \"a\\tb\""),
            vec![
                TokenKind::Number(0x41),
                TokenKind::Number(5),
                TokenKind::Number(1000),
                TokenKind::Character(65),
                TokenKind::Character(10),
                TokenKind::Character(39),
                TokenKind::Text(b"a\tb".to_vec()),
            ]
        );
    }

    #[test]
    fn a_semicolon_inside_a_string_is_not_a_comment() {
        assert_eq!(kinds("\"a;b\""), vec![TokenKind::Text(b"a;b".to_vec())]);
    }

    #[test]
    fn spans_are_offsets_into_the_source() {
        let (tokens, _) = tokenize_line("  LI v0", 10);
        assert_eq!(tokens[0].span, 12..14);
        assert_eq!(tokens[1].span, 15..17);
    }

    #[test]
    fn malformed_tokens_are_errors() {
        for line in ["0xZZ", "'ab'", "'", "\"abc", "'\\q'", "LI v0, #1", "''"] {
            assert!(tokenize_line(line, 0).1.is_some(), "{line}");
        }
    }
}
