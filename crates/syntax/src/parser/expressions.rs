//! Expressions: sequences, the open-ended forms (`let`, `fun`, `if`,
//! `match`, `handle`, `with`), binary operators by precedence climbing,
//! application, and atoms.
//!
//! ```text
//! sequence    ::= expression (';' expression)* [';']        (layout rule 2)
//! expression  ::= 'let' ['rec'] binding ('and' binding)* 'in' sequence
//!               | 'fun' parameter+ '->' sequence
//!               | 'if' expression 'then' branch ['else' branch]
//!               | 'match' sequence 'with' arms ['with' clauses]
//!               | 'handle' sequence 'with' clauses
//!               | 'with' 'region' name 'in' block
//!               | 'with' application 'in' block
//!               | binary
//! binary      ::= prefix (operator prefix)*                (precedence climbing)
//! prefix      ::= '-' Integer | '-' application | 'not' application
//!               | application | an open-ended form above
//! application ::= 'perform' operation | ('resume' | 'invoke') atom atom
//!               | 'reify' atom | atom atom*
//! atom        ::= literal | '(' ')' | '(' sequence [':' type] ')' | '[' list ']'
//!               | '{' braces '}' | 'begin' sequence 'end' | '!' atom
//!               | 'unsafe' block | 'loop' block | name | Path
//!               followed by ('.' field)*
//! ```
//!
//! Operators, loosest first (OCaml's table): `<-` `:=` (right), `,`,
//! `||` (right), `&&` (right), comparisons, `^` (right), `::` (right),
//! `+` `-`, `*` `/` `mod` `land` `lor` `lxor`, `lsl` `lsr` (right).
//!
//! An `if` branch is a whole sequence, as the book writes it
//! (`then a; b else c`), ended by layout rule 2: a `;` followed by a line
//! that starts at or left of the `if`'s column ends the branch, and the
//! `;` then belongs to the enclosing sequence.

use super::Parser;
use crate::ast::{
    BinaryOperator, Expr, Literal, LiteralValue, Name, Path, ResumeKind, UnaryOperator,
};
use crate::token::TokenKind;
use crate::SyntaxError;

/// How an infix operator groups.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Associativity {
    Left,
    Right,
}

/// What an infix token builds.
#[derive(Clone, Copy)]
enum Infix {
    /// A [`BinaryOperator`].
    Binary(BinaryOperator),
    /// `,`: a tuple of all the operands at this level.
    Comma,
    /// `<-`: an assignment to a field or a `let mutable` variable.
    Assign,
}

/// The infix operator a token is, with its precedence (higher binds
/// tighter) and associativity.
fn infix(kind: TokenKind) -> Option<(Infix, u8, Associativity)> {
    use Associativity::{Left, Right};
    use BinaryOperator as B;
    let binary = |operator, precedence, associativity| {
        Some((Infix::Binary(operator), precedence, associativity))
    };
    match kind {
        TokenKind::LeftArrow => Some((Infix::Assign, 1, Right)),
        TokenKind::ColonEqual => binary(B::SetRef, 1, Right),
        TokenKind::Comma => Some((Infix::Comma, 2, Left)),
        TokenKind::BarBar => binary(B::Or, 3, Right),
        TokenKind::AmpAmp => binary(B::And, 4, Right),
        TokenKind::Equal | TokenKind::EqualEqual => binary(B::Equal, 5, Left),
        TokenKind::NotEqual | TokenKind::BangEqual => binary(B::NotEqual, 5, Left),
        TokenKind::Less => binary(B::Less, 5, Left),
        TokenKind::LessEqual => binary(B::LessEqual, 5, Left),
        TokenKind::Greater => binary(B::Greater, 5, Left),
        TokenKind::GreaterEqual => binary(B::GreaterEqual, 5, Left),
        TokenKind::Caret => binary(B::Concat, 6, Right),
        TokenKind::ColonColon => binary(B::Cons, 7, Right),
        TokenKind::Plus => binary(B::Add, 8, Left),
        TokenKind::Minus => binary(B::Subtract, 8, Left),
        TokenKind::Star => binary(B::Multiply, 9, Left),
        TokenKind::Slash => binary(B::Divide, 9, Left),
        TokenKind::Mod => binary(B::Modulo, 9, Left),
        TokenKind::Land => binary(B::BitAnd, 9, Left),
        TokenKind::Lor => binary(B::BitOr, 9, Left),
        TokenKind::Lxor => binary(B::BitXor, 9, Left),
        TokenKind::Lsl => binary(B::ShiftLeft, 10, Right),
        TokenKind::Lsr => binary(B::ShiftRight, 10, Right),
        _ => None,
    }
}

/// Whether a token can begin an expression.
pub(super) fn can_start_expression(kind: TokenKind) -> bool {
    can_start_atom(kind)
        || matches!(
            kind,
            TokenKind::Let
                | TokenKind::Fun
                | TokenKind::If
                | TokenKind::Match
                | TokenKind::Handle
                | TokenKind::With
                | TokenKind::Minus
                | TokenKind::Not
                | TokenKind::Perform
                | TokenKind::Resume
                | TokenKind::Invoke
                | TokenKind::Reify
        )
}

/// Whether a token can begin an atom (an application's argument).
pub(super) fn can_start_atom(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Integer
            | TokenKind::Float
            | TokenKind::Char
            | TokenKind::String
            | TokenKind::True
            | TokenKind::False
            | TokenKind::LowerName
            | TokenKind::UpperName
            | TokenKind::LeftParen
            | TokenKind::LeftBracket
            | TokenKind::LeftBrace
            | TokenKind::Begin
            | TokenKind::Bang
            | TokenKind::Unsafe
            | TokenKind::Loop
    )
}

impl Parser<'_> {
    /// sequence ::= expression (';' expression)* [';']
    ///
    /// Layout rule 2: when [`Parser::offside`] is set, a `;` followed by a
    /// token that starts a line at that column or left of it ends the
    /// sequence, and the `;` is left for the enclosing one. A `;` followed
    /// by nothing that can start an expression is a trailing one and is
    /// consumed.
    pub(super) fn sequence(&mut self) -> Expr {
        let start = self.start();
        if !self.enter() {
            return Expr::Error(self.span_from(start));
        }
        let mut items = vec![self.expression()];
        while self.at(TokenKind::Semicolon) {
            let next = self.nth(1);
            if let Some(column) = self.offside {
                if next.starts_line && next.column <= column {
                    break;
                }
            }
            let next_is_item =
                next.starts_line && next.column == 0 && super::is_item_keyword(next.kind);
            if !can_start_expression(next.kind) || next_is_item {
                self.advance();
                break;
            }
            self.advance();
            items.push(self.expression());
        }
        self.leave();
        let mut result = items.pop().unwrap_or(Expr::Error(start..start));
        while let Some(item) = items.pop() {
            let span = item.span().start..result.span().end;
            result = Expr::Sequence(Box::new(item), Box::new(result), span);
        }
        result
    }

    /// expression ::= an open-ended form | binary
    pub(super) fn expression(&mut self) -> Expr {
        self.binary(0)
    }

    /// binary ::= prefix (operator prefix)*, by precedence climbing:
    /// operators of precedence at least `minimum` are taken here.
    fn binary(&mut self, minimum: u8) -> Expr {
        let start = self.start();
        if !self.enter() {
            return Expr::Error(self.span_from(start));
        }
        let mut left = self.prefix();
        while let Some((operator, precedence, associativity)) = infix(self.peek()) {
            if precedence < minimum {
                break;
            }
            let operator_token = self.advance();
            let next_minimum = match associativity {
                Associativity::Left => precedence + 1,
                Associativity::Right => precedence,
            };
            left = match operator {
                Infix::Comma => {
                    let mut items = vec![left, self.binary(precedence + 1)];
                    while self.eat(TokenKind::Comma) {
                        items.push(self.binary(precedence + 1));
                    }
                    Expr::Tuple(items, self.span_from(start))
                }
                Infix::Assign => {
                    let value = Box::new(self.binary(next_minimum));
                    let span = self.span_from(start);
                    match left {
                        Expr::Field(target, field, _) => Expr::Assign {
                            target,
                            field,
                            value,
                            span,
                        },
                        Expr::Variable(path) if path.segments.len() == 1 => {
                            let variable = path.segments.into_iter().next().unwrap_or(Name {
                                text: String::new(),
                                span: span.clone(),
                            });
                            Expr::AssignVariable {
                                variable,
                                value,
                                span,
                            }
                        }
                        Expr::Error(_) => Expr::Error(span),
                        other => {
                            self.report(SyntaxError::Misplaced {
                                what: "`<-`".to_string(),
                                allowed: "after a record field (`r.f <- v`) or a `let mutable` variable (`x <- v`)",
                                span: other.span().start..operator_token.span.end,
                            });
                            Expr::Error(span)
                        }
                    }
                }
                Infix::Binary(operator) => {
                    let right = self.binary(next_minimum);
                    Expr::Binary(
                        operator,
                        Box::new(left),
                        Box::new(right),
                        self.span_from(start),
                    )
                }
            };
        }
        self.leave();
        left
    }

    /// prefix ::= an open-ended form | '-' Integer | '-' application
    ///          | 'not' application | application
    fn prefix(&mut self) -> Expr {
        let start = self.start();
        if self.at_item_start() {
            // A declaration at column 0 is the next item, not a `let ... in`
            // of this one: the expression is missing.
            self.expected("an expression", "an expression");
            return Expr::Error(start..start);
        }
        match self.peek() {
            TokenKind::Let => self.let_expression(),
            TokenKind::Fun => self.lambda(),
            TokenKind::If => self.if_expression(),
            TokenKind::Match => self.match_expression(),
            TokenKind::Handle => self.handle_expression(),
            TokenKind::With => self.with_expression(),
            TokenKind::Minus => {
                self.advance();
                if self.at(TokenKind::Integer) {
                    return match self.literal(true, start) {
                        Some(literal) => Expr::Literal(literal),
                        None => Expr::Error(self.span_from(start)),
                    };
                }
                let operand = self.application();
                Expr::Unary(
                    UnaryOperator::Negate,
                    Box::new(operand),
                    self.span_from(start),
                )
            }
            TokenKind::Not => {
                self.advance();
                let operand = self.application();
                Expr::Unary(UnaryOperator::Not, Box::new(operand), self.span_from(start))
            }
            _ => self.application(),
        }
    }

    /// application ::= 'perform' operation | ('resume' | 'invoke') atom atom
    ///               | 'reify' atom | atom atom*
    pub(super) fn application(&mut self) -> Expr {
        let start = self.start();
        match self.peek() {
            TokenKind::Perform => return self.perform(),
            TokenKind::Resume | TokenKind::Invoke => {
                let kind = if self.advance().kind == TokenKind::Resume {
                    ResumeKind::Resume
                } else {
                    ResumeKind::Invoke
                };
                let continuation = Box::new(self.atom_or_error("the continuation to continue"));
                let value = Box::new(self.atom_or_error("the value to continue it with"));
                return Expr::Resume {
                    kind,
                    continuation,
                    value,
                    span: self.span_from(start),
                };
            }
            TokenKind::Reify => {
                self.advance();
                let body = self.atom_or_error("the function to reify");
                return Expr::Reify(Box::new(body), self.span_from(start));
            }
            _ => {}
        }
        if !can_start_atom(self.peek()) {
            self.expected("an expression", "an expression");
            return Expr::Error(self.span_from(start));
        }
        let function = self.atom();
        let mut arguments = Vec::new();
        while can_start_atom(self.peek()) {
            arguments.push(self.atom());
        }
        if arguments.is_empty() {
            function
        } else {
            Expr::Apply {
                function: Box::new(function),
                arguments,
                span: self.span_from(start),
            }
        }
    }

    /// An atom, or an error saying `what` was wanted.
    fn atom_or_error(&mut self, what: &'static str) -> Expr {
        if can_start_atom(self.peek()) {
            self.atom()
        } else {
            let start = self.start();
            self.expected(what, "an expression");
            Expr::Error(start..start)
        }
    }

    /// atom ::= a literal, a name, a path, a bracketed form, `!` atom,
    /// `unsafe`/`loop` blocks; then field accesses `.f`.
    pub(super) fn atom(&mut self) -> Expr {
        let start = self.start();
        if !self.enter() {
            return Expr::Error(self.span_from(start));
        }
        let mut expression = match self.peek() {
            TokenKind::Integer
            | TokenKind::Float
            | TokenKind::Char
            | TokenKind::String
            | TokenKind::True
            | TokenKind::False => match self.literal(false, start) {
                Some(literal) => Expr::Literal(literal),
                None => Expr::Error(self.span_from(start)),
            },
            TokenKind::LeftParen => self.parenthesised(),
            TokenKind::LeftBracket => self.list_expression(),
            TokenKind::LeftBrace => self.braces(),
            TokenKind::Begin => {
                let open = self.advance();
                let body = self.with_offside(None, Self::sequence);
                if self.close(TokenKind::Begin, open.span, TokenKind::End) {
                    body
                } else {
                    Expr::Error(self.span_from(start))
                }
            }
            TokenKind::Bang => {
                self.advance();
                let operand = self.atom_or_error("a reference after `!`");
                Expr::Unary(
                    UnaryOperator::Deref,
                    Box::new(operand),
                    self.span_from(start),
                )
            }
            TokenKind::Unsafe => {
                self.advance();
                let body = self.block("an `unsafe` block");
                Expr::Unsafe(Box::new(body), self.span_from(start))
            }
            TokenKind::Loop if self.peek_nth(1) == TokenKind::LeftBrace => {
                self.advance();
                let body = self.block("a `loop` block");
                Expr::Loop(Box::new(body), self.span_from(start))
            }
            TokenKind::LowerName | TokenKind::Loop => {
                let name = self.name();
                Expr::Variable(Path {
                    span: name.span.clone(),
                    segments: vec![name],
                })
            }
            TokenKind::UpperName => {
                let path = self.path();
                if !path
                    .last()
                    .text
                    .starts_with(|c: char| c.is_ascii_uppercase())
                {
                    Expr::Variable(path)
                } else {
                    Expr::Constructor(path)
                }
            }
            _ => {
                self.expected("an expression", "an expression");
                Expr::Error(start..start)
            }
        };
        while self.at(TokenKind::Dot) && self.is_member_name(1) {
            self.advance();
            let field = self.name();
            expression = Expr::Field(Box::new(expression), field, self.span_from(start));
        }
        self.leave();
        expression
    }

    /// '(' ')' | '(' sequence [':' type] ')'
    fn parenthesised(&mut self) -> Expr {
        let start = self.start();
        let open = self.advance();
        if self.eat(TokenKind::RightParen) {
            return Expr::Literal(Literal {
                value: LiteralValue::Unit,
                span: self.span_from(start),
            });
        }
        let inner = self.with_offside(None, |parser| {
            let inner = parser.sequence();
            if parser.eat(TokenKind::Colon) {
                let ty = parser.type_expr();
                Expr::Annotated(Box::new(inner), ty, parser.span_from(start))
            } else {
                inner
            }
        });
        if self.close(TokenKind::LeftParen, open.span, TokenKind::RightParen) {
            inner
        } else {
            Expr::Error(self.span_from(start))
        }
    }

    /// '[' [expression (';' expression)* [';']] ']'
    fn list_expression(&mut self) -> Expr {
        let start = self.start();
        let open = self.advance();
        let mut items = Vec::new();
        self.with_offside(None, |parser| {
            while !parser.at(TokenKind::RightBracket) && can_start_expression(parser.peek()) {
                items.push(parser.expression());
                if !parser.eat(TokenKind::Semicolon) {
                    break;
                }
            }
        });
        if self.close(TokenKind::LeftBracket, open.span, TokenKind::RightBracket) {
            Expr::List(items, self.span_from(start))
        } else {
            Expr::Error(self.span_from(start))
        }
    }

    /// The forms that open with `{` where an expression may stand:
    ///
    /// ```text
    /// '{' '}'                                  an empty record
    /// '{' '|' clauses '}'                      a handler literal
    /// '{' name ('=' | ';' | '}') fields '}'     a record literal
    /// '{' sequence 'with' field '=' ... '}'    a record update
    /// '{' sequence '}'                         a block
    /// ```
    fn braces(&mut self) -> Expr {
        let start = self.start();
        let open = self.advance();
        let result = self.with_offside(None, |parser| {
            if parser.at(TokenKind::RightBrace) {
                return Expr::Record {
                    fields: Vec::new(),
                    span: start..start,
                };
            }
            if parser.at(TokenKind::Bar) {
                let clauses = parser.handler_clauses();
                return Expr::Handler(clauses, start..start);
            }
            let record_start = (parser.at_lower_name() || parser.is_member_name(0))
                && matches!(
                    parser.peek_nth(1),
                    TokenKind::Equal | TokenKind::Semicolon | TokenKind::RightBrace
                );
            if record_start {
                let fields = parser.record_fields();
                return Expr::Record {
                    fields,
                    span: start..start,
                };
            }
            let inner = parser.sequence();
            if parser.at(TokenKind::With)
                && parser.is_member_name(1)
                && parser.peek_nth(2) == TokenKind::Equal
            {
                parser.advance();
                let fields = parser
                    .record_fields()
                    .into_iter()
                    .map(|(name, value)| {
                        let value = value.unwrap_or_else(|| {
                            Expr::Variable(Path {
                                span: name.span.clone(),
                                segments: vec![name.clone()],
                            })
                        });
                        (name, value)
                    })
                    .collect();
                return Expr::RecordUpdate {
                    base: Box::new(inner),
                    fields,
                    span: start..start,
                };
            }
            inner
        });
        if !self.close(TokenKind::LeftBrace, open.span, TokenKind::RightBrace) {
            return Expr::Error(self.span_from(start));
        }
        let span = self.span_from(start);
        match result {
            Expr::Record { fields, .. } => Expr::Record { fields, span },
            Expr::Handler(clauses, _) => Expr::Handler(clauses, span),
            Expr::RecordUpdate { base, fields, .. } => Expr::RecordUpdate { base, fields, span },
            block => block,
        }
    }

    /// fields ::= field (';' field)* [';']     field ::= name ['=' expression]
    ///
    /// Stops before the `}`.
    fn record_fields(&mut self) -> Vec<(Name, Option<Expr>)> {
        let mut fields = Vec::new();
        while self.at_lower_name() || self.is_member_name(0) {
            let name = self.name();
            let value = if self.eat(TokenKind::Equal) {
                Some(self.expression())
            } else {
                None
            };
            fields.push((name, value));
            if !self.eat(TokenKind::Semicolon) {
                break;
            }
        }
        if !self.at(TokenKind::RightBrace) {
            self.expected("a field (`name = value`) or `}`", "a record");
        }
        fields
    }

    /// block ::= '{' sequence '}'
    pub(super) fn block(&mut self, context: &'static str) -> Expr {
        let start = self.start();
        let Some(open) = self.eat_token(TokenKind::LeftBrace) else {
            self.expected("`{`", context);
            return Expr::Error(start..start);
        };
        let body = self.with_offside(None, Self::sequence);
        if self.close(TokenKind::LeftBrace, open.span, TokenKind::RightBrace) {
            body
        } else {
            Expr::Error(self.span_from(start))
        }
    }
}
