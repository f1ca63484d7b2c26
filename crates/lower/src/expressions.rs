//! Expressions to A-normal form: [`Lowerer::lower_value`] appends the
//! `let`s that compute an expression to a [`Sequence`] and returns the
//! atom holding its value; [`Lowerer::lower_tail`] makes the term whose
//! value is the expression's, with calls and resumes in tail position
//! left as tail calls and tail resumes.
//!
//! Evaluation order is left to right: a function before its arguments,
//! fields in the order written.

use cml_ir::{Atom, ObjectKind, Primitive, Runtime, Span, Term, Value};
use cml_syntax::ast::{self, BinaryOperator, Expr, LiteralValue, UnaryOperator};

use crate::builder::Sequence;
use crate::patterns::ArmSource;
use crate::{function_shape, Lowerer};

impl Lowerer<'_> {
    /// The term whose value is `expr`'s.
    pub(crate) fn lower_tail(&mut self, expr: &Expr) -> Term {
        let mut sequence = Sequence::default();
        let tail = self.tail_into(expr, &mut sequence);
        sequence.finish(tail)
    }

    fn tail_into(&mut self, expr: &Expr, sequence: &mut Sequence) -> Term {
        match expr {
            Expr::Annotated(inner, _, _) | Expr::Unsafe(inner, _) => {
                self.tail_into(inner, sequence)
            }
            Expr::If {
                condition,
                then_branch,
                else_branch,
                ..
            } => {
                let condition = self.lower_value(condition, sequence);
                let then_branch = self.lower_tail(then_branch);
                let else_branch = match else_branch {
                    Some(branch) => self.lower_tail(branch),
                    None => Term::Return(Atom::Unit),
                };
                Term::If {
                    condition,
                    then_branch: Box::new(then_branch),
                    else_branch: Box::new(else_branch),
                }
            }
            Expr::Let {
                recursive,
                bindings,
                body,
                ..
            } => {
                let mark = self.scopes.mark();
                self.lower_let_bindings(*recursive, bindings, sequence);
                let term = self.tail_into(body, sequence);
                self.scopes.truncate(mark);
                term
            }
            Expr::Sequence(first, second, _) => {
                self.discard(first, sequence);
                self.tail_into(second, sequence)
            }
            Expr::Match {
                scrutinee,
                arms,
                span,
            } => {
                let scrutinee = self.lower_value(scrutinee, sequence);
                let arms: Vec<ArmSource> = arms
                    .iter()
                    .map(|arm| ArmSource {
                        pattern: &arm.pattern,
                        guard: arm.guard.as_ref(),
                        body: &arm.body,
                    })
                    .collect();
                self.lower_match(scrutinee, &arms, span)
            }
            Expr::Binary(BinaryOperator::And, left, right, _) => {
                let condition = self.lower_value(left, sequence);
                Term::If {
                    condition,
                    then_branch: Box::new(self.lower_tail(right)),
                    else_branch: Box::new(Term::Return(Atom::Bool(false))),
                }
            }
            Expr::Binary(BinaryOperator::Or, left, right, _) => {
                let condition = self.lower_value(left, sequence);
                Term::If {
                    condition,
                    then_branch: Box::new(Term::Return(Atom::Bool(true))),
                    else_branch: Box::new(self.lower_tail(right)),
                }
            }
            Expr::Apply {
                function,
                arguments,
                span,
            } => {
                let value = self.lower_apply(function, arguments, span, sequence);
                self.value_to_tail(value, span, sequence)
            }
            Expr::With {
                handler,
                body,
                span,
            } => {
                let value = self.lower_with(handler, body, span, sequence);
                self.value_to_tail(value, span, sequence)
            }
            Expr::Resume {
                kind,
                continuation,
                value,
                ..
            } => {
                let depth = self.scopes.builders.len() - 1;
                let returns = self.clause_contexts.last().is_some_and(|context| {
                    context.tail_resumptive && context.depth == depth && context.blocks == 0
                });
                if returns {
                    return Term::Return(self.lower_value(value, sequence));
                }
                let continuation = self.lower_value(continuation, sequence);
                let value = self.lower_value(value, sequence);
                positioned(
                    &expr.span(),
                    match self.resume_route(*kind, true) {
                        ResumeRoute::Direct(shallow) => Term::TailResume {
                            shallow,
                            continuation,
                            value,
                        },
                        ResumeRoute::Run(handler) => Term::TailCall {
                            callee: handler,
                            arguments: vec![continuation, value, Atom::Int(2)],
                        },
                    },
                )
            }
            Expr::Handle {
                body,
                clauses,
                span,
            } => {
                let value = self.lower_handle(body, clauses, span, sequence);
                self.value_to_tail(value, span, sequence)
            }
            Expr::Reify(function, span) => {
                let value = self.lower_reify(function, span, sequence);
                self.value_to_tail(value, span, sequence)
            }
            _ => {
                let atom = self.lower_value(expr, sequence);
                Term::Return(atom)
            }
        }
    }

    fn value_to_tail(&mut self, value: Value, span: &Span, sequence: &mut Sequence) -> Term {
        match value {
            Value::Call { callee, arguments } => {
                positioned(span, Term::TailCall { callee, arguments })
            }
            Value::Atom(atom) => Term::Return(atom),
            other => {
                let atom = self.bind(other, span, sequence);
                Term::Return(atom)
            }
        }
    }

    /// Binds a value to a fresh local (an atom stays as it is).
    pub(crate) fn bind(&mut self, value: Value, span: &Span, sequence: &mut Sequence) -> Atom {
        match value {
            Value::Atom(atom) => atom,
            other => {
                let local = self.scopes.builder().fresh_local();
                sequence.push(Some(local), other, Some(span.clone()));
                Atom::Local(local)
            }
        }
    }

    /// Evaluates `expr` for its effects only.
    pub(crate) fn discard(&mut self, expr: &Expr, sequence: &mut Sequence) {
        let value = match expr {
            Expr::Apply {
                function,
                arguments,
                span,
            } => self.lower_apply(function, arguments, span, sequence),
            Expr::Perform { .. } | Expr::Assign { .. } => {
                match self.lower_effect_value(expr, sequence) {
                    Some(value) => value,
                    None => return,
                }
            }
            _ => {
                self.lower_value(expr, sequence);
                return;
            }
        };
        if !matches!(value, Value::Atom(_)) {
            sequence.push(None, value, Some(expr.span()));
        }
    }

    /// The value of a `perform` or an assignment, not yet bound.
    fn lower_effect_value(&mut self, expr: &Expr, sequence: &mut Sequence) -> Option<Value> {
        match expr {
            Expr::Perform {
                operation,
                argument,
                extra_arguments,
                span,
            } => {
                let arity = self.operation_arity(operation);
                let given = usize::from(argument.is_some()) + extra_arguments.len();
                if let Some(argument) = argument
                    .as_ref()
                    .filter(|_| self.is_allocation_operation(operation))
                {
                    if let Some(request) = self.pack_written_request(argument, span, sequence) {
                        return Some(Value::Perform {
                            effect: cml_ir::MEM_ALLOC,
                            argument: request,
                        });
                    }
                }
                let argument = if arity >= 2 || !extra_arguments.is_empty() {
                    // Several arguments travel as one tuple.
                    if given != arity {
                        self.unsupported(
                            "a `perform` of an operation of several arguments with fewer or more than all of them",
                            span.clone(),
                        );
                        return None;
                    }
                    let mut fields = Vec::new();
                    for expr in argument.iter().map(|a| a.as_ref()).chain(extra_arguments) {
                        fields.push(self.lower_value(expr, sequence));
                    }
                    let value = Value::Allocate {
                        kind: ObjectKind::Record,
                        fields,
                    };
                    self.bind(value, span, sequence)
                } else {
                    match argument {
                        Some(argument) => self.lower_value(argument, sequence),
                        None => Atom::Unit,
                    }
                };
                let (_, effect) = self.operation(operation)?;
                let argument = if crate::memory::is_allocation(effect) {
                    // The request travels as one INT (`crate::memory`).
                    self.pack_allocation_request(argument, span, sequence)
                } else {
                    argument
                };
                Some(Value::Perform { effect, argument })
            }
            Expr::Assign {
                target,
                field,
                value,
                ..
            } => {
                let object = self.lower_value(target, sequence);
                let value = self.lower_value(value, sequence);
                let path = self.field_index(field)?;
                let object = self.follow_path(object, &path, &field.span, sequence);
                Some(Value::SetField {
                    object,
                    index: path.last().copied().unwrap_or(0),
                    value,
                })
            }
            _ => None,
        }
    }

    /// The local `let` bindings of an expression, bound in scope.
    pub(crate) fn lower_let_bindings(
        &mut self,
        recursive: bool,
        bindings: &[ast::Binding],
        sequence: &mut Sequence,
    ) {
        if bindings
            .iter()
            .all(|binding| function_shape(binding).is_some())
        {
            self.lower_local_functions(recursive, bindings, sequence);
            return;
        }
        for binding in bindings {
            if binding.mutable {
                // A cell (a one-field record) that reads and `x <- v` go
                // through; captured like any variable, so closures share it.
                let Some(name) = crate::pattern_name(&binding.pattern) else {
                    self.unsupported("`let mutable` with a pattern", binding.span.clone());
                    continue;
                };
                let name = name.to_string();
                let value = self.lower_value(&binding.body, sequence);
                let local = self.scopes.bind_local(&name, None);
                sequence.push(
                    Some(local),
                    Value::Allocate {
                        kind: ObjectKind::Record,
                        fields: vec![value],
                    },
                    Some(binding.span.clone()),
                );
                if let Some(variable) = self.scopes.lookup(&name) {
                    self.mutable_cells.insert(variable.key);
                }
                continue;
            }
            if recursive {
                self.unsupported(
                    "`let rec` of a value that is not a function",
                    binding.span.clone(),
                );
                continue;
            }
            let atom = self.lower_value(&binding.body, sequence);
            self.bind_irrefutable(&binding.pattern, atom, sequence);
        }
    }

    /// Appends the computation of `expr` and returns the atom of its value.
    pub(crate) fn lower_value(&mut self, expr: &Expr, sequence: &mut Sequence) -> Atom {
        let span = expr.span();
        match expr {
            Expr::Literal(literal) => self.literal(&literal.value),
            Expr::Annotated(inner, _, _) | Expr::Unsafe(inner, _) => {
                self.lower_value(inner, sequence)
            }
            Expr::Variable(path) => match self.resolve_name(path) {
                Some(variable) if self.fresh_values.contains(&path.dotted()) => {
                    let callee = self.variable_atom(&variable, &span, sequence);
                    let call = Value::Call {
                        callee,
                        arguments: vec![Atom::Unit],
                    };
                    self.bind(call, &span, sequence)
                }
                Some(variable) if self.mutable_cells.contains(&variable.key) => {
                    let cell = self.variable_atom(&variable, &span, sequence);
                    self.bind(
                        Value::Field {
                            object: cell,
                            index: 0,
                        },
                        &span,
                        sequence,
                    )
                }
                Some(variable) => self.variable_value(&variable, &span, sequence),
                None => Atom::Unit,
            },
            Expr::Constructor(path) => {
                let value = self.lower_construction(path, &[], &span, sequence);
                self.bind(value, &span, sequence)
            }
            Expr::Apply {
                function,
                arguments,
                ..
            } => {
                let value = self.lower_apply(function, arguments, &span, sequence);
                self.bind(value, &span, sequence)
            }
            Expr::Lambda {
                parameters, body, ..
            } => self.lower_lambda(parameters, body, &span, sequence),
            Expr::Let {
                recursive,
                bindings,
                body,
                ..
            } => {
                let mark = self.scopes.mark();
                self.lower_let_bindings(*recursive, bindings, sequence);
                let atom = self.lower_value(body, sequence);
                self.scopes.truncate(mark);
                atom
            }
            Expr::If { .. }
            | Expr::Match { .. }
            | Expr::Binary(BinaryOperator::And | BinaryOperator::Or, _, _, _) => {
                let term = self.lower_block(expr);
                self.bind(Value::Block(Box::new(term)), &span, sequence)
            }
            Expr::Sequence(first, second, _) => {
                self.discard(first, sequence);
                self.lower_value(second, sequence)
            }
            Expr::Tuple(elements, _) => {
                let fields = elements
                    .iter()
                    .map(|element| self.lower_value(element, sequence))
                    .collect();
                self.bind(
                    Value::Allocate {
                        kind: ObjectKind::Record,
                        fields,
                    },
                    &span,
                    sequence,
                )
            }
            Expr::List(elements, _) => self.lower_list(elements, &span, sequence),
            Expr::Record { fields, .. } => self.lower_record(fields, &span, sequence),
            Expr::RecordUpdate { base, fields, .. } => {
                self.lower_record_update(base, fields, &span, sequence)
            }
            Expr::Field(object, field, _) => {
                let object = self.lower_value(object, sequence);
                match self.field_index(field) {
                    Some(path) => self.read_path(object, &path, &span, sequence),
                    None => Atom::Unit,
                }
            }
            Expr::Perform { .. } | Expr::Assign { .. } => {
                match self.lower_effect_value(expr, sequence) {
                    Some(value) => self.bind(value, &span, sequence),
                    None => Atom::Unit,
                }
            }
            Expr::Binary(operator, left, right, _) => {
                self.lower_binary(*operator, left, right, &span, sequence)
            }
            Expr::Unary(operator, operand, _) => {
                let operand = self.lower_value(operand, sequence);
                let value = match operator {
                    UnaryOperator::Negate => {
                        Value::Primitive(Primitive::Subtract, vec![Atom::Int(0), operand])
                    }
                    UnaryOperator::Not => Value::Primitive(Primitive::Not, vec![operand]),
                    UnaryOperator::Deref => Value::Field {
                        object: operand,
                        index: 0,
                    },
                };
                self.bind(value, &span, sequence)
            }
            Expr::Resume {
                kind,
                continuation,
                value,
                ..
            } => {
                let continuation = self.lower_value(continuation, sequence);
                let value = self.lower_value(value, sequence);
                let resume = match self.resume_route(*kind, false) {
                    ResumeRoute::Direct(shallow) => Value::Resume {
                        shallow,
                        continuation,
                        value,
                    },
                    ResumeRoute::Run(handler) => Value::Call {
                        callee: handler,
                        arguments: vec![continuation, value, Atom::Int(2)],
                    },
                };
                self.bind(resume, &span, sequence)
            }
            Expr::Handler(clauses, _) => {
                self.lower_handler_literal(clauses, &span, sequence, false)
            }
            Expr::With { handler, body, .. } => {
                let value = self.lower_with(handler, body, &span, sequence);
                self.bind(value, &span, sequence)
            }
            Expr::Handle { body, clauses, .. } => {
                let value = self.lower_handle(body, clauses, &span, sequence);
                self.bind(value, &span, sequence)
            }
            Expr::WithRegion { region, body, .. } if self.allocation_performs => {
                self.lower_region(region, body, &span, sequence)
            }
            Expr::WithRegion { region, body, .. } => {
                // Unreachable while a `with region` makes allocation
                // perform (`crate::memory`); kept as the plain scope.
                let mark = self.scopes.mark();
                let local = self.scopes.bind_local(&region.text, None);
                sequence.push(Some(local), Value::Atom(Atom::Unit), Some(span.clone()));
                let value = self.lower_value(body, sequence);
                self.scopes.truncate(mark);
                value
            }
            Expr::Loop(body, _) => self.lower_loop(body, &span, sequence),
            Expr::Reify(function, _) => {
                let value = self.lower_reify(function, &span, sequence);
                self.bind(value, &span, sequence)
            }
            Expr::AssignVariable {
                variable, value, ..
            } => {
                let cell = self
                    .scopes
                    .lookup(&variable.text)
                    .filter(|found| self.mutable_cells.contains(&found.key));
                let Some(cell) = cell else {
                    return self.unsupported_atom("assignment to this variable", span);
                };
                let object = self.variable_atom(&cell, &span, sequence);
                let value = self.lower_value(value, sequence);
                sequence.push(
                    None,
                    Value::SetField {
                        object,
                        index: 0,
                        value,
                    },
                    Some(span.clone()),
                );
                Atom::Unit
            }
            Expr::Error(_) => Atom::Unit,
        }
    }

    /// How a `resume k v` / `invoke k v` continues (`docs/backend.md`,
    /// "resume and invoke"): `invoke` continues as captured (RESUS) except
    /// in a deep handler's clause, where it is `resume`. `resume` is RESU
    /// directly when it is its clause's last act (the clause runs at the
    /// prompt, so the reinstalled frames' prompt is the same and the
    /// body's return reaches the run routine); elsewhere in a clause (not
    /// last, or in a function inside it) it calls the handler's run
    /// routine in mode 2, which RESUs under a frame of its own so that
    /// the body's return is uninstalled and given the return clause.
    /// Outside every clause, RESU and the value as it comes.
    fn resume_route(&mut self, kind: ast::ResumeKind, tail: bool) -> ResumeRoute {
        if kind == ast::ResumeKind::Invoke && self.invoke_is_shallow() {
            return ResumeRoute::Direct(true);
        }
        let depth = self.scopes.builders.len() - 1;
        let Some(context) = self.clause_contexts.last().copied() else {
            return ResumeRoute::Direct(false);
        };
        if tail && context.depth == depth && context.blocks == 0 {
            return ResumeRoute::Direct(false);
        }
        let variable = crate::builder::Variable {
            key: context.handler,
            kind: crate::builder::VarKind::Local,
            arity: None,
        };
        ResumeRoute::Run(self.scopes.atom_at(&variable, depth))
    }

    /// A non-tail `if`, `match` or `&&`/`||` as a term whose returns give
    /// its value (not a tail position of the function).
    fn lower_block(&mut self, expr: &Expr) -> Term {
        let depth = self.scopes.builders.len() - 1;
        let in_clause = self
            .clause_contexts
            .last()
            .is_some_and(|context| context.depth == depth);
        if in_clause {
            if let Some(context) = self.clause_contexts.last_mut() {
                context.blocks += 1;
            }
        }
        let term = self.lower_tail(expr);
        if in_clause {
            if let Some(context) = self.clause_contexts.last_mut() {
                context.blocks -= 1;
            }
        }
        term
    }

    pub(crate) fn unsupported_atom(&mut self, what: &str, span: Span) -> Atom {
        self.unsupported(what, span);
        Atom::Unit
    }

    fn literal(&mut self, value: &LiteralValue) -> Atom {
        match value {
            LiteralValue::Integer(number) => Atom::Int((*number as u16) as i16),
            LiteralValue::Char(byte) => Atom::Int(*byte as i16),
            LiteralValue::String(text) => Atom::String(self.string(text.as_bytes())),
            LiteralValue::Bool(value) => Atom::Bool(*value),
            LiteralValue::Unit => Atom::Unit,
        }
    }

    fn lower_binary(
        &mut self,
        operator: BinaryOperator,
        left: &Expr,
        right: &Expr,
        span: &Span,
        sequence: &mut Sequence,
    ) -> Atom {
        let immediate = is_immediate(left) || is_immediate(right);
        let a = self.lower_value(left, sequence);
        let b = self.lower_value(right, sequence);
        let primitive = |primitive, a, b| Value::Primitive(primitive, vec![a, b]);
        let value = match operator {
            BinaryOperator::Add => primitive(Primitive::Add, a, b),
            BinaryOperator::Subtract => primitive(Primitive::Subtract, a, b),
            BinaryOperator::Multiply => primitive(Primitive::Multiply, a, b),
            BinaryOperator::Divide => primitive(Primitive::Divide, a, b),
            BinaryOperator::Modulo => primitive(Primitive::Remainder, a, b),
            BinaryOperator::BitAnd => primitive(Primitive::BitAnd, a, b),
            BinaryOperator::BitOr => primitive(Primitive::BitOr, a, b),
            BinaryOperator::BitXor => primitive(Primitive::BitXor, a, b),
            BinaryOperator::ShiftLeft => primitive(Primitive::ShiftLeft, a, b),
            BinaryOperator::ShiftRight => primitive(Primitive::ShiftRight, a, b),
            BinaryOperator::Less => primitive(Primitive::Less, a, b),
            BinaryOperator::Greater => primitive(Primitive::Less, b, a),
            BinaryOperator::LessEqual => {
                let less = self.bind(primitive(Primitive::Less, b, a), span, sequence);
                Value::Primitive(Primitive::Not, vec![less])
            }
            BinaryOperator::GreaterEqual => {
                let less = self.bind(primitive(Primitive::Less, a, b), span, sequence);
                Value::Primitive(Primitive::Not, vec![less])
            }
            BinaryOperator::Equal | BinaryOperator::NotEqual => {
                let equal = if immediate {
                    primitive(Primitive::Equal, a, b)
                } else {
                    Value::Runtime(Runtime::Equal, vec![a, b])
                };
                if operator == BinaryOperator::Equal {
                    equal
                } else {
                    let equal = self.bind(equal, span, sequence);
                    Value::Primitive(Primitive::Not, vec![equal])
                }
            }
            BinaryOperator::Concat => Value::Runtime(Runtime::Concat, vec![a, b]),
            BinaryOperator::Cons => match self.list_constructors() {
                Some((_, cons)) => Value::Allocate {
                    kind: ObjectKind::Sum(cons),
                    fields: vec![a, b],
                },
                None => return Atom::Unit,
            },
            BinaryOperator::SetRef => Value::SetField {
                object: a,
                index: 0,
                value: b,
            },
            BinaryOperator::And | BinaryOperator::Or => unreachable!("lowered as a branch"),
        };
        self.bind(value, span, sequence)
    }

    /// The variants of `Nil` and `Cons`.
    pub(crate) fn list_constructors(&mut self) -> Option<(u8, u8)> {
        let nil = self
            .declarations
            .constructors
            .get("Nil")
            .map(|info| info.index as u8);
        let cons = self
            .declarations
            .constructors
            .get("Cons")
            .map(|info| info.index as u8);
        match (nil, cons) {
            (Some(nil), Some(cons)) => Some((nil, cons)),
            _ => {
                self.errors.push(crate::LowerError {
                    message: "list syntax needs the constructors `Nil` and `Cons`".into(),
                    span: None,
                    hint: None,
                });
                None
            }
        }
    }

    fn lower_list(&mut self, elements: &[Expr], span: &Span, sequence: &mut Sequence) -> Atom {
        let Some((nil, cons)) = self.list_constructors() else {
            return Atom::Unit;
        };
        let atoms: Vec<Atom> = elements
            .iter()
            .map(|element| self.lower_value(element, sequence))
            .collect();
        let mut list = Atom::Constant(nil);
        for atom in atoms.into_iter().rev() {
            let value = Value::Allocate {
                kind: ObjectKind::Sum(cons),
                fields: vec![atom, list],
            };
            list = self.bind(value, span, sequence);
        }
        list
    }

    /// Where a record field is: the slots to follow, the last one its own
    /// (one step unless the record has more than 7 fields).
    pub(crate) fn field_index(&mut self, field: &ast::Name) -> Option<Vec<usize>> {
        match self.field_position(&field.text) {
            Ok(path) => Some(path),
            Err(what) => {
                self.unsupported(&what, field.span.clone());
                None
            }
        }
    }

    /// The fields, in declaration order, of the record type declaring `field`.
    pub(crate) fn record_fields_of(&self, field: &str) -> Option<Vec<String>> {
        let type_name = self.declarations.fields.get(field)?;
        let fields = self.declarations.records.get(type_name)?;
        Some(fields.iter().map(|info| info.name.clone()).collect())
    }
}

/// Where a `resume`/`invoke` goes.
enum ResumeRoute {
    /// RESU (`false`) or RESUS (`true`) of the continuation itself.
    Direct(bool),
    /// A call of the handler closure's run routine in mode 2.
    Run(Atom),
}

/// Whether an expression visibly has an immediate type (`int`, `bool`,
/// `char`, `unit`), so that `==` on it compares values.
fn is_immediate(expr: &Expr) -> bool {
    match expr {
        Expr::Literal(literal) => !matches!(literal.value, LiteralValue::String(_)),
        Expr::Annotated(inner, _, _) => is_immediate(inner),
        Expr::Unary(UnaryOperator::Negate | UnaryOperator::Not, _, _) => true,
        Expr::Binary(operator, _, _, _) => !matches!(
            operator,
            BinaryOperator::Concat | BinaryOperator::Cons | BinaryOperator::SetRef
        ),
        _ => false,
    }
}

/// `term` marked with the source position of `span` (a `Let` that
/// computes nothing: codegen gives it a source comment and a debug
/// label, so a fault in a tail call or tail resume names its line).
fn positioned(span: &Span, term: Term) -> Term {
    Term::Let {
        local: None,
        value: Value::Atom(Atom::Unit),
        span: Some(span.clone()),
        body: Box::new(term),
    }
}
