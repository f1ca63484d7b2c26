//! The open-ended expression forms, which extend as far to the right as
//! they can: `let ... in`, `fun`, `if`, `match` (with chapter 17's
//! `match ... with ... with`), `handle`, `with` (handlers and regions) and
//! `perform`. The grammar is in `expressions.rs`'s module doc.

use super::expressions::can_start_atom;
use super::Parser;
use crate::ast::{Binding, Expr};
use crate::token::TokenKind;
use crate::SyntaxError;

impl Parser<'_> {
    /// 'let' ['rec'] binding ('and' binding)* 'in' sequence
    pub(super) fn let_expression(&mut self) -> Expr {
        let start = self.start();
        self.advance();
        let recursive = self.eat(TokenKind::Rec);
        let bindings = self.bindings();
        if !self.expect(TokenKind::In, "a `let` expression (`let x = e in ...`)") {
            return Expr::Error(self.span_from(start));
        }
        let body = self.sequence();
        Expr::Let {
            recursive,
            bindings,
            body: Box::new(body),
            span: self.span_from(start),
        }
    }

    /// binding ('and' binding)*
    pub(super) fn bindings(&mut self) -> Vec<Binding> {
        let mut bindings = vec![self.binding()];
        while self.eat(TokenKind::And) {
            bindings.push(self.binding());
        }
        bindings
    }

    /// 'fun' parameter+ '->' sequence
    pub(super) fn lambda(&mut self) -> Expr {
        let start = self.start();
        self.advance();
        let parameters = self.parameters();
        if parameters.is_empty() {
            self.expected("a parameter", "a `fun` expression");
        }
        if !self.expect(TokenKind::Arrow, "a `fun` expression (`fun x -> e`)") {
            return Expr::Error(self.span_from(start));
        }
        let body = self.sequence();
        Expr::Lambda {
            parameters,
            body: Box::new(body),
            span: self.span_from(start),
        }
    }

    /// 'if' expression 'then' branch ['else' branch]
    ///
    /// Each branch is a sequence under layout rule 2 at the `if`'s column;
    /// an `if` right after `else` inherits the column of the chain's first
    /// `if`.
    pub(super) fn if_expression(&mut self) -> Expr {
        let start = self.start();
        let column = match self.inherited_if_column.take() {
            Some((position, column)) if position == self.position => column,
            _ => self.layout_column(self.position),
        };
        self.advance();
        let condition = self.with_offside(None, Self::expression);
        if !self.expect(TokenKind::Then, "an `if` expression") {
            return Expr::Error(self.span_from(start));
        }
        let then_branch = self.with_offside(Some(column), Self::sequence);
        let else_branch = if self.eat(TokenKind::Else) {
            if self.at(TokenKind::If) {
                self.inherited_if_column = Some((self.position, column));
            }
            Some(Box::new(self.with_offside(Some(column), Self::sequence)))
        } else {
            None
        };
        Expr::If {
            condition: Box::new(condition),
            then_branch: Box::new(then_branch),
            else_branch,
            span: self.span_from(start),
        }
    }

    /// 'match' sequence 'with' arms ['with' clauses]
    ///
    /// The second `with` is chapter 17's form (`match e with | p -> a with
    /// | E.op x, k -> b`): the arms become return clauses of a `handle`.
    pub(super) fn match_expression(&mut self) -> Expr {
        let start = self.start();
        self.advance();
        let scrutinee = self.with_offside(None, Self::sequence);
        if !self.expect(
            TokenKind::With,
            "a `match` expression (`match e with | p -> ...`)",
        ) {
            return Expr::Error(self.span_from(start));
        }
        let arms = self.match_arms();
        if self.at(TokenKind::With) && self.peek_nth(1) == TokenKind::Bar {
            self.advance();
            let mut clauses = Vec::new();
            for arm in arms {
                if let Some(guard) = &arm.guard {
                    self.report(SyntaxError::Misplaced {
                        what: "a `when` guard".to_string(),
                        allowed: "on `match` arms, not on the return arms of a `match ... with ... with` handler",
                        span: guard.span(),
                    });
                }
                clauses.push(crate::ast::Clause::Return {
                    pattern: arm.pattern,
                    body: arm.body,
                    span: arm.span,
                });
            }
            clauses.extend(self.handler_clauses());
            return Expr::Handle {
                body: Box::new(scrutinee),
                clauses,
                span: self.span_from(start),
            };
        }
        Expr::Match {
            scrutinee: Box::new(scrutinee),
            arms,
            span: self.span_from(start),
        }
    }

    /// 'handle' sequence 'with' clauses
    pub(super) fn handle_expression(&mut self) -> Expr {
        let start = self.start();
        self.advance();
        let body = self.with_offside(None, Self::sequence);
        if !self.expect(
            TokenKind::With,
            "a `handle` expression (`handle e with | clauses`)",
        ) {
            return Expr::Error(self.span_from(start));
        }
        let clauses = self.handler_clauses();
        Expr::Handle {
            body: Box::new(body),
            clauses,
            span: self.span_from(start),
        }
    }

    /// 'with' 'region' name 'in' block | 'with' application 'in' block
    ///
    /// The body is normally braced, as the book always writes it; an
    /// unbraced sequence is accepted too.
    pub(super) fn with_expression(&mut self) -> Expr {
        let start = self.start();
        self.advance();
        if self.at(TokenKind::Region) && self.peek_nth(1) == TokenKind::LowerName {
            self.advance();
            let region = self.name();
            if !self.expect(TokenKind::In, "a `with region r in { ... }` expression") {
                return Expr::Error(self.span_from(start));
            }
            let body = self.with_body();
            return Expr::WithRegion {
                region,
                body: Box::new(body),
                span: self.span_from(start),
            };
        }
        let handler = self.with_offside(None, Self::application);
        if !self.expect(TokenKind::In, "a `with h in { ... }` expression") {
            return Expr::Error(self.span_from(start));
        }
        let body = self.with_body();
        Expr::With {
            handler: Box::new(handler),
            body: Box::new(body),
            span: self.span_from(start),
        }
    }

    /// The body after `with ... in`: a block, or a sequence.
    fn with_body(&mut self) -> Expr {
        if self.at(TokenKind::LeftBrace) {
            self.block("a `with` block")
        } else {
            self.sequence()
        }
    }

    /// perform ::= 'perform' '(' Path atom* ')' | 'perform' Path atom*
    pub(super) fn perform(&mut self) -> Expr {
        let start = self.start();
        self.advance();
        let parenthesised =
            self.at(TokenKind::LeftParen) && self.peek_nth(1) == TokenKind::UpperName;
        let open = if parenthesised {
            Some(self.advance())
        } else {
            None
        };
        if !self.at(TokenKind::UpperName) {
            self.expected("an effect operation (`E.op` or `Op`)", "a `perform`");
            return Expr::Error(self.span_from(start));
        }
        let operation = self.path();
        let mut arguments = Vec::new();
        self.with_offside(None, |parser| {
            while can_start_atom(parser.peek()) {
                arguments.push(parser.atom());
            }
        });
        if let Some(open) = open {
            if !self.close(TokenKind::LeftParen, open.span, TokenKind::RightParen) {
                return Expr::Error(self.span_from(start));
            }
        }
        let mut arguments = arguments.into_iter();
        let argument = arguments.next().map(Box::new);
        Expr::Perform {
            operation,
            argument,
            extra_arguments: arguments.collect(),
            span: self.span_from(start),
        }
    }
}
