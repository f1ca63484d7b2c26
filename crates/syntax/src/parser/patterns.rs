//! Patterns and function parameters.
//!
//! ```text
//! pattern   ::= tuple ('|' tuple)*                (or-patterns)
//! tuple     ::= cons (',' cons)*
//! cons      ::= applied ['::' cons]
//! applied   ::= Path [atom] | atom
//! atom      ::= '_' | name | literal | '-' Integer | '(' ')'
//!             | '(' pattern [':' type] ')' | '{' field (';' field)* [';' '_'] '}'
//!             | '[' [pattern (';' pattern)*] ']' | Path
//! parameter ::= atom | '(' pattern ':' type ')'
//! ```
//!
//! A constructor applied to a parenthesised tuple takes its components as
//! separate arguments (`Cons (h, t)` has two), which is how the book
//! writes constructors of several fields.

use super::Parser;
use crate::ast::{Literal, LiteralValue, Parameter, Pattern};
use crate::token::TokenKind;

impl Parser<'_> {
    /// pattern ::= tuple ('|' tuple)*
    pub(super) fn pattern(&mut self) -> Pattern {
        let start = self.start();
        let first = self.tuple_pattern();
        if !self.at(TokenKind::Bar) {
            return first;
        }
        let mut alternatives = vec![first];
        while self.eat(TokenKind::Bar) {
            alternatives.push(self.tuple_pattern());
        }
        Pattern::Or(alternatives, self.span_from(start))
    }

    /// tuple ::= cons (',' cons)*
    pub(super) fn tuple_pattern(&mut self) -> Pattern {
        let start = self.start();
        let first = self.cons_pattern();
        if !self.at(TokenKind::Comma) {
            return first;
        }
        let mut items = vec![first];
        while self.eat(TokenKind::Comma) {
            items.push(self.cons_pattern());
        }
        Pattern::Tuple(items, self.span_from(start))
    }

    /// cons ::= applied ['::' cons]
    pub(super) fn cons_pattern(&mut self) -> Pattern {
        let start = self.start();
        if !self.enter() {
            return Pattern::Error(self.span_from(start));
        }
        let head = self.applied_pattern();
        let result = if self.eat(TokenKind::ColonColon) {
            let tail = self.cons_pattern();
            Pattern::Cons(Box::new(head), Box::new(tail), self.span_from(start))
        } else {
            head
        };
        self.leave();
        result
    }

    /// applied ::= Path [atom] | atom
    fn applied_pattern(&mut self) -> Pattern {
        if !self.at(TokenKind::UpperName) {
            return self.pattern_atom();
        }
        let start = self.start();
        let path = self.path();
        if path
            .last()
            .text
            .starts_with(|c: char| !c.is_ascii_uppercase())
        {
            self.report(crate::SyntaxError::Misplaced {
                what: format!("the value `{}`", path.dotted()),
                allowed: "in expressions; a pattern names constructors (`Some x`) or binds variables (`x`)",
                span: path.span.clone(),
            });
            return Pattern::Error(path.span);
        }
        let arguments = if self.at_pattern_atom() {
            match self.pattern_atom() {
                Pattern::Tuple(items, _) => items,
                single => vec![single],
            }
        } else {
            Vec::new()
        };
        Pattern::Constructor {
            path,
            arguments,
            span: self.span_from(start),
        }
    }

    /// Whether the current token starts a pattern atom.
    pub(super) fn at_pattern_atom(&self) -> bool {
        match self.peek() {
            TokenKind::Underscore
            | TokenKind::LowerName
            | TokenKind::UpperName
            | TokenKind::LeftParen
            | TokenKind::LeftBrace
            | TokenKind::LeftBracket
            | TokenKind::Integer
            | TokenKind::Char
            | TokenKind::String
            | TokenKind::True
            | TokenKind::False => !(self.peek() == TokenKind::LowerName && self.text() == "when"),
            TokenKind::Minus => self.peek_nth(1) == TokenKind::Integer,
            TokenKind::Loop => self.at_lower_name(),
            _ => false,
        }
    }

    /// atom ::= '_' | name | literal | '-' Integer | '(' ')' | '(' pattern
    /// [':' type] ')' | record | list | Path
    pub(super) fn pattern_atom(&mut self) -> Pattern {
        let start = self.start();
        if !self.enter() {
            return Pattern::Error(self.span_from(start));
        }
        let pattern = match self.peek() {
            TokenKind::Underscore => {
                self.advance();
                Pattern::Wildcard(self.span_from(start))
            }
            TokenKind::LowerName | TokenKind::Loop => Pattern::Variable(self.name()),
            TokenKind::UpperName => {
                let path = self.path();
                let span = path.span.clone();
                Pattern::Constructor {
                    path,
                    arguments: Vec::new(),
                    span,
                }
            }
            TokenKind::Minus
            | TokenKind::Integer
            | TokenKind::Char
            | TokenKind::String
            | TokenKind::True
            | TokenKind::False => {
                let negative = self.eat(TokenKind::Minus);
                match self.literal(negative, start) {
                    Some(literal) => Pattern::Literal(literal),
                    None => Pattern::Error(self.span_from(start)),
                }
            }
            TokenKind::LeftParen => {
                let open = self.advance();
                if self.eat(TokenKind::RightParen) {
                    let span = self.span_from(start);
                    return self.left(Pattern::Literal(Literal {
                        value: LiteralValue::Unit,
                        span,
                    }));
                }
                let inner = self.with_offside(None, |parser| {
                    let inner = parser.pattern();
                    if parser.eat(TokenKind::Colon) {
                        let ty = parser.type_expr();
                        Pattern::Annotated(Box::new(inner), ty, parser.span_from(start))
                    } else {
                        inner
                    }
                });
                if self.close(TokenKind::LeftParen, open.span, TokenKind::RightParen) {
                    inner
                } else {
                    Pattern::Error(self.span_from(start))
                }
            }
            TokenKind::LeftBrace => self.record_pattern(),
            TokenKind::LeftBracket => {
                let open = self.advance();
                let mut items = Vec::new();
                while !self.at(TokenKind::RightBracket) && self.at_pattern_atom() {
                    items.push(self.with_offside(None, Self::pattern));
                    if !self.eat(TokenKind::Semicolon) {
                        break;
                    }
                }
                if self.close(TokenKind::LeftBracket, open.span, TokenKind::RightBracket) {
                    Pattern::List(items, self.span_from(start))
                } else {
                    Pattern::Error(self.span_from(start))
                }
            }
            _ => {
                self.expected("a pattern", "a pattern");
                Pattern::Error(start..start)
            }
        };
        self.left(pattern)
    }

    /// Leaves the nesting level a pattern atom entered, returning `pattern`.
    fn left(&mut self, pattern: Pattern) -> Pattern {
        self.leave();
        pattern
    }

    /// '{' field (';' field)* [';' '_'] [';'] '}'    field ::= name ['=' pattern]
    fn record_pattern(&mut self) -> Pattern {
        let start = self.start();
        let open = self.advance();
        let mut fields = Vec::new();
        let mut open_record = false;
        loop {
            if self.eat(TokenKind::Underscore) {
                open_record = true;
                self.eat(TokenKind::Semicolon);
                break;
            }
            if !(self.at_lower_name() || self.is_member_name(0)) {
                break;
            }
            let name = self.name();
            let pattern = if self.eat(TokenKind::Equal) {
                Some(self.with_offside(None, Self::pattern))
            } else {
                None
            };
            fields.push((name, pattern));
            if !self.eat(TokenKind::Semicolon) {
                break;
            }
        }
        if !self.at(TokenKind::RightBrace) {
            self.expected(
                "a field pattern (`f = p`, `f` or `_`) or `}`",
                "a record pattern",
            );
        }
        if self.close(TokenKind::LeftBrace, open.span, TokenKind::RightBrace) {
            Pattern::Record {
                fields,
                open: open_record,
                span: self.span_from(start),
            }
        } else {
            Pattern::Error(self.span_from(start))
        }
    }

    /// parameter* (as many as follow).
    pub(super) fn parameters(&mut self) -> Vec<Parameter> {
        let mut parameters = Vec::new();
        while self.at_pattern_atom() && !self.at(TokenKind::Minus) {
            parameters.push(self.parameter());
        }
        parameters
    }

    /// parameter ::= atom | '(' pattern ':' type ')'
    ///
    /// An annotation written inside the parentheses belongs to the
    /// parameter rather than to a pattern node.
    fn parameter(&mut self) -> Parameter {
        let start = self.start();
        match self.pattern_atom() {
            Pattern::Annotated(pattern, ty, span) => Parameter {
                pattern: *pattern,
                annotation: Some(ty),
                span,
            },
            pattern => Parameter {
                pattern,
                annotation: None,
                span: self.span_from(start),
            },
        }
    }
}
