//! Types and effect rows.
//!
//! ```text
//! type    ::= product ['->' type] | product '/' row
//! product ::= run ('*' run)*
//! run     ::= atom+                      (application, order left to resolution)
//! atom    ::= name | Path | 'a | '(' ')' | '(' type (',' type)* ')'
//!           | '{' field_decl (';' field_decl)* [';'] '}'      (first in a run only)
//! row     ::= '{' [run (',' run)*] ['|' name] '}'
//! ```

use super::Parser;
use crate::ast::{EffectRow, FieldDecl, Path, TypeExpr};
use crate::token::TokenKind;

impl Parser<'_> {
    /// type ::= product ['->' type] | product '/' row
    ///
    /// A row after the last result of an arrow chain belongs to the
    /// innermost arrow; a row with no arrow gives [`TypeExpr::WithRow`]
    /// (`: () / {IO}` on a `let`).
    pub(super) fn type_expr(&mut self) -> TypeExpr {
        let start = self.start();
        if !self.enter() {
            return TypeExpr::Error(self.span_from(start));
        }
        let left = self.product_type();
        let result = if self.eat(TokenKind::Arrow) {
            let right = self.type_expr();
            let (result, row) = match right {
                TypeExpr::WithRow { ty, row, .. } => (ty, Some(row)),
                other => (Box::new(other), None),
            };
            TypeExpr::Function {
                parameter: Box::new(left),
                result,
                row,
                span: self.span_from(start),
            }
        } else if self.eat(TokenKind::Slash) {
            let row = self.effect_row();
            TypeExpr::WithRow {
                ty: Box::new(left),
                row,
                span: self.span_from(start),
            }
        } else {
            left
        };
        self.leave();
        result
    }

    /// product ::= run ('*' run)*
    fn product_type(&mut self) -> TypeExpr {
        let start = self.start();
        let first = self.type_run();
        if !self.at(TokenKind::Star) {
            return first;
        }
        let mut items = vec![first];
        while self.eat(TokenKind::Star) {
            items.push(self.type_run());
        }
        TypeExpr::Tuple(items, self.span_from(start))
    }

    /// run ::= atom+
    ///
    /// Two or more atoms make a [`TypeExpr::Apply`]; one stands alone.
    pub(super) fn type_run(&mut self) -> TypeExpr {
        let start = self.start();
        let mut atoms = Vec::new();
        if self.at(TokenKind::LeftBrace) {
            atoms.push(self.record_type());
        }
        while self.at_type_atom() {
            atoms.push(self.type_atom());
        }
        match atoms.len() {
            0 => {
                self.expected("a type", "a type");
                TypeExpr::Error(self.span_from(start))
            }
            1 => atoms.pop().unwrap_or(TypeExpr::Error(start..start)),
            _ => TypeExpr::Apply {
                atoms,
                span: self.span_from(start),
            },
        }
    }

    /// Whether the current token starts a type atom. A name followed by `:`
    /// does not: it starts the next operation of an effect
    /// (`print : string -> ()` on one line, `read_byte : ...` on the next).
    fn at_type_atom(&self) -> bool {
        match self.peek() {
            TokenKind::LowerName | TokenKind::Region => self.peek_nth(1) != TokenKind::Colon,
            TokenKind::UpperName | TokenKind::QuotedName | TokenKind::LeftParen => true,
            _ => false,
        }
    }

    /// atom ::= name | Path | 'a | '(' ')' | '(' type (',' type)* ')'
    fn type_atom(&mut self) -> TypeExpr {
        let start = self.start();
        match self.peek() {
            // `region` is a keyword (`with region r in`) and also the name
            // of chapter 13's linear type (`type linear region`).
            TokenKind::LowerName | TokenKind::Region => {
                let name = self.name();
                TypeExpr::Name(Path {
                    span: name.span.clone(),
                    segments: vec![name],
                })
            }
            TokenKind::UpperName => TypeExpr::Name(self.path()),
            TokenKind::QuotedName => TypeExpr::Variable(self.name()),
            TokenKind::LeftParen => {
                let open = self.advance();
                if self.eat(TokenKind::RightParen) {
                    return TypeExpr::Unit(self.span_from(start));
                }
                let first = self.with_offside(None, Self::type_expr);
                let mut items = vec![first];
                while self.eat(TokenKind::Comma) {
                    items.push(self.type_expr());
                }
                if !self.close(TokenKind::LeftParen, open.span, TokenKind::RightParen) {
                    return TypeExpr::Error(self.span_from(start));
                }
                if items.len() == 1 {
                    items.pop().unwrap_or(TypeExpr::Error(start..start))
                } else {
                    TypeExpr::Tuple(items, self.span_from(start))
                }
            }
            _ => {
                self.expected("a type", "a type");
                TypeExpr::Error(self.span_from(start))
            }
        }
    }

    /// '{' field_decl (';' field_decl)* [';'] '}' as a type.
    fn record_type(&mut self) -> TypeExpr {
        let start = self.start();
        let open = self.advance();
        let fields = self.field_decls();
        if !self.close(TokenKind::LeftBrace, open.span, TokenKind::RightBrace) {
            return TypeExpr::Error(self.span_from(start));
        }
        TypeExpr::Record(fields, self.span_from(start))
    }

    /// field_decls ::= [field_decl ((';' | newline) field_decl)* [';']]
    /// field_decl  ::= ['mutable'] name ':' type
    ///
    /// Stops before the `}` (the caller closes).
    pub(super) fn field_decls(&mut self) -> Vec<FieldDecl> {
        let mut fields = Vec::new();
        loop {
            let start = self.start();
            let mutable = self.eat(TokenKind::Mutable);
            if !self.at_lower_name() && !self.is_member_name(0) {
                if mutable || !self.at(TokenKind::RightBrace) {
                    self.expected("a field name", "a record type");
                }
                break;
            }
            let name = self.name();
            self.expect(TokenKind::Colon, "a record field");
            let ty = self.type_expr();
            fields.push(FieldDecl {
                mutable,
                name,
                ty,
                span: self.span_from(start),
            });
            let separated = self.eat(TokenKind::Semicolon);
            let next_line_field = self.token().starts_line && !self.at(TokenKind::RightBrace);
            if !separated && !next_line_field {
                break;
            }
        }
        fields
    }

    /// row ::= '{' [run (',' run)*] ['|' name] '}'
    pub(super) fn effect_row(&mut self) -> EffectRow {
        let start = self.start();
        let mut effects = Vec::new();
        let mut tail = None;
        let Some(open) = self.eat_token(TokenKind::LeftBrace) else {
            self.expected("an effect row `{...}`", "an effect row");
            return EffectRow {
                effects,
                tail,
                span: self.span_from(start),
            };
        };
        if !self.at(TokenKind::RightBrace) && !self.at(TokenKind::Bar) {
            loop {
                effects.push(self.type_run());
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
        }
        if self.eat(TokenKind::Bar) {
            if self.at_lower_name() {
                tail = Some(self.name());
            } else {
                self.expected("a row variable", "an effect row");
            }
        }
        self.close(TokenKind::LeftBrace, open.span, TokenKind::RightBrace);
        EffectRow {
            effects,
            tail,
            span: self.span_from(start),
        }
    }
}
