//! Handlers (`docs/backend.md`, "Effects"): a handler literal becomes a
//! closure whose code is its run routine (install, run the body thunk,
//! uninstall, return clause) and whose captured variables are the
//! clauses' environment; each clause is a function entered by dispatch
//! with that closure in v6. `with h in { e }` calls the handler value
//! with the thunk of `e`.

use cml_ir::{Atom, FunctionKind, Span, Term, Value};
use cml_syntax::ast::{Clause, Expr};

use crate::builder::Sequence;
use crate::patterns::ArmSource;
use crate::Lowerer;

impl Lowerer<'_> {
    /// A handler literal `{ | clauses }` as a value.
    pub(crate) fn lower_handler_literal(
        &mut self,
        clauses: &[Clause],
        span: &Span,
        sequence: &mut Sequence,
    ) -> Atom {
        let group = self.scopes.new_capture_group();
        let run = self.reserve_function();
        let state = self.handler_state.take();
        let mut handled = Vec::new();
        let mut returns = Vec::new();
        for clause in clauses {
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
                    if !extra_arguments.is_empty() {
                        self.unsupported(
                            "a clause for an operation with several arguments",
                            span.clone(),
                        );
                        continue;
                    }
                    let Some((effect_name, effect)) = self.operation(operation) else {
                        continue;
                    };
                    if handled.iter().any(|(handled, _)| *handled == effect) {
                        continue;
                    }
                    let id = self.reserve_function();
                    self.begin_function(group);
                    let mark = self.scopes.mark();
                    let argument_local = self.scopes.builder().fresh_local();
                    let continuation_local = self.scopes.builder().fresh_local();
                    let mut clause_sequence = Sequence::default();
                    if let Some(pattern) = argument {
                        self.bind_irrefutable(
                            pattern,
                            Atom::Local(argument_local),
                            &mut clause_sequence,
                        );
                    }
                    self.bind_irrefutable(
                        continuation,
                        Atom::Local(continuation_local),
                        &mut clause_sequence,
                    );
                    if let Some(update) = state_update {
                        self.state_update(state, group, update, &mut clause_sequence);
                    }
                    let tail = self.lower_tail(body);
                    self.scopes.truncate(mark);
                    let term = clause_sequence.finish(tail);
                    let name = format!("{effect_name}.{} clause", operation.last().text);
                    self.end_function(
                        id,
                        name,
                        FunctionKind::Clause,
                        vec![argument_local, continuation_local],
                        term,
                        Some(span.clone()),
                    );
                    handled.push((effect, id));
                }
                Clause::Return { pattern, body, .. } => returns.push((pattern, body)),
                Clause::Error(_) => {}
            }
        }
        self.begin_function(group);
        let thunk = self.scopes.builder().fresh_local();
        let result = self.scopes.builder().fresh_local();
        let finish = if returns.is_empty() {
            Term::Return(Atom::Local(result))
        } else {
            let arms: Vec<ArmSource> = returns
                .iter()
                .map(|(pattern, body)| ArmSource {
                    pattern,
                    guard: None,
                    body,
                })
                .collect();
            self.lower_match(Atom::Local(result), &arms, span)
        };
        let effects = handled.iter().map(|(effect, _)| *effect).collect();
        let body = Term::Let {
            local: Some(result),
            value: Value::Call {
                callee: Atom::Local(thunk),
                arguments: vec![Atom::Unit],
            },
            span: Some(span.clone()),
            body: Box::new(Term::Let {
                local: None,
                value: Value::Uninstall(effects),
                span: None,
                body: Box::new(finish),
            }),
        };
        self.end_function(
            run,
            "handler".into(),
            FunctionKind::HandlerRun { clauses: handled },
            vec![thunk],
            body,
            Some(span.clone()),
        );
        let atoms = self.scopes.captured_atoms(group);
        self.closure_atom(run, atoms, Some(span.clone()), sequence)
    }

    /// `with state := v` in a clause: the new state goes into the handler
    /// closure's slot for the state parameter, after the prologue has
    /// copied the old one.
    fn state_update(
        &mut self,
        state: Option<crate::builder::VarKey>,
        group: usize,
        update: &Expr,
        sequence: &mut Sequence,
    ) {
        let Some(key) = state else {
            self.unsupported(
                "`with state :=` outside a parameterised handler",
                update.span(),
            );
            return;
        };
        let variable = crate::builder::Variable {
            key,
            kind: crate::builder::VarKind::Local,
            arity: None,
        };
        let depth = self.scopes.builders.len() - 1;
        self.scopes.atom_at(&variable, depth);
        let index = self.scopes.capture_groups[group]
            .iter()
            .position(|k| *k == key)
            .expect("the state was just captured");
        let value = self.lower_value(update, sequence);
        sequence.push(
            None,
            Value::SetCaptured { index, value },
            Some(update.span()),
        );
    }

    /// `with h in { body }`: the call of the handler value with the body's
    /// thunk, left for the caller to emit (as a tail call when it can).
    pub(crate) fn lower_with(
        &mut self,
        handler: &Expr,
        body: &Expr,
        span: &Span,
        sequence: &mut Sequence,
    ) -> Value {
        let handler = self.lower_value(handler, sequence);
        let id = self.reserve_function();
        let group = self.scopes.new_capture_group();
        self.begin_function(group);
        let unit = self.scopes.builder().fresh_local();
        let term = self.lower_tail(body);
        self.end_function(
            id,
            "with body".into(),
            FunctionKind::Ordinary,
            vec![unit],
            term,
            Some(span.clone()),
        );
        let atoms = self.scopes.captured_atoms(group);
        let thunk = self.closure_atom(id, atoms, Some(span.clone()), sequence);
        Value::Call {
            callee: handler,
            arguments: vec![thunk],
        }
    }
}
