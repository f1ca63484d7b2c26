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
//! (which might perform) disqualifies.

use cml_syntax::ast::{Expr, Pattern, ResumeKind};

/// Whether a clause with this continuation pattern, body and state
/// update may be installed with INSTT.
pub(crate) fn is_tail_resumptive(
    continuation: &Pattern,
    body: &Expr,
    state_update: Option<&Expr>,
) -> bool {
    let Some(k) = crate::pattern_name(continuation) else {
        return false;
    };
    state_update.is_none_or(|update| pure(update, k)) && tail(body, k)
}

/// A term whose every exit is `resume k v` with pure parts.
fn tail(expr: &Expr, k: &str) -> bool {
    match expr {
        Expr::Resume {
            kind: ResumeKind::Resume,
            continuation,
            value,
            ..
        } => {
            matches!(&**continuation, Expr::Variable(path) if path.dotted() == k) && pure(value, k)
        }
        Expr::Annotated(inner, _, _) => tail(inner, k),
        Expr::Sequence(first, second, _) => pure(first, k) && tail(second, k),
        Expr::Let {
            recursive: false,
            bindings,
            body,
            ..
        } => {
            bindings.iter().all(|binding| {
                binding.parameters.is_empty() && !binding.mutable && pure(&binding.body, k)
            }) && tail(body, k)
        }
        Expr::If {
            condition,
            then_branch,
            else_branch: Some(else_branch),
            ..
        } => pure(condition, k) && tail(then_branch, k) && tail(else_branch, k),
        _ => false,
    }
}

/// An expression that performs nothing, calls nothing and does not
/// mention `k`.
fn pure(expr: &Expr, k: &str) -> bool {
    match expr {
        Expr::Literal(_) | Expr::Constructor(_) => true,
        Expr::Variable(path) => path.dotted() != k,
        Expr::Annotated(inner, _, _) | Expr::Unary(_, inner, _) | Expr::Field(inner, _, _) => {
            pure(inner, k)
        }
        Expr::Binary(_, left, right, _) => pure(left, k) && pure(right, k),
        Expr::Apply {
            function,
            arguments,
            ..
        } => matches!(&**function, Expr::Constructor(_)) && arguments.iter().all(|a| pure(a, k)),
        Expr::Tuple(elements, _) | Expr::List(elements, _) => {
            elements.iter().all(|element| pure(element, k))
        }
        Expr::Record { fields, .. } => fields.iter().all(|(name, value)| {
            value
                .as_ref()
                .map_or(name.text != k, |value| pure(value, k))
        }),
        Expr::Assign { target, value, .. } => pure(target, k) && pure(value, k),
        Expr::Sequence(first, second, _) => pure(first, k) && pure(second, k),
        Expr::If {
            condition,
            then_branch,
            else_branch,
            ..
        } => {
            pure(condition, k)
                && pure(then_branch, k)
                && else_branch.as_ref().is_none_or(|branch| pure(branch, k))
        }
        _ => false,
    }
}
