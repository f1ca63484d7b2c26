//! Top-level declarations and `let` bindings.
//!
//! ```text
//! item     ::= 'let' ['rec'] binding ('and' binding)*
//!            | 'type' ['linear'] [before] name after* ['=' type_body]
//!            | 'effect' Name param* ('{' operation* '}' | ':' type)
//!            | 'handler' ['<' name (',' name)* '>'] name parameter* [':' type]
//!                '=' sequence ('and' binding)*
//!            | 'val' name ':' type
//! binding  ::= ['mutable'] (name parameter* | tuple_pattern) [':' type] '=' sequence
//! before   ::= 'a | '(' 'a (',' 'a)* ')'            (OCaml's `type 'a list`)
//! after    ::= name | 'a                           (the book's `type list a`)
//! type_body ::= ['|'] variant ('|' variant)* | '{' field_decls '}' | type
//! variant  ::= Name ['of' run ('*' run)*]
//! operation ::= name ':' type [';']
//! ```

use super::Parser;
use crate::ast::{
    Binding, EffectDecl, HandlerDecl, Item, LetDecl, Name, OperationDecl, Pattern, TypeBody,
    TypeDecl, ValDecl, Variant,
};
use crate::token::TokenKind;

impl Parser<'_> {
    /// item ::= a `let`, `type`, `effect`, `handler` or `val` declaration.
    /// `None` when the current token begins none of them.
    pub(super) fn item(&mut self) -> Option<Item> {
        let item = match self.peek() {
            TokenKind::Let => self.let_declaration(),
            TokenKind::Type => Item::Type(self.type_declaration()),
            TokenKind::Effect => Item::Effect(self.effect_declaration()),
            TokenKind::Handler => Item::Handler(self.handler_declaration()),
            TokenKind::Val => Item::Val(self.val_declaration()),
            _ => return None,
        };
        Some(item)
    }

    /// 'let' ['rec'] binding ('and' binding)*
    fn let_declaration(&mut self) -> Item {
        let start = self.start();
        self.advance();
        let recursive = self.eat(TokenKind::Rec);
        let bindings = self.with_offside(None, Self::bindings);
        if self.at(TokenKind::In) {
            self.report(crate::SyntaxError::Misplaced {
                what: "`let ... in` at the top level".to_string(),
                allowed: "inside a definition; at the top level, write `let name = ...` and use the name in later definitions",
                span: self.token().span.clone(),
            });
        }
        Item::Let(LetDecl {
            recursive,
            bindings,
            span: self.span_from(start),
        })
    }

    /// binding ::= ['mutable'] (name parameter* | tuple_pattern) [':' type] '=' sequence
    pub(super) fn binding(&mut self) -> Binding {
        let start = self.start();
        let mutable = self.eat(TokenKind::Mutable);
        let (pattern, parameters) = if self.at_lower_name() {
            let name = self.name();
            (Pattern::Variable(name), self.parameters())
        } else {
            (self.tuple_pattern(), Vec::new())
        };
        let annotation = if self.eat(TokenKind::Colon) {
            Some(self.type_expr())
        } else {
            None
        };
        let body = if self.expect(TokenKind::Equal, "a binding (`let name = e`)") {
            self.sequence()
        } else {
            let start = self.start();
            self.skip_until(|token| matches!(token.kind, TokenKind::In | TokenKind::And));
            crate::ast::Expr::Error(self.span_from(start))
        };
        Binding {
            mutable,
            pattern,
            parameters,
            annotation,
            body,
            span: self.span_from(start),
        }
    }

    /// 'type' ['linear'] [before] name after* ['=' type_body]
    fn type_declaration(&mut self) -> TypeDecl {
        let start = self.start();
        self.advance();
        let linear = self.eat(TokenKind::Linear);
        let mut parameters = Vec::new();
        if self.at(TokenKind::QuotedName) {
            parameters.push(self.name());
        } else if self.at(TokenKind::LeftParen) && self.peek_nth(1) == TokenKind::QuotedName {
            let open = self.advance();
            parameters.push(self.name());
            while self.eat(TokenKind::Comma) {
                if self.at(TokenKind::QuotedName) {
                    parameters.push(self.name());
                } else {
                    self.expected("a type parameter (`'a`)", "a type declaration");
                    break;
                }
            }
            self.close(TokenKind::LeftParen, open.span, TokenKind::RightParen);
        }
        let name = self.type_name("a type declaration");
        while matches!(self.peek(), TokenKind::LowerName | TokenKind::QuotedName) {
            parameters.push(self.name());
        }
        let body = if self.eat(TokenKind::Equal) {
            self.type_body()
        } else {
            TypeBody::Abstract
        };
        TypeDecl {
            linear,
            name,
            parameters,
            body,
            span: self.span_from(start),
        }
    }

    /// A lowercase name that a type declaration or handler introduces
    /// (`region`, a keyword elsewhere, is allowed: chapter 13 declares it).
    fn type_name(&mut self, context: &'static str) -> Name {
        if self.at_lower_name() || self.at(TokenKind::Region) {
            self.name()
        } else {
            self.expected("a name", context);
            let at = self.start();
            Name {
                text: String::new(),
                span: at..at,
            }
        }
    }

    /// type_body ::= ['|'] variant ('|' variant)* | '{' field_decls '}' | type
    fn type_body(&mut self) -> TypeBody {
        let is_sum = self.at(TokenKind::Bar)
            || (self.at(TokenKind::UpperName) && self.peek_nth(1) != TokenKind::Dot);
        if is_sum {
            let mut variants = Vec::new();
            self.eat(TokenKind::Bar);
            loop {
                let start = self.start();
                if !self.at(TokenKind::UpperName) {
                    self.expected("a constructor name (capitalised)", "a sum type");
                    break;
                }
                let name = self.name();
                let mut fields = Vec::new();
                if self.eat(TokenKind::Of) {
                    fields.push(self.type_run());
                    while self.eat(TokenKind::Star) {
                        fields.push(self.type_run());
                    }
                }
                variants.push(Variant {
                    name,
                    fields,
                    span: self.span_from(start),
                });
                if !self.eat(TokenKind::Bar) {
                    break;
                }
            }
            return TypeBody::Sum(variants);
        }
        if self.at(TokenKind::LeftBrace) {
            let open = self.advance();
            let fields = self.field_decls();
            self.close(TokenKind::LeftBrace, open.span, TokenKind::RightBrace);
            return TypeBody::Record(fields);
        }
        TypeBody::Alias(self.type_expr())
    }

    /// 'effect' Name param* ('{' operation* '}' | ':' type)
    fn effect_declaration(&mut self) -> EffectDecl {
        let start = self.start();
        self.advance();
        let name = if self.at(TokenKind::UpperName) {
            self.name()
        } else {
            self.expected("the effect's name (capitalised)", "an effect declaration");
            let at = self.start();
            Name {
                text: String::new(),
                span: at..at,
            }
        };
        let mut parameters = Vec::new();
        while matches!(self.peek(), TokenKind::LowerName | TokenKind::QuotedName) {
            parameters.push(self.name());
        }
        let mut operations = Vec::new();
        let mut single_operation = false;
        if self.eat(TokenKind::Colon) {
            single_operation = true;
            let operation_start = self.start();
            let signature = self.type_expr();
            operations.push(OperationDecl {
                name: name.clone(),
                signature,
                span: self.span_from(operation_start),
            });
        } else if let Some(open) = self.eat_token(TokenKind::LeftBrace) {
            while self.at_lower_name() || self.is_member_name(0) {
                let operation_start = self.start();
                let operation_name = self.name();
                if !self.expect(
                    TokenKind::Colon,
                    "an effect operation (`name : argument -> result`)",
                ) {
                    self.skip_until(|token| token.starts_line);
                    continue;
                }
                let signature = self.type_expr();
                operations.push(OperationDecl {
                    name: operation_name,
                    signature,
                    span: self.span_from(operation_start),
                });
                self.eat(TokenKind::Semicolon);
            }
            if !self.at(TokenKind::RightBrace) {
                self.expected(
                    "an operation (`name : argument -> result`) or `}`",
                    "an effect declaration",
                );
            }
            self.close(TokenKind::LeftBrace, open.span, TokenKind::RightBrace);
        } else {
            self.expected(
                "`{` and its operations, or `:` and one operation's type",
                "an effect declaration",
            );
        }
        EffectDecl {
            name,
            parameters,
            operations,
            single_operation,
            span: self.span_from(start),
        }
    }

    /// 'handler' ['<' name (',' name)* '>'] name parameter* [':' type]
    /// '=' sequence ('and' binding)*
    fn handler_declaration(&mut self) -> HandlerDecl {
        let start = self.start();
        self.advance();
        let mut type_parameters = Vec::new();
        if self.eat(TokenKind::Less) {
            while matches!(self.peek(), TokenKind::LowerName | TokenKind::QuotedName) {
                type_parameters.push(self.name());
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
            self.expect(
                TokenKind::Greater,
                "a handler's type parameters (`handler<a> name`)",
            );
        }
        let name = self.type_name("a handler declaration");
        let parameters = self.parameters();
        let annotation = if self.eat(TokenKind::Colon) {
            Some(self.type_expr())
        } else {
            None
        };
        let body = if self.expect(
            TokenKind::Equal,
            "a handler declaration (`handler name = { | clauses }`)",
        ) {
            self.with_offside(None, Self::sequence)
        } else {
            crate::ast::Expr::Error(self.span_from(start))
        };
        let mut and_bindings = Vec::new();
        while self.eat(TokenKind::And) {
            and_bindings.push(self.with_offside(None, Self::binding));
        }
        HandlerDecl {
            type_parameters,
            name,
            parameters,
            annotation,
            body,
            and_bindings,
            span: self.span_from(start),
        }
    }

    /// 'val' name ':' type
    fn val_declaration(&mut self) -> ValDecl {
        let start = self.start();
        self.advance();
        let name = self.type_name("a `val` declaration");
        self.expect(TokenKind::Colon, "a `val` declaration (`val name : type`)");
        let ty = self.type_expr();
        ValDecl {
            name,
            ty,
            span: self.span_from(start),
        }
    }
}
