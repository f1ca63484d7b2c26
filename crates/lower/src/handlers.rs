//! Handlers (`docs/backend.md`, "Effects"): a handler literal becomes a
//! closure whose code is its run routine (install, run the body thunk,
//! probe whether the instance is still installed, uninstall, return
//! clause) and whose captured variables are the clauses' environment;
//! each clause is a function entered by dispatch with that closure in
//! v6. `with h in { e }` and `handle e with | clauses` call the handler
//! value with the thunk of `e`; `reify f` is a shallow handler of the
//! private operation [`REIFY`] whose clause returns the continuation.

use cml_ir::{
    Atom, Effect, Function, FunctionId, FunctionKind, Primitive, Span, Term, Value, PROBE, REIFY,
};
use cml_syntax::ast::{self, Clause, Expr};

use crate::builder::Sequence;
use crate::patterns::ArmSource;
use crate::Lowerer;

impl Lowerer<'_> {
    /// A handler literal `{ | clauses }` (or the clauses of `handle`,
    /// `shallow`) as a value: always a new closure, as the run routine's
    /// instance probe tells instances apart by their closure.
    pub(crate) fn lower_handler_literal(
        &mut self,
        clauses: &[Clause],
        span: &Span,
        sequence: &mut Sequence,
        shallow: bool,
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
                    let arity = self.operation_arity(operation);
                    let packed = if arity >= 2 || !extra_arguments.is_empty() {
                        // The arguments arrive as one tuple (see `perform`).
                        let patterns: Vec<_> =
                            argument.iter().chain(extra_arguments).cloned().collect();
                        if patterns.len() != arity {
                            self.unsupported(
                                "a clause for an operation of several arguments that does not name each of them",
                                span.clone(),
                            );
                            continue;
                        }
                        Some(ast::Pattern::Tuple(patterns, span.clone()))
                    } else {
                        None
                    };
                    let argument = packed.as_ref().or(argument.as_ref());
                    let Some((effect_name, effect)) = self.operation(operation) else {
                        continue;
                    };
                    if handled.iter().any(|(handled, _, _)| *handled == effect) {
                        continue;
                    }
                    let shape = ClauseShape {
                        argument,
                        continuation,
                        body,
                        state_update: state_update.as_ref(),
                        span,
                        payload_is_pointer: crate::effects::payload_is_pointer(effect),
                        unpack_request: crate::memory::is_allocation(effect),
                    };
                    let name = format!("{effect_name}.{} clause", operation.last().text);
                    // A hardware effect's clause always captures: a
                    // tail-resumptive one would be called on top of the
                    // interrupted code and clobber its v0, v1 and v7.
                    // A `Mem` clause always captures too: it runs outside
                    // its own handler, so that what it allocates (its
                    // request record first) reaches the outer one.
                    let tail_resumptive = !crate::effects::is_hardware(effect)
                        && effect.family != cml_ir::MEM_ALLOC.family
                        && crate::tail_resumptive::is_tail_resumptive(
                            continuation,
                            body,
                            state_update.as_ref(),
                            self.allocation_performs,
                        );
                    let id =
                        self.lower_clause(&shape, name, group, state, shallow, tail_resumptive);
                    handled.push((effect, id, tail_resumptive));
                }
                Clause::Return { pattern, body, .. } => returns.push((pattern, body)),
                Clause::Error(_) => {}
            }
        }
        self.begin_function(group);
        let locals = [(); RUN_LOCALS].map(|()| self.scopes.builder().fresh_local());
        let result = locals[RESULT];
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
            let mark = self.scopes.mark();
            let current_state = self.bind_current_state(state, group);
            let finish = self.lower_match(Atom::Local(result), &arms, span);
            self.scopes.truncate(mark);
            match current_state {
                Some((local, index)) => Term::bind(local, Value::LoadCaptured(index), None, finish),
                None => finish,
            }
        };
        let all: Vec<(Effect, FunctionId)> = handled.iter().map(|(e, f, _)| (*e, *f)).collect();
        let body = if shallow {
            run_body(locals, finish, &all, span)
        } else {
            deep_run_body(locals, finish, &all, span)
        };
        let (tail_clauses, clauses): (Vec<_>, Vec<_>) =
            handled.into_iter().partition(|(_, _, tail)| *tail);
        let strip = |list: Vec<(Effect, FunctionId, bool)>| -> Vec<(Effect, FunctionId)> {
            list.into_iter().map(|(e, f, _)| (e, f)).collect()
        };
        self.end_function(
            run,
            "handler".into(),
            FunctionKind::HandlerRun {
                clauses: strip(clauses),
                tail_clauses: strip(tail_clauses),
                deep: !shallow,
            },
            locals[..3].to_vec(),
            body,
            Some(span.clone()),
        );
        let atoms = self.scopes.captured_atoms(group);
        self.fresh_closure(run, atoms, Some(span.clone()), sequence)
    }

    /// One operation clause: a function entered by dispatch (v0 the
    /// argument, v1 the continuation, v6 the handler closure, which the
    /// clause keeps in a hidden local for its non-tail resumes).
    fn lower_clause(
        &mut self,
        shape: &ClauseShape,
        name: String,
        group: usize,
        state: Option<crate::builder::VarKey>,
        shallow: bool,
        tail_resumptive: bool,
    ) -> FunctionId {
        let id = self.reserve_function();
        self.begin_function(group);
        let mark = self.scopes.mark();
        let argument_local = self.scopes.builder().fresh_local();
        let continuation_local = self.scopes.builder().fresh_local();
        let mut clause_sequence = Sequence::default();
        let handler_local = self.scopes.bind_local(HANDLER_NAME, None);
        let handler_key = self
            .scopes
            .lookup(HANDLER_NAME)
            .map(|variable| variable.key);
        clause_sequence.push(Some(handler_local), Value::CurrentClosure, None);
        let mut argument_atom = Atom::Local(argument_local);
        if shape.payload_is_pointer {
            let pointer = self.scopes.builder().fresh_local();
            clause_sequence.push(
                Some(pointer),
                Value::Primitive(Primitive::PointerFromPayload, vec![argument_atom]),
                None,
            );
            argument_atom = Atom::Local(pointer);
        }
        if shape.unpack_request {
            self.bind_allocation_request(shape.argument, argument_atom, &mut clause_sequence);
        } else if let Some(pattern) = shape.argument {
            self.bind_irrefutable(pattern, argument_atom, &mut clause_sequence);
        }
        self.bind_irrefutable(
            shape.continuation,
            Atom::Local(continuation_local),
            &mut clause_sequence,
        );
        if let Some(update) = shape.state_update {
            self.state_update(state, group, update, &mut clause_sequence);
        }
        self.clause_contexts.push(crate::ClauseContext {
            shallow,
            depth: self.scopes.builders.len() - 1,
            handler: handler_key.expect("just bound"),
            blocks: 0,
            tail_resumptive,
        });
        let tail = self.lower_tail(shape.body);
        self.clause_contexts.pop();
        self.scopes.truncate(mark);
        let term = clause_sequence.finish(tail);
        self.end_function(
            id,
            name,
            if tail_resumptive {
                FunctionKind::TailClause
            } else {
                FunctionKind::Clause
            },
            vec![argument_local, continuation_local],
            term,
            Some(shape.span.clone()),
        );
        id
    }

    /// A new closure of `function` even when it captures nothing.
    fn fresh_closure(
        &mut self,
        function: FunctionId,
        captured: Vec<Atom>,
        span: Option<Span>,
        sequence: &mut Sequence,
    ) -> Atom {
        let local = self.scopes.builder().fresh_local();
        sequence.push(Some(local), Value::MakeClosure { function, captured }, span);
        Atom::Local(local)
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
        let index = self.capture_state(key, group);
        let value = self.lower_value(update, sequence);
        sequence.push(
            None,
            Value::SetCaptured { index, value },
            Some(update.span()),
        );
    }

    /// The index of a handler's state among the captured variables of the
    /// function being built (capture group `group`), capturing it if the
    /// function has not yet.
    fn capture_state(&mut self, key: crate::builder::VarKey, group: usize) -> usize {
        let variable = crate::builder::Variable {
            key,
            kind: crate::builder::VarKind::Local,
            arity: None,
        };
        let depth = self.scopes.builders.len() - 1;
        self.scopes.atom_at(&variable, depth);
        self.scopes.capture_groups[group]
            .iter()
            .position(|k| *k == key)
            .expect("the state was just captured")
    }

    /// For a parameterised handler's return clause: the state as the
    /// clauses last set it (`with state := v` writes the run routine's own
    /// closure, while the run routine read its captured variables when it
    /// was entered, before the body ran). Binds the state's name to a
    /// fresh local, to be loaded from the closure (captured `index`) just
    /// before the return clause; `None` when the handler has no state.
    fn bind_current_state(
        &mut self,
        state: Option<crate::builder::VarKey>,
        group: usize,
    ) -> Option<(cml_ir::LocalId, usize)> {
        let key = state?;
        let name = self
            .scopes
            .names
            .iter()
            .rev()
            .find(|(_, variable)| variable.key == key)
            .map(|(name, _)| name.clone())?;
        let index = self.capture_state(key, group);
        let local = self.scopes.builder().fresh_local();
        self.scopes.bind_existing_local(&name, local, None);
        Some((local, index))
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
        let thunk = self.thunk(body, span, sequence);
        run_call(handler, thunk)
    }

    /// `handle body with | clauses` (shallow): a handler literal whose
    /// clauses `invoke` with RESUS, called with the body's thunk.
    pub(crate) fn lower_handle(
        &mut self,
        body: &Expr,
        clauses: &[Clause],
        span: &Span,
        sequence: &mut Sequence,
    ) -> Value {
        let handler = self.lower_handler_literal(clauses, span, sequence, true);
        let thunk = self.thunk(body, span, sequence);
        run_call(handler, thunk)
    }

    /// The closure of `fun () -> body`.
    fn thunk(&mut self, body: &Expr, span: &Span, sequence: &mut Sequence) -> Atom {
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
        self.closure_atom(id, atoms, Some(span.clone()), sequence)
    }

    /// `reify f`: the call of a new closure of the reify run routine with
    /// a thunk that performs [`REIFY`] and then tail-calls `f ()`; the
    /// clause returns the continuation, which is the call's value.
    pub(crate) fn lower_reify(
        &mut self,
        function: &Expr,
        span: &Span,
        sequence: &mut Sequence,
    ) -> Value {
        let function = self.lower_value(function, sequence);
        let (run, body) = self.reify_functions();
        let handler = self.fresh_closure(run, Vec::new(), Some(span.clone()), sequence);
        let thunk = self.fresh_closure(body, vec![function], Some(span.clone()), sequence);
        run_call(handler, thunk)
    }

    /// The run routine and body thunk shared by every `reify`, built on
    /// first use.
    fn reify_functions(&mut self) -> (FunctionId, FunctionId) {
        if let Some(functions) = self.reify {
            return functions;
        }
        let clause = self.reserve_function();
        let run = self.reserve_function();
        let body = self.reserve_function();
        let local = |n| cml_ir::LocalId(n);
        self.define_function(
            clause,
            Function {
                name: "reify clause".into(),
                kind: FunctionKind::Clause,
                parameters: vec![local(0), local(1)],
                captured_count: 0,
                local_count: 2,
                body: Term::Return(Atom::Local(local(1))),
                span: None,
            },
        );
        let handled = vec![(REIFY, clause)];
        let locals = [0, 1, 2, 3, 4, 5, 6].map(local);
        let run_term = run_body(
            locals,
            Term::Return(Atom::Local(locals[RESULT])),
            &handled,
            &(0..0),
        );
        self.define_function(
            run,
            Function {
                name: "reify".into(),
                kind: FunctionKind::HandlerRun {
                    clauses: handled,
                    tail_clauses: Vec::new(),
                    deep: false,
                },
                parameters: locals[..3].to_vec(),
                captured_count: 0,
                local_count: RUN_LOCALS as u32,
                body: run_term,
                span: None,
            },
        );
        let body_term = Term::Let {
            local: Some(local(1)),
            value: Value::LoadCaptured(0),
            span: None,
            body: Box::new(Term::Let {
                local: None,
                value: Value::Perform {
                    effect: REIFY,
                    argument: Atom::Unit,
                },
                span: None,
                body: Box::new(Term::TailCall {
                    callee: Atom::Local(local(1)),
                    arguments: vec![Atom::Unit],
                }),
            }),
        };
        self.define_function(
            body,
            Function {
                name: "reify body".into(),
                kind: FunctionKind::Ordinary,
                parameters: vec![local(0)],
                captured_count: 1,
                local_count: 2,
                body: body_term,
                span: None,
            },
        );
        self.reify = Some((run, body));
        (run, body)
    }
}

/// The hidden name of a clause's handler closure (not a CML identifier).
pub(crate) const HANDLER_NAME: &str = "handler closure";

/// The locals of a run routine: its three parameters (the thunk or the
/// continuation, the resumed value, the mode), its own closure, the mode
/// of the inner call, the result, whether the instance is installed.
const RUN_LOCALS: usize = 7;
/// Which of them is the result.
const RESULT: usize = 5;

/// An operation clause's parts.
struct ClauseShape<'e> {
    argument: Option<&'e cml_syntax::ast::Pattern>,
    continuation: &'e cml_syntax::ast::Pattern,
    body: &'e Expr,
    state_update: Option<&'e Expr>,
    span: &'e Span,
    /// Whether the argument is a hardware effect's payload that is a
    /// pointer (`crate::effects::Payload::Pointer`): the clause tags it
    /// PTR before matching it.
    payload_is_pointer: bool,
    /// Whether the argument is an allocation request INT that the clause
    /// turns into the `{ layout; size }` record (`crate::memory`).
    unpack_request: bool,
}

/// The call that installs a handler value around a body thunk (mode 0).
fn run_call(handler: Atom, thunk: Atom) -> Value {
    Value::Call {
        callee: handler,
        arguments: vec![thunk, Atom::Unit, Atom::Int(0)],
    }
}

/// The body of a run routine in modes 0 and 2 (`docs/backend.md`,
/// "Handler instances"): call itself in mode 1 (install, then run the
/// thunk) or 3 (RESU the continuation), so that the frames' prompt lies
/// below this frame; when that call returns, the instance is still
/// installed if the body returned under it: uninstall and go on with
/// `finish` (the return clause on the result). Otherwise the value came
/// from a clause, or from a computation continued without the handler
/// (RESUS), and is the answer as it is.
fn run_body(
    locals: [cml_ir::LocalId; RUN_LOCALS],
    finish: Term,
    handled: &[(Effect, FunctionId)],
    span: &Span,
) -> Term {
    let [_, _, _, _, _, result, installed] = locals;
    let mut effects: Vec<Effect> = handled.iter().map(|(effect, _)| *effect).collect();
    effects.push(PROBE);
    call_self_in_next_mode(
        locals,
        span,
        bind_at(
            installed,
            Value::Installed,
            span,
            Term::If {
                condition: Atom::Local(installed),
                then_branch: Box::new(Term::Let {
                    local: None,
                    value: Value::Uninstall(effects),
                    span: None,
                    body: Box::new(finish),
                }),
                else_branch: Box::new(Term::Return(Atom::Local(result))),
            },
        ),
    )
}

/// The body of a deep handler's run routine (`docs/backend.md`, "Deep
/// handlers"). Mode 1 (the frames just installed at this routine's
/// entry, so its own frame lies inside the handled computation's slice):
/// call the thunk, and when the body returns, uninstall and go on with
/// `finish`. Modes 0 and 2: call itself in mode 1 or 3, so that the
/// prompt lies below this frame, and give back what comes: the value of
/// the return clause (run inside the slice) or of a clause.
fn deep_run_body(
    locals: [cml_ir::LocalId; RUN_LOCALS],
    finish: Term,
    handled: &[(Effect, FunctionId)],
    span: &Span,
) -> Term {
    let [first, _, mode, _, _, result, installed] = locals;
    let effects: Vec<Effect> = handled.iter().map(|(effect, _)| *effect).collect();
    bind_at(
        installed,
        Value::Primitive(
            cml_ir::Primitive::Equal,
            vec![Atom::Local(mode), Atom::Int(1)],
        ),
        span,
        Term::If {
            condition: Atom::Local(installed),
            then_branch: Box::new(bind_at(
                result,
                Value::Call {
                    callee: Atom::Local(first),
                    arguments: vec![Atom::Unit],
                },
                span,
                Term::Let {
                    local: None,
                    value: Value::Uninstall(effects),
                    span: None,
                    body: Box::new(finish),
                },
            )),
            else_branch: Box::new(call_self_in_next_mode(
                locals,
                span,
                Term::Return(Atom::Local(result)),
            )),
        },
    )
}

/// What modes 0 and 2 of every run routine do first: call the routine
/// itself (its own closure) with the same two arguments in the next mode
/// (1 or 3), so that the frames' prompt lies below this frame, bind what
/// comes back to `result`, and go on with `after`.
fn call_self_in_next_mode(locals: [cml_ir::LocalId; RUN_LOCALS], span: &Span, after: Term) -> Term {
    let [first, second, mode, me, inner_mode, result, _] = locals;
    bind_at(
        me,
        Value::CurrentClosure,
        span,
        bind_at(
            inner_mode,
            Value::Primitive(
                cml_ir::Primitive::Add,
                vec![Atom::Local(mode), Atom::Int(1)],
            ),
            span,
            bind_at(
                result,
                Value::Call {
                    callee: Atom::Local(me),
                    arguments: vec![
                        Atom::Local(first),
                        Atom::Local(second),
                        Atom::Local(inner_mode),
                    ],
                },
                span,
                after,
            ),
        ),
    )
}

/// `let local = value in body`, at `span`.
fn bind_at(local: cml_ir::LocalId, value: Value, span: &Span, body: Term) -> Term {
    Term::bind(local, value, Some(span.clone()), body)
}
