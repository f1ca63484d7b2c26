//! Syntax errors as data, one variant per kind, each with its diagnostic.

use cml_diagnostics::Diagnostic;

use crate::ast::Span;
use crate::token::TokenKind;

/// Something the lexer or parser could not accept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyntaxError {
    /// A character that starts no token.
    UnknownCharacter {
        /// Where.
        span: Span,
    },
    /// A `(*` comment with no `*)` (or a `/*` with no `*/`).
    UnterminatedComment {
        /// Where it opens.
        span: Span,
    },
    /// A string literal with no closing `"` on its line.
    UnterminatedString {
        /// From the opening quote to the end of the line.
        span: Span,
    },
    /// A token where something else was required.
    Expected {
        /// What would have been accepted, in words ("an expression", "`->`").
        expected: String,
        /// What was there.
        found: TokenKind,
        /// Where.
        span: Span,
        /// What was being read ("a match arm", "a type declaration").
        context: &'static str,
    },
    /// A construct cut short by the next declaration: the token where more
    /// was required begins a line at column 0 with `let`, `type`, `effect`,
    /// `handler` or `val`.
    MissingBeforeDeclaration {
        /// What would have been accepted, in words.
        expected: String,
        /// The end of the last token of the unfinished construct.
        span: Span,
        /// What was being read.
        context: &'static str,
    },
    /// An opening bracket whose closing one never came.
    Unclosed {
        /// The opening token.
        open: TokenKind,
        /// Where it is.
        open_span: Span,
        /// Where the parser gave up looking.
        span: Span,
    },
    /// An integer literal too large for any integer type.
    IntegerTooLarge {
        /// Where.
        span: Span,
    },
    /// A floating-point literal: CML has no floating point.
    FloatLiteral {
        /// Where.
        span: Span,
    },
    /// An escape in a string or character literal that means nothing.
    BadEscape {
        /// Where.
        span: Span,
    },
    /// A character literal that is not one byte (`'é'`).
    CharacterNotByte {
        /// Where.
        span: Span,
    },
    /// A construct the book's syntax does not allow in this position, with
    /// what to write instead.
    Misplaced {
        /// What is misplaced ("`with state :=`").
        what: String,
        /// Where it may appear.
        allowed: &'static str,
        /// Where.
        span: Span,
    },
    /// Brackets or constructs nested so deeply that the parser stopped
    /// (the rest of the file is not read).
    TooDeep {
        /// Where the parser stopped.
        span: Span,
    },
}

impl SyntaxError {
    /// The primary span.
    pub fn span(&self) -> Span {
        match self {
            SyntaxError::UnknownCharacter { span }
            | SyntaxError::UnterminatedComment { span }
            | SyntaxError::UnterminatedString { span }
            | SyntaxError::Expected { span, .. }
            | SyntaxError::MissingBeforeDeclaration { span, .. }
            | SyntaxError::Unclosed { span, .. }
            | SyntaxError::IntegerTooLarge { span }
            | SyntaxError::FloatLiteral { span }
            | SyntaxError::BadEscape { span }
            | SyntaxError::CharacterNotByte { span }
            | SyntaxError::Misplaced { span, .. }
            | SyntaxError::TooDeep { span } => span.clone(),
        }
    }

    /// The error as a diagnostic about file `file`.
    pub fn to_diagnostic(&self, file: usize) -> Diagnostic {
        match self {
            SyntaxError::UnknownCharacter { span } => Diagnostic::error("unexpected character")
                .with_code("syntax::unknown-character")
                .with_primary(file, span.clone(), "no CML token starts with this character")
                .with_note("CML source is made of names, numbers, strings, characters and ML punctuation")
                .with_hint("comments are written (* like this *)"),
            SyntaxError::UnterminatedComment { span } => Diagnostic::error("unterminated comment")
                .with_code("syntax::unterminated-comment")
                .with_primary(file, span.clone(), "this comment is never closed")
                .with_note("comments nest: every `(*` needs its own `*)`")
                .with_hint("add `*)` where the comment should end"),
            SyntaxError::UnterminatedString { span } => Diagnostic::error("unterminated string")
                .with_code("syntax::unterminated-string")
                .with_primary(file, span.clone(), "this string has no closing quote")
                .with_note("a string literal ends on the line it starts on")
                .with_hint("add `\"` at the end of the string; write a line break as \\n"),
            SyntaxError::Expected { expected, found, span, context } => {
                Diagnostic::error(format!("expected {expected}"))
                    .with_code("syntax::expected")
                    .with_primary(file, span.clone(), format!("found {} here", found.describe()))
                    .with_note(format!("while reading {context}"))
                    .with_hint(expected_hint(expected, *found))
            }
            SyntaxError::MissingBeforeDeclaration { expected, span, context } => {
                Diagnostic::error(format!("expected {expected}"))
                    .with_code("syntax::missing")
                    .with_primary(file, span.clone(), format!("{expected} is missing here"))
                    .with_note(format!(
                        "while reading {context}; the next line starts a new declaration at column 0, \
                         so this one ends here"
                    ))
                    .with_hint(format!(
                        "write {expected} here, or indent the next line if it belongs to this definition"
                    ))
            }
            SyntaxError::Unclosed { open, open_span, span } => Diagnostic::error(format!(
                "unclosed {}",
                open.describe()
            ))
            .with_code("syntax::unclosed")
            .with_primary(file, span.clone(), "expected the closing bracket by here")
            .with_secondary(file, open_span.clone(), "opened here")
            .with_note(format!("{} is closed by {}", open.describe(), closer_of(*open)))
            .with_hint("close every bracket, brace and parenthesis"),
            SyntaxError::IntegerTooLarge { span } => Diagnostic::error("integer literal too large")
                .with_code("syntax::integer-too-large")
                .with_primary(file, span.clone(), "this number does not fit in 64 bits")
                .with_note("CML's `int` is 16 bits: -32768..=32767")
                .with_hint("use a smaller number"),
            SyntaxError::FloatLiteral { span } => Diagnostic::error("floating-point literal")
                .with_code("syntax::float-literal")
                .with_primary(file, span.clone(), "CML has no floating-point numbers")
                .with_note("the machine's values are 16-bit integers, pointers, continuations, closures, unit and booleans")
                .with_hint("use integers (scaled, if you need fractions)"),
            SyntaxError::BadEscape { span } => Diagnostic::error("unknown escape sequence")
                .with_code("syntax::bad-escape")
                .with_primary(file, span.clone(), "this escape means nothing")
                .with_note("a backslash in a string or character starts an escape")
                .with_hint("the escapes are \\n \\t \\r \\0 \\\\ \\' \\\" and \\xHH"),
            SyntaxError::CharacterNotByte { span } => Diagnostic::error("character literal is not a byte")
                .with_code("syntax::character-not-byte")
                .with_primary(file, span.clone(), "this character takes more than one byte")
                .with_note("a CML character is one byte (ASCII, or \\xHH)")
                .with_hint("write the byte as '\\xHH', or use a string"),
            SyntaxError::Misplaced { what, allowed, span } => {
                Diagnostic::error(format!("{what} cannot appear here"))
                    .with_code("syntax::misplaced")
                    .with_primary(file, span.clone(), format!("{what} is only allowed {allowed}"))
                    .with_note("the construct is valid CML, but not in this position")
                    .with_hint(format!("move it {allowed}, or remove it"))
            }
            SyntaxError::TooDeep { span } => Diagnostic::error("nesting too deep")
                .with_code("syntax::too-deep")
                .with_primary(file, span.clone(), "the parser stopped reading here")
                .with_note("brackets and constructs are nested more deeply than the parser allows; the rest of the file was skipped")
                .with_hint("split the expression with `let` bindings or helper functions"),
        }
    }
}

/// The closing token for an opening one, in words.
fn closer_of(open: TokenKind) -> &'static str {
    match open {
        TokenKind::LeftParen => "`)`",
        TokenKind::LeftBrace => "`}`",
        TokenKind::LeftBracket => "`]`",
        TokenKind::Begin => "`end`",
        _ => "its closing bracket",
    }
}

/// A hint for an "expected" error, from what was wanted and what was found.
fn expected_hint(expected: &str, found: TokenKind) -> String {
    if found == TokenKind::EndOfInput {
        return "the file ends in the middle of a construct; finish it or remove it".to_string();
    }
    if let Some(spelling) = found.spelling() {
        if spelling
            .chars()
            .nth(1)
            .is_some_and(|c| c.is_ascii_lowercase())
        {
            return format!("{spelling} is a keyword; it cannot be used as a name or start this");
        }
    }
    format!("write {expected} here, or check the line before for a missing or extra token")
}
