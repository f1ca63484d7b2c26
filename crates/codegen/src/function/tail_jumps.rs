//! A self tail call as a jump (`docs/backend.md`, "Calling convention"):
//! a saturated tail call of the running function by its own closure
//! writes the arguments into the parameters' slots and jumps back to the
//! start of the body, past the prologue (and past the loads of the
//! captured variables when their slots still hold them), where TCALL
//! would leave the frame and the callee's ENTER make the same frame
//! again.

use std::collections::HashSet;
use std::fmt::Write;

use cml_ir::{Atom, Function, FunctionId, FunctionKind, LocalId, Term, Value};

use super::Emitter;

/// How the self tail calls of one function are made.
pub(super) struct SelfJump {
    /// The label of the body's start, after the prologue.
    label: String,
    /// Whether the label comes after the body's leading loads of the
    /// closure and its captured variables.
    past_loads: bool,
    /// The function itself.
    function: FunctionId,
    /// Its number of parameters.
    arity: usize,
    /// The slot of each parameter that has one, by register.
    parameter_slots: Vec<(usize, u8)>,
    /// Locals bound to the running function's closure.
    own_closure: HashSet<LocalId>,
    /// Whether a call through the function's static closure may jump:
    /// only when the body never reads v6, which a call would set to that
    /// closure.
    static_callee: bool,
}

/// What a scan of the body found.
#[derive(Default)]
struct Scan {
    own_closure: HashSet<LocalId>,
    reads_closure: bool,
    sets_captured: bool,
}

impl Scan {
    fn term(&mut self, term: &Term) {
        match term {
            Term::Let {
                local, value, body, ..
            } => {
                match value {
                    Value::CurrentClosure => {
                        self.reads_closure = true;
                        self.own_closure.extend(*local);
                    }
                    Value::LoadCaptured(_) => self.reads_closure = true,
                    Value::SetCaptured { .. } => {
                        self.reads_closure = true;
                        self.sets_captured = true;
                    }
                    Value::Block(term) => self.term(term),
                    _ => {}
                }
                self.term(body);
            }
            Term::If {
                then_branch,
                else_branch,
                ..
            } => {
                self.term(then_branch);
                self.term(else_branch);
            }
            Term::Switch { cases, default, .. } => {
                for (_, case) in cases {
                    self.term(case);
                }
                if let Some(default) = default {
                    self.term(default);
                }
            }
            Term::Blocks { body, blocks } => {
                self.term(body);
                for (_, block) in blocks {
                    self.term(block);
                }
            }
            Term::Return(_)
            | Term::TailCall { .. }
            | Term::TailResume { .. }
            | Term::Jump(_)
            | Term::Fail(_) => {}
        }
    }
}

/// Whether a tail call in `term`, outside any [`Value::Block`] (whose
/// calls are not in tail position), passes the test.
fn has_tail_call(term: &Term, test: &impl Fn(&Atom, &[Atom]) -> bool) -> bool {
    match term {
        Term::Let { body, .. } => has_tail_call(body, test),
        Term::TailCall { callee, arguments } => test(callee, arguments),
        Term::If {
            then_branch,
            else_branch,
            ..
        } => has_tail_call(then_branch, test) || has_tail_call(else_branch, test),
        Term::Switch { cases, default, .. } => {
            cases.iter().any(|(_, case)| has_tail_call(case, test))
                || default
                    .as_ref()
                    .is_some_and(|term| has_tail_call(term, test))
        }
        Term::Blocks { body, blocks } => {
            has_tail_call(body, test) || blocks.iter().any(|(_, block)| has_tail_call(block, test))
        }
        Term::Return(_) | Term::TailResume { .. } | Term::Jump(_) | Term::Fail(_) => false,
    }
}

/// The `let`s a body starts with that load the closure and its captured
/// variables (`cml-lower`'s prologue), and the term after them.
fn leading_loads(body: &Term) -> (Vec<&Term>, &Term) {
    let mut loads = Vec::new();
    let mut term = body;
    while let Term::Let {
        value: Value::CurrentClosure | Value::LoadCaptured(_),
        body,
        ..
    } = term
    {
        loads.push(term);
        term = body;
    }
    (loads, term)
}

impl SelfJump {
    fn is_self_call(&self, callee: &Atom, arguments: &[Atom]) -> bool {
        let own = match callee {
            Atom::StaticClosure(function) => self.static_callee && *function == self.function,
            Atom::Local(local) => self.own_closure.contains(local),
            _ => false,
        };
        own && arguments.len() == self.arity
    }
}

impl Emitter<'_> {
    /// Plans the self tail calls of an ordinary function that has any
    /// (handler run routines and clauses are entered otherwise).
    pub(super) fn plan_self_jump(&self, function: &Function) -> Option<SelfJump> {
        if function.kind != FunctionKind::Ordinary || self.run_frame_size.is_some() {
            return None;
        }
        let mut scan = Scan::default();
        scan.term(&function.body);
        // The leading loads need not run again when nothing writes the
        // closure's fields and no other local shares their slots.
        let (loads, _) = leading_loads(&function.body);
        let past_loads = !scan.sets_captured
            && loads.iter().all(|load| match load {
                Term::Let {
                    local: Some(local), ..
                } => {
                    let slot = self.frame.slots.get(local);
                    self.frame
                        .slots
                        .values()
                        .filter(|s| Some(*s) == slot)
                        .count()
                        <= 1
                }
                _ => true,
            });
        let jump = SelfJump {
            label: format!(".L{}_body", self.index),
            past_loads,
            function: FunctionId(self.index as u32),
            arity: function.parameters.len(),
            parameter_slots: (function.parameters.iter().enumerate())
                .filter_map(|(register, parameter)| {
                    Some((register, *self.frame.slots.get(parameter)?))
                })
                .collect(),
            own_closure: scan.own_closure,
            static_callee: !scan.reads_closure,
        };
        has_tail_call(&function.body, &|callee, arguments| {
            jump.is_self_call(callee, arguments)
        })
        .then_some(jump)
    }

    /// Emits the body with the self tail calls' label at its start, or
    /// past its leading loads.
    pub(super) fn body(&mut self, function: &Function) {
        let Some(jump) = &self.self_jump else {
            return self.term(&function.body, &super::Context::Tail);
        };
        let label = jump.label.clone();
        let mut rest = &function.body;
        if jump.past_loads {
            let (loads, after) = leading_loads(&function.body);
            for load in loads {
                if let Term::Let {
                    local, value, span, ..
                } = load
                {
                    self.bind(local, value, span);
                }
            }
            rest = after;
        }
        let _ = writeln!(self.text, "{label}:");
        self.term(rest, &super::Context::Tail);
    }

    /// Emits a tail call in tail position as a jump if it is a self tail
    /// call; otherwise emits nothing and answers false. The arguments
    /// are all loaded into v0-v5 before any parameter's slot is written.
    pub(super) fn self_tail_call(&mut self, callee: &Atom, arguments: &[Atom]) -> bool {
        let Some(jump) = &self.self_jump else {
            return false;
        };
        if !jump.is_self_call(callee, arguments) {
            return false;
        }
        let label = jump.label.clone();
        let stores = jump.parameter_slots.clone();
        for (register, argument) in arguments.iter().enumerate() {
            self.load(&format!("v{register}"), argument);
        }
        for (register, slot) in stores {
            self.line(&format!("STS v{register}, {slot}"));
        }
        self.line(&format!("JMP {label}"));
        true
    }

    /// Leaves the frame before a tail call. A capturing clause runs at its
    /// handler's prompt, just below the CALL its run routine made of
    /// itself and that run routine's frame, which only pass a clause's
    /// value on (`docs/backend.md`, "Tail calls out of a clause"); so a
    /// tail call leaves them too, and the callee returns straight to the
    /// run routine's caller. Without this, a scheduler whose clauses
    /// tail-call `scheduler ()` grows the stack at every switch. The
    /// arguments are in v0-v5 and the callee in v7; v6 is free (TCALL
    /// sets it).
    pub(super) fn tail_call_leave(&mut self) {
        let Some(run_frame) = self.run_frame_size else {
            self.leave();
            return;
        };
        // This frame, the run routine's, and two of CALL's three words.
        let mut slots = self.frame.size + run_frame + 1;
        while slots > 0 {
            let step = slots.min(63);
            self.line(&format!("LEAVE {step}"));
            slots -= step;
        }
        self.line("CSRR v6, SP");
        self.line("SETTAG v6, PTR");
        self.line("INC v6, v6, 1");
        self.line("CSRW v6, SP");
    }
}
