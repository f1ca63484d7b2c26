//! The analyses that run after inference, when every type is known: the
//! exhaustiveness and redundancy of each `match` (`exhaustiveness`) and
//! the linearity of continuations (`linearity`).
//!
//! Input: the finished [`Inferencer`] (its declarations, its table, and
//! the matches and local binders it recorded). Output: more
//! [`CheckError`]s. Both analyses are skipped for a match whose patterns
//! already had errors, so that nothing is reported twice.

use cml_types::Type;

use crate::error::CheckError;
use crate::exhaustiveness::{
    analyse_match, lower_pattern, Arm, ConstructorForm, DeclarationSignatures, Signature,
    Signatures,
};
use crate::infer::{Inferencer, MatchKind};
use crate::linearity::{check_linearity, LinearityFacts};

/// Reports every non-exhaustive `match` (an error: a missing case would
/// make MATCH trap) and every redundant arm (a warning); likewise for a
/// handler's `return` clauses, and every refutable pattern where there is
/// no other arm (a `let`, a parameter, a clause's argument).
pub fn match_errors(inferencer: &Inferencer) -> Vec<CheckError> {
    let signatures = DeclarationSignatures::new(&inferencer.declarations, &inferencer.table);
    let mut errors = Vec::new();
    for recorded in &inferencer.matches {
        let arms: Option<Vec<Arm>> = recorded
            .arms
            .iter()
            .map(|(pattern, guarded, _)| {
                Some(Arm {
                    pattern: lower_pattern(pattern, &inferencer.declarations)?,
                    guarded: *guarded,
                })
            })
            .collect();
        let Some(arms) = arms else { continue };
        let scrutinee = inferencer.table.resolve(&recorded.scrutinee_type);
        let analysis = analyse_match(&signatures, &scrutinee, &arms);
        if let Some(missing) = analysis.missing_summary() {
            let ty = inferencer.show(&scrutinee);
            let span = recorded.span.clone();
            errors.push(match &recorded.kind {
                MatchKind::Match => CheckError::NonExhaustiveMatch { missing, ty, span },
                MatchKind::ReturnClauses => CheckError::NonExhaustiveReturn { missing, ty, span },
                MatchKind::Binding(place) => CheckError::RefutablePattern {
                    place: place.clone(),
                    missing,
                    ty,
                    span,
                },
            });
        }
        if recorded.kind != MatchKind::Match && recorded.kind != MatchKind::ReturnClauses {
            continue;
        }
        for index in analysis.redundant_arms {
            if let Some((pattern, _, span)) = recorded.arms.get(index) {
                // `| return v -> v` is how a handler says "as is"; alone
                // on a result type with no values (`empty`) it is harmless.
                let catch_all = matches!(
                    pattern,
                    cml_syntax::ast::Pattern::Variable(_) | cml_syntax::ast::Pattern::Wildcard(_)
                );
                if recorded.kind == MatchKind::ReturnClauses && catch_all && index == 0 {
                    continue;
                }
                errors.push(CheckError::RedundantArm { span: span.clone() });
            }
        }
    }
    errors
}

/// What the linearity pass needs, from the inferred types: the local
/// binders whose values are linear, and the record fields that are.
pub fn linearity_facts(inferencer: &Inferencer) -> LinearityFacts {
    let signatures = DeclarationSignatures::new(&inferencer.declarations, &inferencer.table);
    let mut facts = LinearityFacts::default();
    for (span, ty) in &inferencer.local_binders {
        if is_linear(&signatures, &inferencer.table.resolve(ty), &mut Vec::new()) {
            facts.linear_binders.insert(span.clone());
        }
    }
    for fields in inferencer.declarations.records.values() {
        for field in fields {
            if !field.mutable && is_linear(&signatures, &field.ty, &mut Vec::new()) {
                facts.linear_fields.insert(field.name.clone());
            }
        }
    }
    facts
}

/// Whether values of `ty` are linear (`docs/cml-types.md`, "Linearity"):
/// a continuation, a type declared `type linear`, or a value that holds
/// one *by value*: a tuple with a linear component, a sum with a
/// constructor argument of linear type, a record with an immutable field
/// of linear type (the type's arguments put in for its parameters, so
/// `option (unit continuation)` is linear). What a value reaches through a
/// mutable place does not count: a `mutable` field is a cell, and the
/// prelude's abstract containers (`queue`, `table`, `ref`) are mutable
/// references, so `coro_state` with `mutable ready : coro queue` is not
/// linear although a `coro` is. `visited` stops the walk through recursive
/// types (`list`).
pub(crate) fn is_linear(
    signatures: &DeclarationSignatures,
    ty: &Type,
    visited: &mut Vec<String>,
) -> bool {
    match signatures.table.shallow(ty) {
        Type::Continuation(..) => true,
        Type::Tuple(items) => items
            .iter()
            .any(|item| is_linear(signatures, item, visited)),
        Type::Constructor(name, _) => {
            let declarations = signatures.declarations;
            if declarations
                .types
                .get(&name)
                .is_some_and(|info| info.linear)
            {
                return true;
            }
            if visited.contains(&name) {
                return false;
            }
            visited.push(name.clone());
            let linear =
                match signatures.signature(ty) {
                    Signature::Constructors(constructors) => {
                        let record = declarations.records.get(&name);
                        constructors.iter().any(|constructor| {
                            constructor.argument_types.iter().enumerate().any(
                                |(position, argument)| {
                                    let mutable =
                                        matches!(constructor.form, ConstructorForm::Record(_))
                                            && record
                                                .and_then(|fields| fields.get(position))
                                                .is_some_and(|field| field.mutable);
                                    !mutable && is_linear(signatures, argument, visited)
                                },
                            )
                        })
                    }
                    Signature::Literals(_) | Signature::Opaque => false,
                };
            visited.pop();
            linear
        }
        Type::Var(_) | Type::Function(..) | Type::Handler(..) => false,
    }
}

/// Runs the linearity pass over the user's module.
pub fn linearity_errors(
    inferencer: &Inferencer,
    module: &cml_syntax::ast::Module,
) -> Vec<CheckError> {
    let facts = linearity_facts(inferencer);
    check_linearity(module, &facts)
        .into_iter()
        .map(|mut error| {
            let binder = error.binder().clone();
            if let Some((_, ty)) = inferencer
                .local_binders
                .iter()
                .find(|(span, _)| *span == binder)
            {
                error.set_type(inferencer.show(ty));
            }
            CheckError::Linearity(error)
        })
        .collect()
}
