//! Patterns: their types, and the variables they bind.
//!
//! A pattern is inferred like an expression that builds the value it
//! matches, except that a variable binds a fresh monomorphic type instead
//! of being looked up. Example: `Cons (h, t)` against `list int`:
//! `Cons : a * list a -> list a` is instantiated, the parenthesised tuple
//! is spread over the two fields, `h : a`, `t : list a`, and unifying
//! `list a ~ list int` leaves `h : int`, `t : list int`.

use cml_syntax::ast::{Name, Pattern};
use cml_types::Type;

use super::env::{Entry, Scheme};
use super::expressions::list_of;
use super::Inferencer;
use crate::error::CheckError;
use crate::resolve::TypeScope;

impl Inferencer {
    /// Checks `pattern` against `expected` and binds its variables in the
    /// environment (monomorphically; `mutable` for `let mutable`).
    pub fn bind_pattern(&mut self, pattern: &Pattern, expected: &Type, mutable: bool) {
        let mut bound = Vec::new();
        let found = self.pattern(pattern, &mut bound);
        self.expect(expected, &found, &pattern.span(), "this pattern");
        for (name, ty) in bound {
            self.bind_local(&name, Scheme::monomorphic(ty), mutable, 0);
        }
    }

    /// Binds one local name.
    pub fn bind_local(&mut self, name: &Name, scheme: Scheme, mutable: bool, arity: usize) {
        self.local_binders
            .push((name.span.clone(), scheme.ty.clone()));
        self.env.push(Entry {
            name: name.text.clone(),
            scheme,
            depth: self.lambda_depth,
            mutable,
            global: false,
            arity,
            span: name.span.clone(),
        });
    }

    /// The type a pattern matches; its variables are added to `bound`.
    pub fn pattern(&mut self, pattern: &Pattern, bound: &mut Vec<(Name, Type)>) -> Type {
        match pattern {
            Pattern::Wildcard(_) | Pattern::Error(_) => self.table.fresh_type(),
            Pattern::Variable(name) => {
                let ty = self.table.fresh_type();
                bound.push((name.clone(), ty.clone()));
                ty
            }
            Pattern::Literal(literal) => self.literal(literal, false),
            Pattern::Constructor {
                path,
                arguments,
                span,
            } => {
                let name = &path.last().text;
                let Some(info) = self.known_constructor(path) else {
                    for argument in arguments {
                        self.pattern(argument, bound);
                    }
                    return self.table.fresh_type();
                };
                let (result, substitution) = self
                    .declarations
                    .instantiate_type(&info.type_name, &mut self.table);
                let fields: Vec<Type> = info
                    .fields
                    .iter()
                    .map(|field| self.table.substitute(field, &substitution))
                    .collect();
                if fields.len() == 1 && arguments.len() > 1 {
                    // `B (x, y)` for `B of (int, int)`: the spread tuple is
                    // the one field.
                    let items: Vec<Type> = arguments
                        .iter()
                        .map(|argument| self.pattern(argument, bound))
                        .collect();
                    self.expect(
                        &fields[0],
                        &Type::Tuple(items),
                        span,
                        &format!("the argument of `{name}`"),
                    );
                    return result;
                }
                if fields.len() != arguments.len() {
                    self.report(CheckError::ConstructorArity {
                        name: path.dotted(),
                        expected: fields.len(),
                        found: arguments.len(),
                        span: span.clone(),
                    });
                    for argument in arguments {
                        self.pattern(argument, bound);
                    }
                    return result;
                }
                for (argument, field) in arguments.iter().zip(&fields) {
                    let found = self.pattern(argument, bound);
                    self.expect(
                        field,
                        &found,
                        &argument.span(),
                        &format!("this argument of `{name}`"),
                    );
                }
                result
            }
            Pattern::Tuple(items, _) => {
                let types: Vec<Type> = items.iter().map(|item| self.pattern(item, bound)).collect();
                match types.len() {
                    0 => Type::named("unit"),
                    1 => types.into_iter().next().expect("one item"),
                    _ => Type::Tuple(types),
                }
            }
            Pattern::Record { fields, span, .. } => {
                let record_type = match fields.first() {
                    Some((first, _)) => match self.declarations.fields.get(&first.text).cloned() {
                        Some(type_name) => {
                            self.declarations
                                .instantiate_type(&type_name, &mut self.table)
                                .0
                        }
                        None => self.table.fresh_type(),
                    },
                    None => self.table.fresh_type(),
                };
                for (name, sub_pattern) in fields {
                    let field_type = match self.field_of(&record_type, name, span) {
                        Some((_, ty)) => ty,
                        None => self.table.fresh_type(),
                    };
                    match sub_pattern {
                        Some(sub_pattern) => {
                            let found = self.pattern(sub_pattern, bound);
                            self.expect(
                                &field_type,
                                &found,
                                &sub_pattern.span(),
                                &format!("field `{}`", name.text),
                            );
                        }
                        None => bound.push((name.clone(), field_type)),
                    }
                }
                record_type
            }
            Pattern::Cons(head, tail, _) => {
                let head_type = self.pattern(head, bound);
                let tail_type = self.pattern(tail, bound);
                let list = list_of(head_type);
                self.expect(&list, &tail_type, &tail.span(), "the tail of `::`");
                list
            }
            Pattern::List(items, _) => {
                let element = self.table.fresh_type();
                for item in items {
                    let found = self.pattern(item, bound);
                    self.expect(&element, &found, &item.span(), "this list element");
                }
                list_of(element)
            }
            Pattern::Annotated(inner, annotation, _) => {
                let mut scope = TypeScope {
                    open: true,
                    ..TypeScope::default()
                };
                let expected = self.resolve_type(annotation, &mut scope);
                let found = self.pattern(inner, bound);
                self.expect(&expected, &found, &inner.span(), "this pattern");
                expected
            }
            Pattern::Or(alternatives, _) => {
                let ty = self.table.fresh_type();
                let mut first_bound: Option<Vec<(Name, Type)>> = None;
                for alternative in alternatives {
                    let mut alternative_bound = Vec::new();
                    let found = self.pattern(alternative, &mut alternative_bound);
                    self.expect(&ty, &found, &alternative.span(), "this alternative");
                    match &first_bound {
                        None => first_bound = Some(alternative_bound),
                        Some(first) => {
                            for (name, found) in &alternative_bound {
                                if let Some((_, expected)) =
                                    first.iter().find(|(other, _)| other.text == name.text)
                                {
                                    let expected = expected.clone();
                                    self.expect(
                                        &expected,
                                        found,
                                        &name.span,
                                        &format!("`{}`", name.text),
                                    );
                                }
                            }
                        }
                    }
                }
                bound.extend(first_bound.unwrap_or_default());
                ty
            }
        }
    }
}
