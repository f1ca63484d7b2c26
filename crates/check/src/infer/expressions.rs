//! Inference for each expression form that is not about binding or
//! handlers: literals (with the 16-bit range check of gap 14), variables
//! and qualified paths, constructors with their arity, application,
//! control flow, tuples, lists, assignment, operators, `loop`, `unsafe`
//! and annotations (records and fields are in `records.rs`).
//!
//! Construction allocates (`docs/cml-types.md`, "Allocation adds `Mem`"):
//! a tuple, a record, a constructor with fields, a list cell. Example:
//! `Cons (1, Nil)` instantiates `Cons : a * list a`, spreads the tuple over
//! the two fields (`1 : int` fixes `a := int`, `Nil : list int`), adds
//! `Mem` to the current row and has type `list int`.

use cml_syntax::ast::{Expr, Literal, LiteralValue, Path, Span, UnaryOperator};
use cml_types::{Label, Row, Type};

use super::env::instantiate;
use super::Inferencer;
use crate::error::CheckError;
use crate::resolve::{Resolver, TypeScope};

/// The list type of `element`.
pub fn list_of(element: Type) -> Type {
    Type::Constructor("list".to_string(), vec![element])
}

/// The `ref` cell type of `content`.
pub fn ref_of(content: Type) -> Type {
    Type::Constructor("ref".to_string(), vec![content])
}

/// Whether an integer literal fits 16 bits. Decimal literals must lie in
/// -32768..=32767; hexadecimal and binary ones may be any 16-bit pattern.
/// The syntax tree keeps only the value, so a literal counts as decimal
/// when its text is as long as the value's decimal digits.
pub fn integer_fits(value: i64, span: &Span) -> bool {
    if (-32768..=32767).contains(&value) {
        return true;
    }
    let decimal_length = value.unsigned_abs().to_string().len() + usize::from(value < 0);
    (32768..=65535).contains(&value) && span.len() != decimal_length
}

impl Inferencer {
    /// Infers `operand`, which must have the base type `expected` (`int`
    /// for `-`, `bool` for `not`), and gives that type as the result.
    fn operand_of(&mut self, operand: &Expr, expected: &str, what: &str) -> Type {
        let ty = self.infer(operand);
        self.expect(&Type::named(expected), &ty, &operand.span(), what);
        Type::named(expected)
    }

    /// The type of an expression; its effects go into the current row.
    pub fn infer(&mut self, expression: &Expr) -> Type {
        match expression {
            Expr::Literal(literal) => self.literal(literal, false),
            Expr::Variable(path) => self.variable(path),
            Expr::Constructor(path) => self.constructor(path, None, &path.span),
            Expr::Apply {
                function,
                arguments,
                span,
            } => self.apply(function, arguments, span),
            Expr::Lambda {
                parameters,
                body,
                span,
            } => self.lambda(parameters, body, span),
            Expr::Let {
                recursive,
                bindings,
                body,
                ..
            } => {
                let mark = self.env.mark();
                self.let_bindings(*recursive, bindings, false);
                let ty = self.infer(body);
                self.env.truncate(mark);
                ty
            }
            Expr::If {
                condition,
                then_branch,
                else_branch,
                span,
            } => {
                let condition_type = self.infer(condition);
                self.expect(
                    &Type::named("bool"),
                    &condition_type,
                    &condition.span(),
                    "the condition",
                );
                let then_type = self.infer(then_branch);
                match else_branch {
                    Some(else_branch) => {
                        let else_type = self.infer(else_branch);
                        self.expect(
                            &then_type,
                            &else_type,
                            &else_branch.span(),
                            "the `else` branch",
                        );
                        then_type
                    }
                    None => {
                        self.expect(
                            &Type::named("unit"),
                            &then_type,
                            span,
                            "an `if` without `else`",
                        );
                        then_type
                    }
                }
            }
            Expr::Match {
                scrutinee,
                arms,
                span,
            } => {
                let scrutinee_type = self.infer(scrutinee);
                self.matches.push(super::RecordedMatch {
                    kind: super::MatchKind::Match,
                    scrutinee_type: scrutinee_type.clone(),
                    arms: arms
                        .iter()
                        .map(|arm| (arm.pattern.clone(), arm.guard.is_some(), arm.span.clone()))
                        .collect(),
                    span: span.clone(),
                });
                let result = self.table.fresh_type();
                for arm in arms {
                    let mark = self.env.mark();
                    self.bind_pattern(&arm.pattern, &scrutinee_type, false);
                    if let Some(guard) = &arm.guard {
                        let guard_type = self.infer(guard);
                        self.expect(
                            &Type::named("bool"),
                            &guard_type,
                            &guard.span(),
                            "the `when` guard",
                        );
                    }
                    let body = self.infer(&arm.body);
                    self.expect(&result, &body, &arm.body.span(), "this arm");
                    self.env.truncate(mark);
                }
                result
            }
            Expr::Sequence(first, second, _) => {
                self.infer(first);
                self.infer(second)
            }
            Expr::Tuple(items, span) => {
                let types: Vec<Type> = items.iter().map(|item| self.infer(item)).collect();
                match types.len() {
                    0 => Type::named("unit"),
                    1 => types.into_iter().next().expect("one item"),
                    _ => {
                        self.allocate(span);
                        Type::Tuple(types)
                    }
                }
            }
            Expr::List(items, span) => {
                let element = self.table.fresh_type();
                for item in items {
                    let item_type = self.infer(item);
                    self.expect(&element, &item_type, &item.span(), "this list element");
                }
                if !items.is_empty() {
                    self.allocate(span);
                }
                list_of(element)
            }
            Expr::Record { fields, span } => self.record(fields, span),
            Expr::RecordUpdate { base, fields, span } => {
                let base_type = self.infer(base);
                for (name, value) in fields {
                    let value_type = self.infer(value);
                    if let Some((_, field_type)) = self.field_of(&base_type, name, &base.span()) {
                        self.expect(
                            &field_type,
                            &value_type,
                            &value.span(),
                            &format!("the new `{}`", name.text),
                        );
                    }
                }
                self.allocate(span);
                base_type
            }
            Expr::Field(record, name, _) => {
                let record_type = self.infer(record);
                match self.field_of(&record_type, name, &record.span()) {
                    Some((_, field_type)) => field_type,
                    None => self.table.fresh_type(),
                }
            }
            Expr::Assign {
                target,
                field,
                value,
                span,
            } => {
                let record_type = self.infer(target);
                let value_type = self.infer(value);
                if let Some((info, field_type)) = self.field_of(&record_type, field, &target.span())
                {
                    if !info.mutable {
                        self.report(CheckError::ImmutableField {
                            field: field.text.clone(),
                            type_name: info.type_name.clone(),
                            span: span.clone(),
                        });
                    }
                    self.expect(
                        &field_type,
                        &value_type,
                        &value.span(),
                        &format!("the new `{}`", field.text),
                    );
                }
                Type::named("unit")
            }
            Expr::AssignVariable {
                variable,
                value,
                span,
            } => {
                let value_type = self.infer(value);
                match self.env.lookup(&variable.text).cloned() {
                    Some(entry) => {
                        if !entry.mutable {
                            self.report(CheckError::ImmutableVariable {
                                name: variable.text.clone(),
                                span: span.clone(),
                            });
                        }
                        let ty = instantiate(&mut self.table, &entry.scheme);
                        self.expect(
                            &ty,
                            &value_type,
                            &value.span(),
                            &format!("the new `{}`", variable.text),
                        );
                    }
                    None => self.unbound(&variable.text, &variable.span),
                }
                Type::named("unit")
            }
            Expr::Binary(operator, left, right, span) => self.binary(*operator, left, right, span),
            Expr::Unary(UnaryOperator::Negate, operand, span) => {
                if let Expr::Literal(
                    literal @ Literal {
                        value: LiteralValue::Integer(_),
                        ..
                    },
                ) = operand.as_ref()
                {
                    let negated = Literal {
                        value: literal.value.clone(),
                        span: span.clone(),
                    };
                    return self.literal(&negated, true);
                }
                self.operand_of(operand, "int", "the operand of `-`")
            }
            Expr::Unary(UnaryOperator::Not, operand, _) => {
                self.operand_of(operand, "bool", "the operand of `not`")
            }
            Expr::Unary(UnaryOperator::Deref, operand, _) => {
                let ty = self.infer(operand);
                let content = self.table.fresh_type();
                self.expect(
                    &ref_of(content.clone()),
                    &ty,
                    &operand.span(),
                    "the operand of `!`",
                );
                content
            }
            Expr::Perform {
                operation,
                argument,
                extra_arguments,
                span,
            } => {
                let mut arguments: Vec<&Expr> =
                    argument.iter().map(|argument| argument.as_ref()).collect();
                arguments.extend(extra_arguments.iter());
                self.perform(operation, &arguments, span)
            }
            Expr::Resume {
                kind,
                continuation,
                value,
                span,
            } => self.resume(*kind, continuation, value, span),
            Expr::Reify(body, span) => self.reify(body, span),
            Expr::Handler(clauses, span) => self.handler_literal(clauses, span, None),
            Expr::Handle {
                body,
                clauses,
                span,
            } => self.handle(body, clauses, span),
            Expr::With {
                handler,
                body,
                span,
            } => self.with_handler(handler, body, span),
            Expr::WithRegion { region, body, span } => self.with_region(region, body, span),
            Expr::Unsafe(body, span) => {
                self.perform_effect(
                    Label {
                        effect: "Unsafe".to_string(),
                        arguments: Vec::new(),
                    },
                    span,
                );
                self.unsafe_depth += 1;
                let ty = self.infer(body);
                self.unsafe_depth -= 1;
                ty
            }
            Expr::Loop(body, _) => {
                let ty = self.infer(body);
                self.expect(
                    &Type::named("unit"),
                    &ty,
                    &body.span(),
                    "the body of `loop`",
                );
                self.table.fresh_type()
            }
            Expr::Annotated(inner, annotation, _) => {
                let mut scope = TypeScope {
                    open: true,
                    ..TypeScope::default()
                };
                let expected = self.resolve_type(annotation, &mut scope);
                let found = self.infer(inner);
                self.expect(&expected, &found, &inner.span(), "this expression");
                expected
            }
            Expr::Error(_) => self.table.fresh_type(),
        }
    }

    /// Resolves a written type.
    pub fn resolve_type(
        &mut self,
        annotation: &cml_syntax::ast::TypeExpr,
        scope: &mut TypeScope,
    ) -> Type {
        let mut resolver = Resolver {
            declarations: &self.declarations,
            table: &mut self.table,
            errors: &mut self.errors,
        };
        resolver.resolve(annotation, scope)
    }

    /// A literal's type, after the range check.
    pub fn literal(&mut self, literal: &Literal, negated: bool) -> Type {
        match &literal.value {
            LiteralValue::Integer(value) => {
                let value = if negated { -value } else { *value };
                if !integer_fits(value, &literal.span) {
                    self.report(CheckError::IntegerOutOfRange {
                        value,
                        span: literal.span.clone(),
                    });
                }
                Type::named("int")
            }
            LiteralValue::Char(_) => Type::named("byte"),
            LiteralValue::String(_) => Type::named("string"),
            LiteralValue::Bool(_) => Type::named("bool"),
            LiteralValue::Unit => Type::named("unit"),
        }
    }

    /// Reports an unbound name with a suggestion.
    pub fn unbound(&mut self, name: &str, span: &Span) {
        let suggestion = Self::suggest(name, self.env.names());
        self.report(CheckError::UnboundName {
            name: name.to_string(),
            span: span.clone(),
            suggestion,
        });
    }

    /// A use, inside its recursive group, of a function defined with
    /// `arity` parameters, whose type is monomorphic until the group is
    /// generalised: the rows of its first `arity - 1` arrows are replaced
    /// by fresh ones. Those rows are fresh in the definition
    /// ([`Inferencer::function`]: applying a defined function to fewer
    /// arguments builds a closure and performs nothing), so each use may
    /// choose them, as it does after generalisation; without this, every
    /// call in the group would tie them to the caller's row.
    fn free_partial_rows(&mut self, ty: Type, arity: usize) -> Type {
        if arity <= 1 {
            return ty;
        }
        match self.table.shallow(&ty) {
            Type::Function(parameter, result, row) => {
                let result = self.free_partial_rows(*result, arity - 1);
                let row = match self.table.shallow_row(&row) {
                    Row::Var(_) => self.table.fresh_row(),
                    other => other,
                };
                Type::Function(parameter, Box::new(result), row)
            }
            other => other,
        }
    }

    /// A variable's or qualified value's type.
    pub fn variable(&mut self, path: &Path) -> Type {
        if path.segments.len() > 1 {
            let module = path.segments[..path.segments.len() - 1]
                .iter()
                .map(|name| name.text.as_str())
                .collect::<Vec<_>>()
                .join(".");
            let member = &path.last().text;
            let found = self
                .env
                .modules
                .get(&module)
                .and_then(|members| members.get(member))
                .cloned();
            return match found {
                Some(scheme) => instantiate(&mut self.table, &scheme),
                None => {
                    let suggestion = self.env.modules.get(&module).and_then(|members| {
                        Self::suggest(member, members.keys().map(String::as_str))
                            .map(|similar| format!("{module}.{similar}"))
                    });
                    self.report(CheckError::UnboundName {
                        name: path.dotted(),
                        span: path.span.clone(),
                        suggestion,
                    });
                    self.table.fresh_type()
                }
            };
        }
        let name = &path.last().text;
        if name.starts_with("__") && self.unsafe_depth == 0 {
            self.report(CheckError::PrimitiveOutsideUnsafe {
                name: name.clone(),
                span: path.span.clone(),
            });
        }
        match self.env.lookup(name).cloned() {
            Some(entry) => {
                if !entry.global && entry.depth < self.lambda_depth {
                    for captured in &mut self.captures[entry.depth as usize..] {
                        *captured = true;
                    }
                }
                let ty = instantiate(&mut self.table, &entry.scheme);
                if self.group_functions.contains(&entry.span) {
                    self.free_partial_rows(ty, entry.arity)
                } else {
                    ty
                }
            }
            None => {
                self.unbound(name, &path.span);
                self.table.fresh_type()
            }
        }
    }

    /// The declaration of the constructor `path` names, in an expression
    /// or a pattern; `None`, after reporting it with a similar name, if
    /// nothing declares it.
    pub fn known_constructor(
        &mut self,
        path: &Path,
    ) -> Option<crate::declarations::ConstructorInfo> {
        let name = &path.last().text;
        let info = self.declarations.constructors.get(name).cloned();
        if info.is_none() {
            let suggestion = Self::suggest(
                name,
                self.declarations.constructors.keys().map(String::as_str),
            );
            self.report(CheckError::UnknownConstructor {
                name: path.dotted(),
                span: path.span.clone(),
                suggestion,
            });
        }
        info
    }

    /// A constructor, applied to `arguments` if given (`None`: standing
    /// alone, a function if it has fields).
    pub fn constructor(&mut self, path: &Path, arguments: Option<&[Expr]>, span: &Span) -> Type {
        let name = &path.last().text;
        let Some(info) = self.known_constructor(path) else {
            for argument in arguments.unwrap_or_default() {
                self.infer(argument);
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
        let Some(arguments) = arguments else {
            // Standing alone: a curried function building the value.
            if fields.is_empty() {
                return result;
            }
            let tail = self.table.fresh_row();
            let mem = Row::Extend(
                Box::new(Label {
                    effect: "Mem".to_string(),
                    arguments: Vec::new(),
                }),
                Box::new(tail),
            );
            let mut ty = result;
            for (index, field) in fields.iter().enumerate().rev() {
                let row = if index == fields.len() - 1 {
                    mem.clone()
                } else {
                    self.table.fresh_row()
                };
                ty = Type::function(field.clone(), ty, row);
            }
            return ty;
        };
        let spread: Vec<&Expr> = match arguments {
            [Expr::Tuple(items, _)] if fields.len() > 1 && items.len() == fields.len() => {
                items.iter().collect()
            }
            _ => arguments.iter().collect(),
        };
        if spread.len() != fields.len() {
            let found = match arguments {
                [Expr::Tuple(items, _)] if fields.len() > 1 => items.len(),
                _ => spread.len(),
            };
            self.report(CheckError::ConstructorArity {
                name: path.dotted(),
                expected: fields.len(),
                found,
                span: span.clone(),
            });
            for argument in arguments {
                self.infer(argument);
            }
            return result;
        }
        for (argument, field) in spread.iter().zip(&fields) {
            let found = self.infer(argument);
            self.expect(
                field,
                &found,
                &argument.span(),
                &format!("this argument of `{name}`"),
            );
        }
        if !fields.is_empty() {
            self.allocate(span);
        }
        result
    }

    /// `function arguments...`.
    fn apply(&mut self, function: &Expr, arguments: &[Expr], span: &Span) -> Type {
        if let Expr::Constructor(path) = function {
            return self.constructor(path, Some(arguments), span);
        }
        let mut ty = self.infer(function);
        if let Expr::Variable(path) = function {
            if path.segments.len() == 1 {
                let arity = self
                    .env
                    .lookup(&path.last().text)
                    .map_or(0, |entry| entry.arity);
                if arity > arguments.len() {
                    // A partial application builds a closure.
                    self.allocate(span);
                }
            }
        }
        for (index, argument) in arguments.iter().enumerate() {
            let argument_type = self.infer(argument);
            let current = self.effect.clone();
            match self.table.shallow(&ty) {
                Type::Function(parameter, result, row) => {
                    self.expect(
                        &parameter,
                        &argument_type,
                        &argument.span(),
                        "this argument",
                    );
                    let context = self.row_context.clone();
                    self.expect_rows(&current, &row, span, &context);
                    ty = *result;
                }
                Type::Var(_) => {
                    let result = self.table.fresh_type();
                    let expected = Type::function(argument_type, result.clone(), current);
                    self.expect(&expected, &ty, &function.span(), "the function applied");
                    ty = result;
                }
                other => {
                    let found = self.show(&other);
                    let expected = if index == 0 {
                        "a function".to_string()
                    } else {
                        format!("a function of {} arguments", arguments.len())
                    };
                    self.report(CheckError::TypeMismatch {
                        expected,
                        found,
                        context: "the expression applied".to_string(),
                        span: function.span(),
                    });
                    for argument in &arguments[index + 1..] {
                        self.infer(argument);
                    }
                    return self.table.fresh_type();
                }
            }
        }
        ty
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn type_of(source: &str, name: &str) -> String {
        let parsed = cml_syntax::parse(source);
        let checked = crate::check_module(&parsed.module);
        assert!(checked.errors.is_empty(), "{:?}", checked.errors);
        checked.type_of(name).expect("defined").to_string()
    }

    /// Decimal literals stop at 32767; a hexadecimal `0xFFFF` (six
    /// characters for a five-digit value) is a bit pattern.
    #[test]
    fn sixteen_bit_literals() {
        assert!(integer_fits(32767, &(0..5)));
        assert!(integer_fits(-32768, &(0..6)));
        assert!(!integer_fits(32768, &(0..5)));
        assert!(integer_fits(65535, &(0..6)));
        assert!(!integer_fits(65536, &(0..7)));
    }

    /// `(1, true)` : `(int, bool)`, and building it allocates:
    /// `unit -> (int, bool) / {Mem | e}`.
    #[test]
    fn a_tuple_allocates() {
        assert_eq!(
            type_of("let pair () = (1, true)", "pair"),
            "unit -> (int, bool) / {Mem | e}"
        );
    }

    /// `x :: xs` with `x : a` gives `list a`, and allocates a cell.
    #[test]
    fn cons_allocates() {
        assert_eq!(
            type_of("let push x xs = x :: xs", "push"),
            "a -> list a -> list a / {Mem | e}"
        );
    }

    /// `fun y -> x + y` captures `x`, so building it allocates in `adder`;
    /// the closure itself is pure.
    #[test]
    fn a_capturing_closure_allocates() {
        assert_eq!(
            type_of("let adder x = fun y -> x + y", "adder"),
            "int -> (int -> int / e) / {Mem | e1}"
        );
    }
}
