//! A branch on a comparison (`docs/backend.md`, "Pattern matching"): when
//! the `bool` an `if` (or a match on a `bool`) tests is made by the
//! comparison just before it, `<`, `==` on immediates or `not` of one,
//! and is read nowhere else, the comparison is computed into v2 and
//! branched on there, without making and storing the BOOL.

use std::collections::HashMap;
use std::fmt::Write;

use cml_ir::{Atom, LocalId, Primitive, Span, Term};

use super::{Context, Emitter};

/// How many times each local is read as an operand in a function body.
pub(super) fn use_counts(body: &Term) -> HashMap<LocalId, usize> {
    let mut counts = HashMap::new();
    crate::data::visit_term(body, &mut |atom| {
        if let Atom::Local(local) = atom {
            *counts.entry(*local).or_insert(0) += 1;
        }
    });
    counts
}

/// What is computed into v2 for the branch.
#[derive(PartialEq)]
enum Test<'a> {
    /// A `bool` as it is: zero is false.
    Value(&'a Atom),
    /// SLT: zero is false.
    Less(&'a Atom, &'a Atom),
    /// SUB of the two, or the one operand when the other is 0: zero is
    /// true.
    Equal(&'a Atom, &'a Atom),
}

/// A comparison to branch on, found at a `let`.
struct Plan<'a> {
    test: Test<'a>,
    /// Whether the branch tests the negation of `test` (`not`).
    negated: bool,
    /// The spans of the `let`s folded in, for the source comments.
    spans: Vec<&'a Option<Span>>,
    /// The `if`, or the join blocks whose body leads to it.
    branch: &'a Term,
}

/// Whether `term` is an `if` on `local`, or join blocks whose body is.
fn leads_to_if(term: &Term, local: LocalId) -> bool {
    match term {
        Term::If { condition, .. } => *condition == Atom::Local(local),
        Term::Blocks { body, .. } => leads_to_if(body, local),
        _ => false,
    }
}

impl Emitter<'_> {
    /// The comparison `term` (a `let`) makes for the branch right after
    /// it, if its `bool` is read only there; a chain of `not`s of it is
    /// folded in.
    fn branch_plan<'a>(&self, term: &'a Term) -> Option<Plan<'a>> {
        let Term::Let {
            local: Some(local),
            value: cml_ir::Value::Primitive(primitive, atoms),
            span,
            body,
        } = term
        else {
            return None;
        };
        if self.uses.get(local) != Some(&1) {
            return None;
        }
        let (test, negated) = match (primitive, atoms.as_slice()) {
            (Primitive::Less, [left, right]) => (Test::Less(left, right), false),
            (Primitive::Equal, [left, right]) => (Test::Equal(left, right), false),
            (Primitive::Not, [operand]) => (Test::Value(operand), true),
            _ => return None,
        };
        if leads_to_if(body, *local) {
            return Some(Plan {
                test,
                negated,
                spans: vec![span],
                branch: body,
            });
        }
        let mut outer = self.branch_plan(body)?;
        if outer.test != Test::Value(&Atom::Local(*local)) {
            return None;
        }
        outer.test = test;
        outer.negated ^= negated;
        outer.spans.insert(0, span);
        Some(outer)
    }

    /// Emits `term` (a `let`) as a comparison and a branch on it, if it
    /// is one; otherwise emits nothing and answers false.
    pub(super) fn branch_on_comparison(&mut self, term: &Term, context: &Context) -> bool {
        let Some(plan) = self.branch_plan(term) else {
            return false;
        };
        for span in &plan.spans {
            self.source_comment(span);
        }
        // BZ jumps when v2 is zero: for `==` when the operands are equal.
        let zero_is_true = match plan.test {
            Test::Value(atom) => {
                self.load("v2", atom);
                false
            }
            Test::Less(left, right) => {
                self.load("v2", left);
                self.load("v3", right);
                self.line("SLT v2, v2, v3");
                false
            }
            Test::Equal(left, right) => {
                self.difference(left, right);
                true
            }
        };
        let position = plan.spans[plan.spans.len() - 1];
        self.branch(plan.branch, zero_is_true ^ plan.negated, position, context);
        true
    }

    /// v2 ← a value that is zero exactly when the two immediates are
    /// equal: the other operand when one is the literal 0 (BZ reads any
    /// tag), otherwise their difference as INTs.
    fn difference(&mut self, left: &Atom, right: &Atom) {
        if *right == Atom::Int(0) {
            self.load("v2", left);
        } else if *left == Atom::Int(0) {
            self.load("v2", right);
        } else {
            self.load("v2", left);
            self.load("v3", right);
            for (register, atom) in [("v2", left), ("v3", right)] {
                // A literal is loaded with its tag INT already.
                if !matches!(atom, Atom::Int(_)) {
                    self.line(&format!("SETTAG {register}, INT"));
                }
            }
            self.line("SUB v2, v2, v3");
        }
    }

    /// Emits the `if` that `term` leads to as a BZ on v2, which jumps to
    /// the `then` branch when `zero_to_then` and to the `else` branch
    /// otherwise; the other branch falls through. The `then` branch, when
    /// jumped to, is marked with the comparison's `position` again for
    /// the debug table, as it is when it follows the comparison.
    fn branch(
        &mut self,
        term: &Term,
        zero_to_then: bool,
        position: &Option<Span>,
        context: &Context,
    ) {
        match term {
            Term::If {
                then_branch,
                else_branch,
                ..
            } => {
                let (target, first, second) = if zero_to_then {
                    (self.fresh_label("then"), else_branch, then_branch)
                } else {
                    (self.fresh_label("else"), then_branch, else_branch)
                };
                self.line(&format!("BZ v2, {target}"));
                self.term(first, context);
                let _ = writeln!(self.text, "{target}:");
                if zero_to_then {
                    self.last_position = (0, 0);
                    self.source_comment(position);
                }
                self.term(second, context);
            }
            Term::Blocks { body, blocks } => {
                self.branch(body, zero_to_then, position, context);
                for (block, term) in blocks {
                    let _ = writeln!(self.text, "{}:", self.block_label(*block));
                    self.term(term, context);
                }
            }
            _ => unreachable!("a branch plan ends at an `if`"),
        }
    }
}
