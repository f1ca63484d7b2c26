//! The parser: tokens of one line into labels and at most one statement.
//!
//! ```text
//! line      := (identifier ':')* statement?
//! statement := identifier (operand (',' operand)*)?
//! operand   := (identifier '=')? value
//! value     := ('+' | '-')? (number | character) | identifier | string
//! ```
//!
//! The parser knows nothing of what mnemonics and directives mean: it
//! keeps names and values with their spans for the later passes.

use cml_diagnostics::Diagnostic;

use crate::diagnostics::syntax_error;
use crate::lexer::{tokenize_line, Span, Token, TokenKind};

/// A label definition, `name:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LabelDefinition {
    /// The label's name.
    pub name: String,
    /// Where the name is written.
    pub span: Span,
}

/// An operand's value as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    /// A number or character literal, with its sign applied.
    Number(i64),
    /// A name: register, label, constant, layout, tag, `_`.
    Name(String),
    /// A string literal's bytes.
    Text(Vec<u8>),
}

/// One operand: an optional `key=` and a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Operand {
    /// The key of `family=2`, with its span.
    pub key: Option<(String, Span)>,
    /// The value.
    pub value: Value,
    /// Where the value is written.
    pub span: Span,
}

/// A mnemonic or directive with its operands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Statement {
    /// The mnemonic or directive name as written.
    pub name: String,
    /// Where the name is written.
    pub name_span: Span,
    /// The operands, in order.
    pub operands: Vec<Operand>,
    /// The whole statement, name through last operand.
    pub span: Span,
}

/// One parsed line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Line {
    /// The labels defined on the line, in order.
    pub labels: Vec<LabelDefinition>,
    /// The statement after them, if any.
    pub statement: Option<Statement>,
}

/// Parses a whole source text. Lines with errors contribute their
/// diagnostics and whatever labels were read before the error.
pub(crate) fn parse_source(source: &str) -> (Vec<Line>, Vec<Diagnostic>) {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    let mut line_start = 0;
    for raw_line in source.split('\n') {
        let text = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        let (tokens, lexer_error) = tokenize_line(text, line_start);
        let (mut line, parser_error) = parse_line(&tokens, line_start + text.len());
        match lexer_error {
            // The statement is cut short, but its labels still stand.
            Some(error) => {
                line.statement = None;
                errors.push(error);
            }
            None => errors.extend(parser_error),
        }
        lines.push(line);
        line_start += raw_line.len() + 1;
    }
    (lines, errors)
}

/// Parses one line's tokens. `line_end` is the offset of the line's end,
/// for errors about something missing there.
fn parse_line(tokens: &[Token], line_end: usize) -> (Line, Option<Diagnostic>) {
    let mut line = Line::default();
    let mut position = 0;
    while let [Token {
        kind: TokenKind::Identifier(name),
        span,
    }, Token {
        kind: TokenKind::Colon,
        ..
    }, ..] = &tokens[position..]
    {
        line.labels.push(LabelDefinition {
            name: name.clone(),
            span: span.clone(),
        });
        position += 2;
    }
    let rest = &tokens[position..];
    let Some(first) = rest.first() else {
        return (line, None);
    };
    let TokenKind::Identifier(name) = &first.kind else {
        let error = syntax_error(
            "expected a mnemonic or directive",
            first.span.clone(),
            "a statement starts with a mnemonic (`LI`) or a directive (`.word`)",
        )
        .with_hint("labels end with `:`; operands follow the mnemonic");
        return (line, Some(error));
    };
    let mut operands = Vec::new();
    let groups: Vec<&[Token]> = if rest.len() == 1 {
        Vec::new()
    } else {
        rest[1..]
            .split(|token| token.kind == TokenKind::Comma)
            .collect()
    };
    let mut group_start = rest.get(1).map_or(line_end, |token| token.span.start);
    for group in groups {
        match parse_operand(group, group_start) {
            Ok(operand) => operands.push(operand),
            Err(error) => return (line, Some(error)),
        }
        // The next group starts after this group's comma.
        let comma_end = group.last().map_or(group_start, |token| token.span.end);
        group_start = comma_end + 1;
    }
    let end = rest.last().map_or(first.span.end, |token| token.span.end);
    line.statement = Some(Statement {
        name: name.clone(),
        name_span: first.span.clone(),
        operands,
        span: first.span.start..end,
    });
    (line, None)
}

/// Parses the tokens between two commas into an operand.
fn parse_operand(tokens: &[Token], start_if_empty: usize) -> Result<Operand, Diagnostic> {
    let (key, value_tokens) = match tokens {
        [Token {
            kind: TokenKind::Identifier(key),
            span,
        }, Token {
            kind: TokenKind::Equals,
            ..
        }, rest @ ..] => (Some((key.clone(), span.clone())), rest),
        _ => (None, tokens),
    };
    let Some(first) = value_tokens.first() else {
        let at = tokens.last().map_or(start_if_empty, |token| token.span.end);
        return Err(
            syntax_error("missing operand", at..at, "an operand belongs here")
                .with_note("operands are separated by single commas")
                .with_hint("write the operand or remove the extra comma"),
        );
    };
    let last = value_tokens.last().unwrap_or(first);
    let span = first.span.start..last.span.end;
    let value = match value_tokens {
        [Token {
            kind: TokenKind::Number(number),
            ..
        }] => Value::Number(*number),
        [Token {
            kind: TokenKind::Character(character),
            ..
        }] => Value::Number(*character as i64),
        [Token {
            kind: TokenKind::Identifier(name),
            ..
        }] => Value::Name(name.clone()),
        [Token {
            kind: TokenKind::Text(bytes),
            ..
        }] => Value::Text(bytes.clone()),
        [Token {
            kind: sign @ (TokenKind::Plus | TokenKind::Minus),
            ..
        }, Token {
            kind: TokenKind::Number(number),
            ..
        }] => Value::Number(if *sign == TokenKind::Minus {
            -number
        } else {
            *number
        }),
        [Token {
            kind: sign @ (TokenKind::Plus | TokenKind::Minus),
            ..
        }, Token {
            kind: TokenKind::Character(character),
            ..
        }] => {
            let number = *character as i64;
            Value::Number(if *sign == TokenKind::Minus {
                -number
            } else {
                number
            })
        }
        _ => return Err(
            syntax_error("malformed operand", span, "this is not one operand")
                .with_note(
                    "an operand is a register (v3), a number (-5, 0x41, 'A'), a name (a label, \
                 RECORD, INT), a string (for .ascii), optionally after `field=`",
                )
                .with_hint("separate operands with commas"),
        ),
    };
    Ok(Operand { key, value, span })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_one(text: &str) -> Line {
        let (lines, errors) = parse_source(text);
        assert!(errors.is_empty(), "{errors:?}");
        lines.into_iter().next().unwrap()
    }

    #[test]
    fn labels_then_statement() {
        let line = parse_one("a: b: PERF family=2, op=-1, v0");
        assert_eq!(line.labels.len(), 2);
        let statement = line.statement.unwrap();
        assert_eq!(statement.name, "PERF");
        assert_eq!(statement.operands.len(), 3);
        assert_eq!(
            statement.operands[0].key.as_ref().map(|key| key.0.as_str()),
            Some("family")
        );
        assert_eq!(statement.operands[1].value, Value::Number(-1));
        assert_eq!(statement.operands[2].value, Value::Name("v0".into()));
        assert_eq!(statement.span, 6..30);
    }

    #[test]
    fn a_label_alone() {
        let line = parse_one("  done:   ; nothing else");
        assert_eq!(line.labels[0].name, "done");
        assert!(line.statement.is_none());
    }

    #[test]
    fn operand_errors() {
        for text in ["LI v0,", "LI , 1", "LI v0 1", "LI v0, - v1", "5 LI"] {
            let (_, errors) = parse_source(text);
            assert_eq!(errors.len(), 1, "{text}");
        }
    }

    #[test]
    fn the_missing_operand_span_is_after_the_comma() {
        let (_, errors) = parse_source("LI v0,");
        assert_eq!(errors[0].labels[0].span, 6..6);
    }
}
