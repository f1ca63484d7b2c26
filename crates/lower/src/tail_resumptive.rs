//! Which clauses are tail-resumptive (spec-gaps item 15,
//! `docs/backend.md`, "Tail-resumptive clauses"): a clause whose last act
//! is `resume k v`, whose continuation is used nowhere else, and whose
//! other work cannot perform an effect or capture a continuation, is
//! installed with INSTT: PERF calls it like a function, on top of the
//! performer's stack, capturing nothing, and its value is returned to the
//! perform site. The test is syntactic and conservative: the work before
//! the resume and the resumed value may only be built from literals,
//! variables, operators, constructors, tuples, records, field reads and
//! writes, `if` and the runtime's `^` and `==`; any call of a function
//! (which might perform) disqualifies. When allocation performs
//! `Mem.alloc` (`crate::memory`), so do constructors with fields, tuples,
//! lists and records: run on top of the performer's stack, the clause
//! would allocate in a region the performer entered inside the handler,
//! and what it keeps (its state) would outlive that region.

use cml_syntax::ast::{BinaryOperator, Expr, Pattern, ResumeKind};

/// Whether a clause with this continuation pattern, body and state
/// update may be installed with INSTT (`allocation_performs`: whether
/// building an object performs `Mem.alloc`).
pub(crate) fn is_tail_resumptive(
    continuation: &Pattern,
    body: &Expr,
    state_update: Option<&Expr>,
    allocation_performs: bool,
) -> bool {
    let Some(k) = crate::pattern_name(continuation) else {
        return false;
    };
    let test = Test {
        k,
        allocation_performs,
    };
    state_update.is_none_or(|update| test.pure(update)) && test.tail(body)
}

/// What the test needs: the continuation's name, and whether allocation
/// performs.
struct Test<'k> {
    k: &'k str,
    allocation_performs: bool,
}

impl Test<'_> {
    /// A term whose every exit is `resume k v` with pure parts.
    fn tail(&self, expr: &Expr) -> bool {
        let k = self.k;
        match expr {
            Expr::Resume {
                kind: ResumeKind::Resume,
                continuation,
                value,
                ..
            } => {
                matches!(&**continuation, Expr::Variable(path) if path.dotted() == k)
                    && self.pure(value)
            }
            Expr::Annotated(inner, _, _) => self.tail(inner),
            Expr::Sequence(first, second, _) => self.pure(first) && self.tail(second),
            Expr::Let {
                recursive: false,
                bindings,
                body,
                ..
            } => {
                bindings.iter().all(|binding| {
                    binding.parameters.is_empty() && !binding.mutable && self.pure(&binding.body)
                }) && self.tail(body)
            }
            Expr::If {
                condition,
                then_branch,
                else_branch: Some(else_branch),
                ..
            } => self.pure(condition) && self.tail(then_branch) && self.tail(else_branch),
            _ => false,
        }
    }

    /// An expression that performs nothing, calls nothing and does not
    /// mention `k`.
    fn pure(&self, expr: &Expr) -> bool {
        let k = self.k;
        let allocates = self.allocation_performs;
        match expr {
            Expr::Literal(_) | Expr::Constructor(_) => true,
            Expr::Variable(path) => path.dotted() != k,
            Expr::Annotated(inner, _, _) | Expr::Unary(_, inner, _) | Expr::Field(inner, _, _) => {
                self.pure(inner)
            }
            Expr::Binary(BinaryOperator::Cons, _, _, _) if allocates => false,
            Expr::Binary(_, left, right, _) => self.pure(left) && self.pure(right),
            Expr::Apply { .. } | Expr::Record { .. } if allocates => false,
            Expr::Tuple(elements, _) | Expr::List(elements, _)
                if allocates && !elements.is_empty() =>
            {
                false
            }
            Expr::Apply {
                function,
                arguments,
                ..
            } => {
                matches!(&**function, Expr::Constructor(_))
                    && arguments.iter().all(|a| self.pure(a))
            }
            Expr::Tuple(elements, _) | Expr::List(elements, _) => {
                elements.iter().all(|element| self.pure(element))
            }
            Expr::Record { fields, .. } => fields.iter().all(|(name, value)| {
                value
                    .as_ref()
                    .map_or(name.text != k, |value| self.pure(value))
            }),
            Expr::Assign { target, value, .. } => self.pure(target) && self.pure(value),
            Expr::Sequence(first, second, _) => self.pure(first) && self.pure(second),
            Expr::If {
                condition,
                then_branch,
                else_branch,
                ..
            } => {
                self.pure(condition)
                    && self.pure(then_branch)
                    && else_branch.as_ref().is_none_or(|branch| self.pure(branch))
            }
            _ => false,
        }
    }
}
