//! Frame slots: every local of a function gets a tagged stack slot,
//! allocated by linear scan over the body in program order. A body has no
//! back edges (loops are tail calls), so a local is live from its first
//! appearance to its last in that order; the result local of a
//! [`Value::Block`] is live from the `let`, because the block's branches
//! write it.

use std::collections::HashMap;

use cml_ir::{Atom, LocalId, Term, Value};

/// The slot of each local and the frame's size.
#[derive(Debug, Default)]
pub struct Frame {
    /// Slot by local.
    pub slots: HashMap<LocalId, u8>,
    /// How many slots the frame reserves.
    pub size: usize,
}

/// The largest slot LDS/STS can address.
pub const MAX_SLOTS: usize = 64;

#[derive(Default)]
struct Intervals {
    position: usize,
    spans: HashMap<LocalId, (usize, usize)>,
}

impl Intervals {
    fn touch(&mut self, local: LocalId) {
        let position = self.position;
        self.spans
            .entry(local)
            .and_modify(|span| span.1 = position)
            .or_insert((position, position));
    }

    fn atom(&mut self, atom: &Atom) {
        if let Atom::Local(local) = atom {
            self.touch(*local);
        }
    }

    fn atoms(&mut self, atoms: &[Atom]) {
        for atom in atoms {
            self.atom(atom);
        }
    }

    fn term(&mut self, term: &Term) {
        self.position += 1;
        match term {
            Term::Let {
                local, value, body, ..
            } => {
                if let Some(local) = local {
                    self.touch(*local);
                }
                self.value(value);
                self.term(body);
            }
            Term::Return(atom) => self.atom(atom),
            Term::TailCall { callee, arguments } => {
                self.atom(callee);
                self.atoms(arguments);
            }
            Term::TailResume {
                continuation,
                value,
                ..
            } => {
                self.atom(continuation);
                self.atom(value);
            }
            Term::If {
                condition,
                then_branch,
                else_branch,
            } => {
                self.atom(condition);
                self.term(then_branch);
                self.term(else_branch);
            }
            Term::Switch {
                scrutinee,
                cases,
                default,
                ..
            } => {
                self.atom(scrutinee);
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
            Term::Jump(_) | Term::Fail(_) => {}
        }
        self.position += 1;
    }

    fn value(&mut self, value: &Value) {
        match value {
            Value::Atom(atom) => self.atom(atom),
            Value::Primitive(_, atoms) | Value::Runtime(_, atoms) => self.atoms(atoms),
            Value::Call { callee, arguments } => {
                self.atom(callee);
                self.atoms(arguments);
            }
            Value::Allocate { fields, .. } => self.atoms(fields),
            Value::MakeClosure { captured, .. } => self.atoms(captured),
            Value::Field { object, .. } => self.atom(object),
            Value::SetField { object, value, .. } => {
                self.atom(object);
                self.atom(value);
            }
            Value::SetCaptured { value, .. }
            | Value::StoreGlobal(_, value)
            | Value::InstallRegion(value) => self.atom(value),
            Value::Perform { argument, .. } => self.atom(argument),
            Value::Resume {
                continuation,
                value,
                ..
            } => {
                self.atom(continuation);
                self.atom(value);
            }
            Value::Block(term) => self.term(term),
            Value::LoadCaptured(_)
            | Value::CurrentClosure
            | Value::LoadGlobal(_)
            | Value::Uninstall(_)
            | Value::Installed => {}
        }
    }
}

/// Allocates the slots of a function with these parameters and body.
pub fn allocate(parameters: &[LocalId], body: &Term) -> Frame {
    let mut intervals = Intervals::default();
    for parameter in parameters {
        intervals.touch(*parameter);
    }
    intervals.term(body);
    let mut spans: Vec<(LocalId, (usize, usize))> = intervals.spans.into_iter().collect();
    spans.sort_by_key(|(local, (start, _))| (*start, *local));
    let mut frame = Frame::default();
    // (end, slot) of the live intervals.
    let mut active: Vec<(usize, u8)> = Vec::new();
    let mut free: Vec<u8> = Vec::new();
    for (local, (start, end)) in spans {
        active.retain(|(active_end, slot)| {
            if *active_end < start {
                free.push(*slot);
                false
            } else {
                true
            }
        });
        free.sort_unstable_by(|a, b| b.cmp(a));
        let slot = match free.pop() {
            Some(slot) => slot,
            None => {
                let slot = frame.size as u8;
                frame.size += 1;
                slot
            }
        };
        active.push((end, slot));
        frame.slots.insert(local, slot);
    }
    frame
}
