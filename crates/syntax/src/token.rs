//! Tokens, from `logos`.
//!
//! Comments are `(* ... *)` and nest, as in OCaml; the lexer skips them
//! (a comment left open is reported by [`lex`]). The book also writes C's
//! `/* ... */` twice (Appendix B's `effect Unsafe { /* raw ISA primitives */ }`
//! and chapter 17's `{ /* current */ }`); `/*` cannot begin anything else
//! in CML, so those are comments too (not nesting, as in C). Every token keeps its byte
//! span, and [`Token::column`]/[`Token::starts_line`] give the layout facts
//! the parser's offside rule needs.

use std::ops::Range;

use logos::Logos;

/// The kinds of token.
#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[logos(skip r"[ \t\r\n\f]+")]
pub enum TokenKind {
    // Keywords.
    #[token("let")]
    Let,
    #[token("rec")]
    Rec,
    #[token("and")]
    And,
    #[token("in")]
    In,
    #[token("fun")]
    Fun,
    #[token("match")]
    Match,
    #[token("with")]
    With,
    #[token("if")]
    If,
    #[token("then")]
    Then,
    #[token("else")]
    Else,
    #[token("begin")]
    Begin,
    #[token("end")]
    End,
    #[token("type")]
    Type,
    #[token("linear")]
    Linear,
    #[token("mutable")]
    Mutable,
    #[token("of")]
    Of,
    #[token("effect")]
    Effect,
    #[token("handler")]
    Handler,
    #[token("handle")]
    Handle,
    #[token("perform")]
    Perform,
    #[token("resume")]
    Resume,
    #[token("invoke")]
    Invoke,
    #[token("reify")]
    Reify,
    #[token("return")]
    Return,
    #[token("unsafe")]
    Unsafe,
    #[token("region")]
    Region,
    #[token("loop")]
    Loop,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("not")]
    Not,
    #[token("mod")]
    Mod,
    #[token("land")]
    Land,
    #[token("lor")]
    Lor,
    #[token("lxor")]
    Lxor,
    #[token("lsl")]
    Lsl,
    #[token("lsr")]
    Lsr,
    #[token("val")]
    Val,

    // Names and literals.
    /// A name starting with a lowercase letter or `_` (`x`, `__alloc`).
    #[regex(r"[a-z_][A-Za-z0-9_']*")]
    LowerName,
    /// A name starting with an uppercase letter (`Some`, `Queue`, `IO`).
    #[regex(r"[A-Z][A-Za-z0-9_']*")]
    UpperName,
    /// A type variable written with a quote (`'a`).
    #[regex(r"'[a-z][A-Za-z0-9_]*")]
    QuotedName,
    /// An integer: decimal, `0x` hex or `0b` binary, `_` allowed.
    #[regex(r"[0-9][0-9_]*|0x[0-9A-Fa-f_]+|0b[01_]+")]
    Integer,
    /// A floating-point literal (`3.14`). CML has no floating point; the
    /// parser reports it (chapter 2's OCaml example uses them).
    #[regex(r"[0-9][0-9_]*\.[0-9][0-9_]*([eE][+-]?[0-9]+)?")]
    Float,
    /// A character literal (`'A'`, `'\n'`, `'\x41'`).
    #[regex(r"'([^'\\\n]|\\x[0-9A-Fa-f][0-9A-Fa-f]|\\[^\n])'")]
    Char,
    /// A string literal.
    #[regex(r#""([^"\\\n]|\\.)*""#)]
    String,
    /// The start of a comment; [`lex`] skips to its matching end.
    #[token("(*")]
    CommentStart,
    /// The start of a C-style comment; [`lex`] skips to its `*/`.
    #[token("/*")]
    CStyleCommentStart,

    // Punctuation.
    #[token("(")]
    LeftParen,
    #[token(")")]
    RightParen,
    #[token("{")]
    LeftBrace,
    #[token("}")]
    RightBrace,
    #[token("[")]
    LeftBracket,
    #[token("]")]
    RightBracket,
    #[token(",")]
    Comma,
    #[token(";")]
    Semicolon,
    #[token(":")]
    Colon,
    #[token("::")]
    ColonColon,
    #[token(":=")]
    ColonEqual,
    #[token(".")]
    Dot,
    #[token("|")]
    Bar,
    #[token("->")]
    Arrow,
    #[token("<-")]
    LeftArrow,
    #[token("=")]
    Equal,
    #[token("==")]
    EqualEqual,
    #[token("<>")]
    NotEqual,
    #[token("!=")]
    BangEqual,
    #[token("<")]
    Less,
    #[token("<=")]
    LessEqual,
    #[token(">")]
    Greater,
    #[token(">=")]
    GreaterEqual,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("^")]
    Caret,
    #[token("&&")]
    AmpAmp,
    #[token("||")]
    BarBar,
    #[token("!")]
    Bang,
    #[token("_", priority = 3)]
    Underscore,

    /// A character no token starts with.
    Unknown,
    /// The end of the input.
    EndOfInput,
}

impl TokenKind {
    /// How the token reads in messages ("`with`", "a name").
    pub fn describe(self) -> &'static str {
        match self {
            TokenKind::LowerName => "a name",
            TokenKind::UpperName => "a capitalised name",
            TokenKind::QuotedName => "a type variable",
            TokenKind::Integer => "an integer",
            TokenKind::Float => "a floating-point number",
            TokenKind::Char => "a character",
            TokenKind::String => "a string",
            TokenKind::EndOfInput => "the end of the file",
            TokenKind::Unknown => "an unexpected character",
            TokenKind::CommentStart | TokenKind::CStyleCommentStart => "a comment",
            _ => self.spelling().unwrap_or("a token"),
        }
    }

    /// The keyword or punctuation itself, quoted (`` `with` ``).
    pub fn spelling(self) -> Option<&'static str> {
        use TokenKind::*;
        Some(match self {
            Let => "`let`",
            Rec => "`rec`",
            And => "`and`",
            In => "`in`",
            Fun => "`fun`",
            Match => "`match`",
            With => "`with`",
            If => "`if`",
            Then => "`then`",
            Else => "`else`",
            Begin => "`begin`",
            End => "`end`",
            Type => "`type`",
            Linear => "`linear`",
            Mutable => "`mutable`",
            Of => "`of`",
            Effect => "`effect`",
            Handler => "`handler`",
            Handle => "`handle`",
            Perform => "`perform`",
            Resume => "`resume`",
            Invoke => "`invoke`",
            Reify => "`reify`",
            Return => "`return`",
            Unsafe => "`unsafe`",
            Region => "`region`",
            Loop => "`loop`",
            True => "`true`",
            False => "`false`",
            Not => "`not`",
            Mod => "`mod`",
            Land => "`land`",
            Lor => "`lor`",
            Lxor => "`lxor`",
            Lsl => "`lsl`",
            Lsr => "`lsr`",
            Val => "`val`",
            LeftParen => "`(`",
            RightParen => "`)`",
            LeftBrace => "`{`",
            RightBrace => "`}`",
            LeftBracket => "`[`",
            RightBracket => "`]`",
            Comma => "`,`",
            Semicolon => "`;`",
            Colon => "`:`",
            ColonColon => "`::`",
            ColonEqual => "`:=`",
            Dot => "`.`",
            Bar => "`|`",
            Arrow => "`->`",
            LeftArrow => "`<-`",
            Equal => "`=`",
            EqualEqual => "`==`",
            NotEqual => "`<>`",
            BangEqual => "`!=`",
            Less => "`<`",
            LessEqual => "`<=`",
            Greater => "`>`",
            GreaterEqual => "`>=`",
            Plus => "`+`",
            Minus => "`-`",
            Star => "`*`",
            Slash => "`/`",
            Caret => "`^`",
            AmpAmp => "`&&`",
            BarBar => "`||`",
            Bang => "`!`",
            Underscore => "`_`",
            _ => return None,
        })
    }
}

/// A token with its place in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Its bytes in the source.
    pub span: Range<usize>,
    /// Its column (0-based, in characters) on its line.
    pub column: u32,
    /// Whether it is the first token on its line.
    pub starts_line: bool,
}

/// A problem the lexer found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LexError {
    /// A character that starts no token.
    UnknownCharacter {
        /// Where.
        span: Range<usize>,
    },
    /// A `(*` with no matching `*)` (or a `/*` with no `*/`).
    UnterminatedComment {
        /// Where the comment starts.
        span: Range<usize>,
    },
    /// A `"` with no closing `"` on its line.
    UnterminatedString {
        /// From the opening quote to the end of the line.
        span: Range<usize>,
    },
}

/// Splits source into tokens (ending with [`TokenKind::EndOfInput`]),
/// skipping comments, and reports every character it cannot read.
pub fn lex(source: &str) -> (Vec<Token>, Vec<LexError>) {
    let mut tokens = Vec::new();
    let mut errors = Vec::new();
    let mut lexer = TokenKind::lexer(source);
    let mut last_line_start = usize::MAX;
    while let Some(result) = lexer.next() {
        let span = lexer.span();
        let kind = match result {
            Ok(TokenKind::CommentStart) => {
                match comment_end(source, span.end) {
                    Some(end) => lexer.bump(end - span.end),
                    None => {
                        errors.push(LexError::UnterminatedComment { span: span.clone() });
                        lexer.bump(source.len() - span.end);
                    }
                }
                continue;
            }
            Ok(TokenKind::CStyleCommentStart) => {
                match source[span.end..].find("*/") {
                    Some(offset) => lexer.bump(offset + 2),
                    None => {
                        errors.push(LexError::UnterminatedComment { span: span.clone() });
                        lexer.bump(source.len() - span.end);
                    }
                }
                continue;
            }
            Ok(kind) => kind,
            Err(()) if source[span.start..].starts_with('"') => {
                // A string with no closing quote on its line: report it once
                // and skip to the end of the line.
                let line_end = source[span.start..]
                    .find('\n')
                    .map_or(source.len(), |i| span.start + i);
                errors.push(LexError::UnterminatedString {
                    span: span.start..line_end,
                });
                if line_end > span.end {
                    lexer.bump(line_end - span.end);
                }
                continue;
            }
            Err(()) => {
                errors.push(LexError::UnknownCharacter { span: span.clone() });
                TokenKind::Unknown
            }
        };
        let line_start = source[..span.start]
            .rfind('\n')
            .map_or(0, |index| index + 1);
        let column = source[line_start..span.start].chars().count() as u32;
        let starts_line = line_start != last_line_start;
        last_line_start = line_start;
        tokens.push(Token {
            kind,
            span,
            column,
            starts_line,
        });
    }
    let end = source.len();
    tokens.push(Token {
        kind: TokenKind::EndOfInput,
        span: end..end,
        column: 0,
        starts_line: true,
    });
    (tokens, errors)
}

/// The byte after the `*)` that closes a comment whose body starts at
/// `start`, counting nested comments.
fn comment_end(source: &str, start: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut depth = 1;
    let mut index = start;
    while index + 1 < bytes.len() {
        match (bytes[index], bytes[index + 1]) {
            (b'(', b'*') => {
                depth += 1;
                index += 2;
            }
            (b'*', b')') => {
                depth -= 1;
                index += 2;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => index += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<TokenKind> {
        lex(source).0.into_iter().map(|token| token.kind).collect()
    }

    #[test]
    fn keywords_names_and_punctuation() {
        use TokenKind::*;
        assert_eq!(
            kinds("let rec f (x : 'a) = perform IO.print \"hi\" :: []"),
            [
                Let,
                Rec,
                LowerName,
                LeftParen,
                LowerName,
                Colon,
                QuotedName,
                RightParen,
                Equal,
                Perform,
                UpperName,
                Dot,
                LowerName,
                String,
                ColonColon,
                LeftBracket,
                RightBracket,
                EndOfInput
            ]
        );
    }

    #[test]
    fn comments_nest_and_are_skipped() {
        assert_eq!(kinds("a (* b (* c *) d *) e").len(), 3);
        let (_, errors) = lex("a (* never closed");
        assert!(matches!(errors[..], [LexError::UnterminatedComment { .. }]));
    }

    #[test]
    fn layout_facts() {
        let (tokens, _) = lex("match x with\n  | A -> 1\n  | B -> 2");
        let bars: Vec<(u32, bool)> = tokens
            .iter()
            .filter(|token| token.kind == TokenKind::Bar)
            .map(|token| (token.column, token.starts_line))
            .collect();
        assert_eq!(bars, [(2, true), (2, true)]);
    }

    #[test]
    fn c_style_comments_strings_and_floats() {
        use TokenKind::*;
        assert_eq!(
            kinds("effect U { /* raw */ }"),
            [Effect, UpperName, LeftBrace, RightBrace, EndOfInput]
        );
        let (_, errors) = lex("x /* open");
        assert!(matches!(errors[..], [LexError::UnterminatedComment { .. }]));
        let (tokens, errors) = lex("f \"abc\ng");
        assert!(
            matches!(errors[..], [LexError::UnterminatedString { span: ref s }] if *s == (2..6))
        );
        assert_eq!(tokens.len(), 3);
        assert_eq!(
            kinds("3.14 x.y"),
            [Float, LowerName, Dot, LowerName, EndOfInput]
        );
        assert_eq!(kinds("'\\x41'"), [Char, EndOfInput]);
    }

    #[test]
    fn characters_and_unknowns() {
        use TokenKind::*;
        assert_eq!(kinds("'A' '\\n' 'a"), [Char, Char, QuotedName, EndOfInput]);
        let (tokens, errors) = lex("x # y");
        assert_eq!(tokens[1].kind, Unknown);
        assert_eq!(errors.len(), 1);
    }
}
