//! The arms of a `match` and the clauses of a handler.
//!
//! ```text
//! arms    ::= ['|'] arm ('|' arm)*                      (layout rule 1)
//! arm     ::= pattern ['when' expression] '->' sequence
//! clauses ::= ['|'] clause ('|' clause)*                (layout rule 1)
//! clause  ::= 'return' pattern '->' sequence
//!           | Path atom* [',' applied] '->' sequence ['with' 'state' ':=' expression]
//! ```
//!
//! An operation clause is written `| E.op p, k ->` (Appendix B) or, in
//! chapters 10-12, `| Op p k ->` with no comma: then the last pattern is the
//! continuation. A curried operation takes several argument patterns
//! (`| KV.set k v, c ->`).
//!
//! Layout rule 1 decides where a nested `match` ends without brackets: a
//! list of arms or clauses goes on while each `|` is on the same line as
//! what precedes it or starts a line at or right of the list's column (the
//! column of its first `|`); a `|` that starts a line further left belongs
//! to an enclosing list. Each arm's body runs under rule 2 at its `|`'s
//! column.
//!
//! ```text
//! | IO.read_byte (), k ->              <- the outer list's column is 2
//!     match Queue.pop sched.inbox with
//!     | Some b -> resume k b           <- the inner list's column is 6
//!     | None -> scheduler ()
//! | IO.print msg, k ->                 <- column 2 < 6: ends the inner match
//! ```

use super::Parser;
use crate::ast::{Arm, Clause, Pattern};
use crate::token::TokenKind;

impl Parser<'_> {
    /// arms ::= ['|'] arm ('|' arm)*
    pub(super) fn match_arms(&mut self) -> Vec<Arm> {
        self.bar_list(Self::arm)
    }

    /// clauses ::= ['|'] clause ('|' clause)*
    pub(super) fn handler_clauses(&mut self) -> Vec<Clause> {
        self.bar_list(|parser, start, column| Some(parser.clause(start, column)))
    }

    /// A list of `|`-separated entries under layout rule 1: `entry` reads
    /// one after its `|`, given where the entry starts and its `|`'s layout
    /// column, and returns `None` for one it could not read.
    fn bar_list<T>(&mut self, mut entry: impl FnMut(&mut Self, usize, u32) -> Option<T>) -> Vec<T> {
        let mut entries = Vec::new();
        let column = self.layout_column(self.position);
        let mut first = true;
        loop {
            let bar_position = self.position;
            if !self.continue_list(column, first) {
                break;
            }
            first = false;
            let start = self.tokens[bar_position].span.start;
            let entry_column = self.layout_column(bar_position);
            entries.extend(entry(self, start, entry_column));
        }
        entries
    }

    /// One match arm, after its `|`.
    fn arm(&mut self, start: usize, column: u32) -> Option<Arm> {
        let pattern = self.with_offside(None, Self::pattern);
        let guard = if self.at(TokenKind::LowerName) && self.text() == "when" {
            self.advance();
            Some(self.with_offside(None, Self::expression))
        } else {
            None
        };
        if !self.expect(TokenKind::Arrow, "a `match` arm (`| pattern -> e`)") {
            self.recover_to_bar();
            return None;
        }
        let body = self.with_offside(Some(column), Self::sequence);
        Some(Arm {
            pattern,
            guard,
            body,
            span: self.span_from(start),
        })
    }

    /// Consumes the `|` that begins the next arm or clause of a list whose
    /// column is `column`, if layout rule 1 lets the list go on. The first
    /// arm's `|` is optional.
    fn continue_list(&mut self, column: u32, first: bool) -> bool {
        if !self.at(TokenKind::Bar) {
            return first && (self.at_pattern_atom() || self.at(TokenKind::Return));
        }
        let bar = self.token();
        if !first && bar.starts_line && bar.column < column {
            return false;
        }
        self.advance();
        true
    }

    /// One clause, after its `|`.
    fn clause(&mut self, start: usize, column: u32) -> Clause {
        let errors_before = self.errors.len();
        if self.eat(TokenKind::Return) {
            let pattern = self.with_offside(None, Self::pattern);
            if !self.expect(TokenKind::Arrow, "a `return` clause (`| return x -> e`)") {
                self.recover_to_bar();
                return Clause::Error(self.span_from(start));
            }
            let body = self.with_offside(Some(column), Self::sequence);
            return Clause::Return {
                pattern,
                body,
                span: self.span_from(start),
            };
        }
        if !self.at(TokenKind::UpperName) {
            self.expected(
                "an effect operation (`E.op p, k ->`) or `return`",
                "a handler clause",
            );
            self.recover_to_bar();
            return Clause::Error(self.span_from(start));
        }
        let operation = self.path();
        let mut patterns = Vec::new();
        while self.at_pattern_atom() {
            patterns.push(self.pattern_atom());
        }
        let continuation = if self.eat(TokenKind::Comma) {
            self.cons_pattern()
        } else if let Some(last) = patterns.pop() {
            last
        } else {
            self.expected("the continuation's name (`k`)", "a handler clause");
            Pattern::Error(self.start()..self.start())
        };
        if !self.expect(TokenKind::Arrow, "a handler clause (`| E.op p, k -> e`)")
            || self.failed_since(errors_before)
        {
            self.recover_to_bar();
            return Clause::Error(self.span_from(start));
        }
        let body = self.with_offside(Some(column), Self::sequence);
        let state_update = if self.at(TokenKind::With)
            && self.peek_nth(1) == TokenKind::LowerName
            && self.nth_text(1) == "state"
            && self.peek_nth(2) == TokenKind::ColonEqual
        {
            self.advance();
            self.advance();
            self.advance();
            Some(self.expression())
        } else {
            None
        };
        let mut patterns = patterns.into_iter();
        let argument = patterns.next();
        Clause::Operation {
            operation,
            argument,
            extra_arguments: patterns.collect(),
            continuation,
            body,
            state_update,
            span: self.span_from(start),
        }
    }

    /// After a broken arm or clause: skips to the next `|` (or the end of
    /// the enclosing bracket).
    fn recover_to_bar(&mut self) {
        self.skip_until(|token| token.kind == TokenKind::Bar);
    }
}
