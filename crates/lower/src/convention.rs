//! The calling convention's limits, applied to the finished IR: functions
//! of more than six parameters and closures of more than six captured
//! variables (`docs/backend.md`, "Calling convention" and "Values").
//!
//! The lowering builds calls with one argument per parameter and closures
//! with one slot per captured variable; this pass rewrites what does not
//! fit the machine's registers and objects:
//!
//! * a function of *n* > 6 parameters takes the first five in v0-v4 and
//!   the other *n* − 5 in a record (the *spill record*, in v5), which its
//!   prologue reads into the parameters' locals; a call of it builds the
//!   record, or, when the calling function received a spill record of a
//!   compatible layout, writes the arguments into that one (it is dead
//!   after the caller's prologue), so a tail-recursive loop of eight
//!   parameters allocates once;
//! * a closure of *c* > 6 captured variables holds the first five and, in
//!   its last captured slot, a record of the other *c* − 5, which the
//!   function reads through a local loaded at its entry.
//!
//! Both records of more than seven fields are chained as record literals
//! are ([`field_path`]).

use std::collections::HashMap;

use cml_ir::{Atom, Function, LocalId, ObjectKind, Span, Term, Value};

use crate::records::{field_path, MAX_FIELDS};

/// The most parameters a function takes in registers (v0-v5).
const MAX_PARAMETERS: usize = 6;
/// The most variables a closure record holds in its own slots (its
/// header's 14 payload words: code, arity and six tagged slots).
const MAX_CAPTURED: usize = 6;
/// How many values stay in registers (or closure slots) when the rest
/// go to a record: the last register (or slot) holds the record.
const KEPT: usize = 5;

/// Rewrites every function of the program for the convention's limits.
pub(crate) fn apply(functions: &mut [Function]) {
    let captured_counts: Vec<usize> = functions.iter().map(|f| f.captured_count).collect();
    for function in functions.iter_mut() {
        let mut rewriter = Rewriter {
            captured_counts: &captured_counts,
            next_local: function.local_count,
            spill: None,
            captured: function.captured_count,
            environment: None,
            closures: HashMap::new(),
        };
        let mut prologue = Vec::new();
        if function.parameters.len() > MAX_PARAMETERS {
            let spilled = function.parameters.split_off(KEPT);
            let record = rewriter.fresh();
            function.parameters.push(record);
            rewriter.spill = Some((record, spilled.len()));
            rewriter.unpack(Atom::Local(record), &spilled, &mut prologue);
        }
        if function.captured_count > MAX_CAPTURED {
            let environment = rewriter.fresh();
            rewriter.environment = Some(environment);
            prologue.push((Some(environment), Value::LoadCaptured(KEPT)));
            function.captured_count = MAX_CAPTURED;
        }
        let body = std::mem::replace(&mut function.body, Term::Return(Atom::Unit));
        let body = rewriter.term(body);
        function.body = wrap(prologue, None, body);
        function.local_count = rewriter.next_local;
    }
}

/// `let`s to put in front of a term.
type Lets = Vec<(Option<LocalId>, Value)>;

/// The `lets` in front of `body`, each with `span`.
fn wrap(lets: Lets, span: Option<Span>, body: Term) -> Term {
    lets.into_iter()
        .rev()
        .fold(body, |body, (local, value)| Term::Let {
            local,
            value,
            span: span.clone(),
            body: Box::new(body),
        })
}

/// Whether a spill record laid out for `received` values can carry
/// `sent` values: each of the `sent` lies where it would in a record of
/// its own.
fn compatible(sent: usize, received: usize) -> bool {
    sent <= received
        && (0..sent).all(|index| field_path(index, sent) == field_path(index, received))
}

/// Where captured variable `index` (5 or more) of a closure of `count`
/// captured variables lies in the record of the closure's last slot.
fn captured_path(index: usize, count: usize) -> Vec<usize> {
    field_path(index - KEPT, count - KEPT)
}

struct Rewriter<'a> {
    /// Each function's captured count before the rewriting.
    captured_counts: &'a [usize],
    next_local: u32,
    /// The function's spill record and how many parameters it carries.
    spill: Option<(LocalId, usize)>,
    /// How many variables the function's closure captures.
    captured: usize,
    /// The record of captured variables 5 on, loaded at entry.
    environment: Option<LocalId>,
    /// Locals bound to closures of more than six captured variables made
    /// in this function, and their captured counts (local mutual
    /// recursion patches their slots).
    closures: HashMap<LocalId, usize>,
}

impl Rewriter<'_> {
    fn fresh(&mut self) -> LocalId {
        let local = LocalId(self.next_local);
        self.next_local += 1;
        local
    }

    /// Reads the fields of `record` (laid out by [`field_path`]) into
    /// `targets`.
    fn unpack(&mut self, record: Atom, targets: &[LocalId], lets: &mut Lets) {
        let nested = targets.len() > MAX_FIELDS;
        let direct = if nested {
            MAX_FIELDS - 1
        } else {
            targets.len()
        };
        for (index, target) in targets[..direct].iter().enumerate() {
            let value = Value::Field {
                object: record.clone(),
                index,
            };
            lets.push((Some(*target), value));
        }
        if nested {
            let rest = self.fresh();
            let value = Value::Field {
                object: record,
                index: MAX_FIELDS - 1,
            };
            lets.push((Some(rest), value));
            self.unpack(Atom::Local(rest), &targets[direct..], lets);
        }
    }

    /// A new record of `atoms`, laid out by [`field_path`].
    fn pack(&mut self, mut atoms: Vec<Atom>, lets: &mut Lets) -> Atom {
        if atoms.len() > MAX_FIELDS {
            let rest = atoms.split_off(MAX_FIELDS - 1);
            let rest = self.pack(rest, lets);
            atoms.push(rest);
        }
        let record = self.fresh();
        let value = Value::Allocate {
            kind: ObjectKind::Record,
            fields: atoms,
        };
        lets.push((Some(record), value));
        Atom::Local(record)
    }

    /// The local holding the object that has the last step of `path`,
    /// starting from `object`.
    fn follow(&mut self, object: Atom, path: &[usize], lets: &mut Lets) -> Atom {
        let mut object = object;
        for &index in &path[..path.len() - 1] {
            let holder = self.fresh();
            lets.push((Some(holder), Value::Field { object, index }));
            object = Atom::Local(holder);
        }
        object
    }

    /// The arguments of a call, at most six: the first five and a spill
    /// record of the others, reusing the function's own when it can.
    fn arguments(&mut self, mut arguments: Vec<Atom>, lets: &mut Lets) -> Vec<Atom> {
        if arguments.len() <= MAX_PARAMETERS {
            return arguments;
        }
        let spilled = arguments.split_off(KEPT);
        let record = match self.spill {
            Some((record, received)) if compatible(spilled.len(), received) => {
                for (index, atom) in spilled.into_iter().enumerate() {
                    let path = field_path(index, received);
                    let holder = self.follow(Atom::Local(record), &path, lets);
                    let value = Value::SetField {
                        object: holder,
                        index: path[path.len() - 1],
                        value: atom,
                    };
                    lets.push((None, value));
                }
                Atom::Local(record)
            }
            _ => self.pack(spilled, lets),
        };
        arguments.push(record);
        arguments
    }

    fn term(&mut self, term: Term) -> Term {
        match term {
            Term::Let {
                local,
                value,
                span,
                body,
            } => {
                let mut lets = Vec::new();
                let value = self.value(local, value, &mut lets);
                let body = self.term(*body);
                let term = Term::Let {
                    local,
                    value,
                    span: span.clone(),
                    body: Box::new(body),
                };
                wrap(lets, span, term)
            }
            Term::TailCall { callee, arguments } => {
                let mut lets = Vec::new();
                let arguments = self.arguments(arguments, &mut lets);
                wrap(lets, None, Term::TailCall { callee, arguments })
            }
            Term::If {
                condition,
                then_branch,
                else_branch,
            } => Term::If {
                condition,
                then_branch: Box::new(self.term(*then_branch)),
                else_branch: Box::new(self.term(*else_branch)),
            },
            Term::Switch {
                scrutinee,
                variant_count,
                cases,
                default,
            } => Term::Switch {
                scrutinee,
                variant_count,
                cases: cases
                    .into_iter()
                    .map(|(variant, case)| (variant, self.term(case)))
                    .collect(),
                default: default.map(|default| Box::new(self.term(*default))),
            },
            Term::Blocks { body, blocks } => Term::Blocks {
                body: Box::new(self.term(*body)),
                blocks: blocks
                    .into_iter()
                    .map(|(block, term)| (block, self.term(term)))
                    .collect(),
            },
            other @ (Term::Return(_) | Term::TailResume { .. } | Term::Jump(_) | Term::Fail(_)) => {
                other
            }
        }
    }

    /// The value bound to `local`, with the `let`s it needs first.
    fn value(&mut self, local: Option<LocalId>, value: Value, lets: &mut Lets) -> Value {
        match value {
            Value::Call { callee, arguments } => Value::Call {
                callee,
                arguments: self.arguments(arguments, lets),
            },
            Value::MakeClosure {
                function,
                mut captured,
            } if captured.len() > MAX_CAPTURED => {
                debug_assert_eq!(captured.len(), self.captured_counts[function.0 as usize]);
                if let Some(local) = local {
                    self.closures.insert(local, captured.len());
                }
                let rest = captured.split_off(KEPT);
                let record = self.pack(rest, lets);
                captured.push(record);
                Value::MakeClosure { function, captured }
            }
            Value::LoadCaptured(index) if index >= KEPT && self.captured > MAX_CAPTURED => {
                let path = captured_path(index, self.captured);
                let environment = self.environment_atom();
                let holder = self.follow(environment, &path, lets);
                Value::Field {
                    object: holder,
                    index: path[path.len() - 1],
                }
            }
            Value::SetCaptured { index, value }
                if index >= KEPT && self.captured > MAX_CAPTURED =>
            {
                let path = captured_path(index, self.captured);
                let environment = self.environment_atom();
                let holder = self.follow(environment, &path, lets);
                Value::SetField {
                    object: holder,
                    index: path[path.len() - 1],
                    value,
                }
            }
            Value::SetField {
                object: Atom::Local(closure),
                index,
                value,
            } if index > KEPT && self.closures.contains_key(&closure) => {
                // Slot `index` of a closure is captured variable `index - 1`.
                let count = self.closures[&closure];
                let path = captured_path(index - 1, count);
                let environment = self.fresh();
                let slot = Value::Field {
                    object: Atom::Local(closure),
                    index: KEPT + 1,
                };
                lets.push((Some(environment), slot));
                let holder = self.follow(Atom::Local(environment), &path, lets);
                Value::SetField {
                    object: holder,
                    index: path[path.len() - 1],
                    value,
                }
            }
            Value::Block(term) => Value::Block(Box::new(self.term(*term))),
            other => other,
        }
    }

    fn environment_atom(&self) -> Atom {
        Atom::Local(
            self.environment
                .expect("a function of more than six captured variables loads its environment"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::compatible;

    #[test]
    fn a_spill_record_carries_fewer_values_laid_out_alike() {
        assert!(compatible(3, 3));
        assert!(compatible(3, 7));
        assert!(compatible(6, 8));
        assert!(compatible(8, 9));
        assert!(!compatible(4, 3));
        // Seven values lie flat; a record of eight holds its seventh in
        // the chained record.
        assert!(!compatible(7, 8));
    }
}
