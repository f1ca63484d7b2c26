//! Effects: `perform`, `resume`/`invoke`, `reify`, handler literals,
//! `handle ... with` (shallow) and `with h in { }` (deep) (`with region r
//! in { }` is in `regions.rs`), as `docs/cml-types.md` ("Continuations and handlers") types
//! them.
//!
//! A handler value has type `Handler(L, τin, τout, ε)`. Installing it with
//! `with h in { e }` infers `e` with the current row `⟨L | ε⟩` (Leijen
//! 2017: the handled labels in front of the outer row), so the body's
//! operations of `L` are found at the front and discharged, and the whole
//! has type `τout` with row `ε`. Example:
//!
//! ```text
//! handler<a> ref_state(init : a) = {
//!   | State.get(), k  -> resume k init  with state := init
//!   | State.put(v), k -> resume k ()    with state := v
//!   | return x        -> x }
//! ```
//!
//! `L = ⟨State t⟩` (one fresh `t` for the effect's parameter, shared by
//! both clauses). `State.get : unit -> t`, so in its clause `k : Cont(t,
//! τout, ε)` and `resume k init` forces `t ~ a`; the return clause makes
//! `τin ~ τout`. So `ref_state : a -> handler {State a} b -> b / e1 / e2`, and
//! `with ref_state 0 in { inc () }` discharges `State int` from `inc`'s row.

use cml_syntax::ast::{Clause, Expr, Name, Path, Pattern, ResumeKind, Span};
use cml_types::{Label, Row, Substitution, Type};

use super::{ClauseContext, Inferencer};
use crate::declarations::OperationInfo;
use crate::error::CheckError;

impl Inferencer {
    /// The effect and operation a path names: `E.op`, or `Op` for the
    /// operation of a one-operation effect, or an operation name declared
    /// by exactly one effect.
    pub fn lookup_operation(
        &mut self,
        path: &Path,
        report: bool,
    ) -> Option<(String, OperationInfo)> {
        let found = match path.segments.as_slice() {
            [effect, operation] => self
                .declarations
                .effects
                .get(&effect.text)
                .and_then(|info| info.operation(&operation.text))
                .map(|operation| (effect.text.clone(), operation.clone())),
            [single] => match self.declarations.effects.get(&single.text) {
                Some(info) if info.operations.len() == 1 => {
                    Some((single.text.clone(), info.operations[0].clone()))
                }
                _ => {
                    let mut matches = self.declarations.effects.values().filter_map(|info| {
                        info.operation(&single.text)
                            .map(|operation| (info.name.clone(), operation.clone()))
                    });
                    let first = matches.next();
                    if matches.next().is_some() {
                        None
                    } else {
                        first
                    }
                }
            },
            _ => None,
        };
        if found.is_none() && report {
            let mut all = Vec::new();
            for info in self.declarations.effects.values() {
                for operation in &info.operations {
                    all.push(
                        if info.operations.len() == 1 && operation.name == info.name {
                            info.name.clone()
                        } else {
                            format!("{}.{}", info.name, operation.name)
                        },
                    );
                }
            }
            let suggestion = Self::suggest(&path.dotted(), all.iter().map(String::as_str));
            self.report(CheckError::UnknownOperation {
                name: path.dotted(),
                span: path.span.clone(),
                suggestion,
            });
        }
        found
    }

    /// An operation's signature with the effect's parameters replaced by
    /// `arguments` and its own variables by fresh ones (or, with `rigid`,
    /// its own type variables by rigid constants, as in a clause).
    fn operation_signature(
        &mut self,
        effect: &str,
        operation: &OperationInfo,
        arguments: &[Type],
        rigid: bool,
    ) -> Type {
        let mut substitution = Substitution::default();
        if let Some(info) = self.declarations.effects.get(effect) {
            for (parameter, argument) in info.parameters.iter().zip(arguments) {
                substitution.types.insert(*parameter, argument.clone());
            }
        }
        for (index, variable) in operation.own_types.iter().enumerate() {
            let replacement = if rigid {
                self.table
                    .rigid_type(&format!("'{}", (b'a' + (index % 26) as u8) as char))
            } else {
                self.table.fresh_type()
            };
            substitution.types.insert(*variable, replacement);
        }
        let mut written = 0;
        for variable in &operation.own_rows {
            let replacement = if rigid && operation.written_rows.contains(variable) {
                written += 1;
                let name = if written == 1 {
                    "'e".to_string()
                } else {
                    format!("'e{}", written - 1)
                };
                self.table.rigid_row(&name)
            } else {
                self.table.fresh_row()
            };
            substitution.rows.insert(*variable, replacement);
        }
        self.table.substitute(&operation.signature, &substitution)
    }

    /// A fresh label for an effect: its parameters as fresh variables.
    fn fresh_label(&mut self, effect: &str) -> Label {
        let arity = self
            .declarations
            .effects
            .get(effect)
            .map_or(0, |info| info.arity);
        Label {
            effect: effect.to_string(),
            arguments: (0..arity).map(|_| self.table.fresh_type()).collect(),
        }
    }

    /// `perform op arguments`: the label goes into the current row.
    pub fn perform(&mut self, path: &Path, arguments: &[&Expr], span: &Span) -> Type {
        let Some((effect, operation)) = self.lookup_operation(path, true) else {
            for argument in arguments {
                self.infer(argument);
            }
            return self.table.fresh_type();
        };
        let label = self.fresh_label(&effect);
        let mut ty = self.operation_signature(&effect, &operation, &label.arguments, false);
        let mut given = 0;
        for argument in arguments {
            let argument_type = self.infer(argument);
            match self.table.shallow(&ty) {
                Type::Function(parameter, result, _) => {
                    self.expect(
                        &parameter,
                        &argument_type,
                        &argument.span(),
                        &format!("the argument of `{}`", path.dotted()),
                    );
                    ty = *result;
                    given += 1;
                }
                _ if given == 0 && is_unit(argument) => {}
                _ => {
                    let expected = arrow_count(&self.table, &operation.signature);
                    self.report(CheckError::OperationArity {
                        name: path.dotted(),
                        expected,
                        found: arguments.len(),
                        span: span.clone(),
                    });
                    break;
                }
            }
        }
        self.perform_effect(label, span);
        ty
    }

    /// `resume k v` / `invoke k v`.
    pub fn resume(
        &mut self,
        kind: ResumeKind,
        continuation: &Expr,
        value: &Expr,
        span: &Span,
    ) -> Type {
        let continuation_type = self.infer(continuation);
        let value_type = self.infer(value);
        let current = self.effect.clone();
        let context = self.row_context.clone();
        match (kind, self.clause.clone()) {
            (ResumeKind::Resume, Some(clause)) if clause.shallow => {
                // Shallow `resume` reinstalls the clauses: `Cont(τa, τin,
                // ⟨L | ε⟩)` continued under the handler gives `τout ! ε`.
                let captured = Row::from_labels(clause.labels.clone(), clause.row.clone());
                let expected = Type::Continuation(
                    Box::new(value_type),
                    Box::new(clause.input.clone()),
                    captured,
                );
                self.expect(
                    &expected,
                    &continuation_type,
                    &continuation.span(),
                    "the continuation resumed",
                );
                self.expect_rows(&current, &clause.row, span, &context);
                clause.output
            }
            (kind, clause) => {
                let answer = self.table.fresh_type();
                let row = self.table.fresh_row();
                let expected =
                    Type::Continuation(Box::new(value_type), Box::new(answer.clone()), row.clone());
                self.expect(
                    &expected,
                    &continuation_type,
                    &continuation.span(),
                    "the continuation continued",
                );
                let shallow_invoke =
                    matches!(&clause, Some(clause) if clause.shallow) && kind == ResumeKind::Invoke;
                match self.table.unify_rows(&current, &row) {
                    Err(cml_types::Mismatch::InfiniteRow(..)) if shallow_invoke => {
                        // `invoke k v` of a shallow clause's own continuation
                        // performs the handled effects again, outside the
                        // handler (`docs/cml-types.md`): the clause's row
                        // would have to contain itself.
                        let shown = cml_types::Printer::new(&self.table).row(&row);
                        self.report(CheckError::ShallowInvoke {
                            row: shown,
                            span: span.clone(),
                        });
                    }
                    Err(_) => {
                        self.expect_rows(&current, &row, span, &context);
                    }
                    Ok(()) => {}
                }
                answer
            }
        }
    }

    /// `reify e`: a continuation that runs `e ()` when first continued.
    pub fn reify(&mut self, body: &Expr, span: &Span) -> Type {
        let body_type = self.infer(body);
        let answer = self.table.fresh_type();
        let row = self.table.fresh_row();
        let expected = Type::function(Type::named("unit"), answer.clone(), row.clone());
        self.expect(
            &expected,
            &body_type,
            &body.span(),
            "the computation reified",
        );
        self.allocate(span);
        Type::Continuation(Box::new(Type::named("unit")), Box::new(answer), row)
    }

    /// The labels a clause list handles, each effect once, in order.
    fn clause_labels(&mut self, clauses: &[Clause]) -> Vec<Label> {
        self.labels_of(clauses, true)
    }

    /// The type a handler declared in a recursive group stands for while
    /// its group is inferred: a handler of the labels its literal's clauses
    /// name, input, output and row still unknown. Without it, a use of the
    /// handler inside its own clauses (`with coroutines s in { ... }`) saw
    /// an unknown type, handled nothing, and put the body's effects in the
    /// clauses' row. `None` when the body is not a handler literal
    /// (possibly under `let`s, `{ let s = ... in { | clauses } }`).
    pub fn handler_shape(&mut self, body: &Expr) -> Option<Type> {
        let mut literal = body;
        let clauses = loop {
            match literal {
                Expr::Let { body, .. } => literal = body,
                Expr::Handler(clauses, _) => break clauses,
                _ => return None,
            }
        };
        let labels = self.labels_of(clauses, false);
        Some(Type::Handler(
            Row::from_labels(labels, Row::Empty),
            Box::new(self.table.fresh_type()),
            Box::new(self.table.fresh_type()),
            self.table.fresh_row(),
        ))
    }

    /// The labels of `clauses`, reporting unknown operations if `report`.
    fn labels_of(&mut self, clauses: &[Clause], report: bool) -> Vec<Label> {
        let mut labels: Vec<Label> = Vec::new();
        for clause in clauses {
            if let Clause::Operation { operation, .. } = clause {
                if let Some((effect, _)) = self.lookup_operation(operation, report) {
                    if !labels.iter().any(|label| label.effect == effect) {
                        let label = self.fresh_label(&effect);
                        labels.push(label);
                    }
                }
            }
        }
        labels
    }

    /// Infers the clauses of a handler with this context.
    fn clauses(&mut self, clauses: &[Clause], context: &ClauseContext) {
        let returns: Vec<(Pattern, bool, Span)> = clauses
            .iter()
            .filter_map(|clause| match clause {
                Clause::Return { pattern, span, .. } => {
                    Some((pattern.clone(), false, span.clone()))
                }
                _ => None,
            })
            .collect();
        if let Some((_, _, first)) = returns.first() {
            let last = returns.last().map_or(first.end, |(_, _, span)| span.end);
            self.matches.push(super::RecordedMatch {
                kind: super::MatchKind::ReturnClauses,
                scrutinee_type: context.input.clone(),
                span: first.start..last,
                arms: returns,
            });
        }
        for clause in clauses {
            let mark = self.env.mark();
            let saved = self.clause.replace(context.clone());
            match clause {
                Clause::Operation {
                    operation,
                    argument,
                    extra_arguments,
                    continuation,
                    body,
                    state_update,
                    span,
                } => {
                    // One level down: the operation's rigid variables are
                    // created there, so that binding a variable from outside
                    // the clause to one of them is caught as an escape.
                    self.table.level += 1;
                    let mut patterns: Vec<&Pattern> = argument.iter().collect();
                    patterns.extend(extra_arguments.iter());
                    let result = match self.lookup_operation(operation, false) {
                        Some((effect, info)) => {
                            let label = context
                                .labels
                                .iter()
                                .find(|label| label.effect == effect)
                                .cloned();
                            let arguments = label.map(|label| label.arguments).unwrap_or_default();
                            let mut ty = self.operation_signature(&effect, &info, &arguments, true);
                            let mut given = 0;
                            for pattern in &patterns {
                                match self.table.shallow(&ty) {
                                    Type::Function(parameter, result, _) => {
                                        self.bind_pattern(pattern, &parameter, false);
                                        self.record_irrefutable(
                                            pattern,
                                            &parameter,
                                            &format!(
                                                "the argument of a `{}` clause",
                                                operation.dotted()
                                            ),
                                        );
                                        ty = *result;
                                        given += 1;
                                    }
                                    _ if given == 0 && is_unit_pattern(pattern) => {}
                                    _ => {
                                        self.report(CheckError::OperationArity {
                                            name: operation.dotted(),
                                            expected: arrow_count(&self.table, &info.signature),
                                            found: patterns.len(),
                                            span: span.clone(),
                                        });
                                        let fresh = self.table.fresh_type();
                                        self.bind_pattern(pattern, &fresh, false);
                                    }
                                }
                            }
                            ty
                        }
                        None => {
                            for pattern in &patterns {
                                let fresh = self.table.fresh_type();
                                self.bind_pattern(pattern, &fresh, false);
                            }
                            self.table.fresh_type()
                        }
                    };
                    let continuation_type = if context.shallow {
                        let captured =
                            Row::from_labels(context.labels.clone(), context.row.clone());
                        Type::Continuation(
                            Box::new(result),
                            Box::new(context.input.clone()),
                            captured,
                        )
                    } else {
                        Type::Continuation(
                            Box::new(result),
                            Box::new(context.output.clone()),
                            context.row.clone(),
                        )
                    };
                    self.bind_pattern(continuation, &continuation_type, false);
                    let body_type = self.with_row(context.row.clone(), None, |inferencer| {
                        inferencer.infer(body)
                    });
                    self.expect(&context.output, &body_type, &body.span(), "this clause");
                    if let Some(update) = state_update {
                        self.state_update(update);
                    }
                    self.table.level -= 1;
                }
                Clause::Return { pattern, body, .. } => {
                    self.bind_pattern(pattern, &context.input, false);
                    let body_type = self.with_row(context.row.clone(), None, |inferencer| {
                        inferencer.infer(body)
                    });
                    self.expect(
                        &context.output,
                        &body_type,
                        &body.span(),
                        "the return clause",
                    );
                }
                Clause::Error(_) => {}
            }
            self.clause = saved;
            self.env.truncate(mark);
        }
    }

    /// `with state := v`: `v` has the type of the handler's state, its
    /// first parameter.
    fn state_update(&mut self, update: &Expr) {
        let found = self.infer(update);
        let state = self.state.clone().flatten();
        match state.and_then(|name| self.env.lookup(&name.text).cloned()) {
            Some(entry) => {
                let expected = super::env::instantiate(&mut self.table, &entry.scheme);
                self.expect(&expected, &found, &update.span(), "the new state");
            }
            None => self.report(CheckError::StateWithoutParameter {
                span: update.span(),
            }),
        }
    }

    /// A handler literal `{ | clauses }`: a deep handler value, a closure
    /// over the variables its clauses use.
    pub fn handler_literal(
        &mut self,
        clauses: &[Clause],
        span: &Span,
        _name: Option<&Name>,
    ) -> Type {
        let labels = self.clause_labels(clauses);
        let input = self.table.fresh_type();
        let has_return = clauses
            .iter()
            .any(|clause| matches!(clause, Clause::Return { .. }));
        let output = if has_return {
            self.table.fresh_type()
        } else {
            input.clone()
        };
        let row = self.table.fresh_row();
        let context = ClauseContext {
            shallow: false,
            input: input.clone(),
            output: output.clone(),
            labels: labels.clone(),
            row: row.clone(),
        };
        self.lambda_depth += 1;
        self.captures.push(false);
        self.clauses(clauses, &context);
        let captured = self.captures.pop().unwrap_or(false);
        self.lambda_depth -= 1;
        if captured {
            self.allocate(span);
        }
        Type::Handler(
            Row::from_labels(labels, Row::Empty),
            Box::new(input),
            Box::new(output),
            row,
        )
    }

    /// `handle e with | clauses`: a shallow handler around `e`.
    pub fn handle(&mut self, body: &Expr, clauses: &[Clause], _span: &Span) -> Type {
        let labels = self.clause_labels(clauses);
        let input = self.table.fresh_type();
        let has_return = clauses
            .iter()
            .any(|clause| matches!(clause, Clause::Return { .. }));
        let output = if has_return {
            self.table.fresh_type()
        } else {
            input.clone()
        };
        let row = self.effect.clone();
        let body_row = Row::from_labels(labels.clone(), row.clone());
        let body_type = self.with_row(body_row, None, |inferencer| inferencer.infer(body));
        self.expect(&input, &body_type, &body.span(), "the handled computation");
        let context = ClauseContext {
            shallow: true,
            input,
            output: output.clone(),
            labels,
            row,
        };
        self.clauses(clauses, &context);
        output
    }

    /// `with h in { e }`: installs the handler value `h` (deep).
    pub fn with_handler(&mut self, handler: &Expr, body: &Expr, span: &Span) -> Type {
        let handler_type = self.infer(handler);
        match self.table.shallow(&handler_type) {
            Type::Handler(labels, input, output, row) => {
                let (labels, _) = self.table.row_labels(&labels);
                let current = self.effect.clone();
                let context = self.row_context.clone();
                self.expect_rows(&current, &row, span, &context);
                let body_row = Row::from_labels(labels, current);
                let body_type = self.with_row(body_row, None, |inferencer| inferencer.infer(body));
                self.expect(&input, &body_type, &body.span(), "the handled computation");
                *output
            }
            other => {
                if !matches!(other, Type::Var(_)) {
                    let found = self.show(&other);
                    self.report(CheckError::NotAHandler {
                        found,
                        span: handler.span(),
                    });
                }
                self.infer(body);
                self.table.fresh_type()
            }
        }
    }
}

/// How many arrows a signature has (its number of arguments).
fn arrow_count(table: &cml_types::Table, ty: &Type) -> usize {
    match table.shallow(ty) {
        Type::Function(_, result, _) => 1 + arrow_count(table, &result),
        _ => 0,
    }
}

fn is_unit(expression: &Expr) -> bool {
    matches!(expression, Expr::Literal(literal) if literal.value == cml_syntax::ast::LiteralValue::Unit)
        || matches!(expression, Expr::Tuple(items, _) if items.is_empty())
}

fn is_unit_pattern(pattern: &Pattern) -> bool {
    matches!(pattern, Pattern::Literal(literal) if literal.value == cml_syntax::ast::LiteralValue::Unit)
        || matches!(pattern, Pattern::Tuple(items, _) if items.is_empty())
}

#[cfg(test)]
mod tests {
    fn type_of(source: &str, name: &str) -> String {
        let parsed = cml_syntax::parse(source);
        let checked = crate::check_module(&parsed.module);
        assert!(checked.errors.is_empty(), "{:?}", checked.errors);
        checked.type_of(name).expect("defined").to_string()
    }

    /// A deep handler of `IO` whose clause resumes: `L = ⟨IO⟩`, `print :
    /// string -> unit`, so `k : Cont(unit, τout, ε)`; `resume k ()` gives
    /// `τout`; without a return clause `τin = τout`.
    #[test]
    fn a_deep_handler_value() {
        let source = "handler mute = {\n  | IO.print s, k -> resume k ()\n}";
        assert_eq!(type_of(source, "mute"), "handler {IO} a -> a / e");
    }

    /// Installing it discharges `IO`: the body performs `⟨IO | ε⟩` and the
    /// whole only `ε`.
    #[test]
    fn with_discharges_the_handled_labels() {
        let source = "handler mute = {\n  | IO.print s, k -> resume k ()\n}\n\
                      let quiet () = with mute in { perform IO.print \"x\"; 1 }";
        assert_eq!(type_of(source, "quiet"), "unit -> int / e");
    }

    /// `reify f` with `f : unit -> int / ⟨IO | ε⟩` is `Cont(unit, int, ⟨IO |
    /// ε⟩)`, and building it allocates; `invoke` outside a clause performs
    /// the continuation's row.
    #[test]
    fn reify_and_invoke() {
        let source =
            "let run () =\n  let k = reify (fun () -> perform IO.print \"x\"; 1) in\n  invoke k ()";
        assert_eq!(type_of(source, "run"), "unit -> int / {Mem, IO | e}");
    }
}
