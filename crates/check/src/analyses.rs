//! The analyses that run after inference, when every type is known: the
//! exhaustiveness and redundancy of each `match` (`exhaustiveness`) and
//! the linearity of continuations (`linearity`).
//!
//! Input: the finished [`Inferencer`] (its declarations, its table, and
//! the matches and local binders it recorded). Output: more
//! [`CheckError`]s. Both analyses are skipped for a match whose patterns
//! already had errors, so that nothing is reported twice.

use cml_types::Type;

use crate::declarations::Declarations;
use crate::error::CheckError;
use crate::exhaustiveness::{analyse_match, lower_pattern, Arm, DeclarationSignatures};
use crate::infer::Inferencer;
use crate::linearity::{check_linearity, LinearityFacts};

/// Reports every non-exhaustive `match` (an error: a missing case would
/// make MATCH trap) and every redundant arm (a warning).
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
            errors.push(CheckError::NonExhaustiveMatch {
                missing,
                span: recorded.span.clone(),
            });
        }
        for index in analysis.redundant_arms {
            if let Some((_, _, span)) = recorded.arms.get(index) {
                errors.push(CheckError::RedundantArm { span: span.clone() });
            }
        }
    }
    errors
}

/// What the linearity pass needs, from the inferred types: the local
/// binders whose values are linear, and the record fields that are.
pub fn linearity_facts(inferencer: &Inferencer) -> LinearityFacts {
    let declarations = &inferencer.declarations;
    let mut facts = LinearityFacts::default();
    for (span, ty) in &inferencer.local_binders {
        if is_linear(&inferencer.table.resolve(ty), declarations) {
            facts.linear_binders.insert(span.clone());
        }
    }
    for fields in declarations.records.values() {
        for field in fields {
            if is_linear(&field.ty, declarations) {
                facts.linear_fields.insert(field.name.clone());
            }
        }
    }
    facts
}

/// Whether values of `ty` are linear: a continuation, a type declared
/// `type linear`, or a type that holds a continuation (which the
/// declarations mark with a hidden answer-and-row parameter).
fn is_linear(ty: &Type, declarations: &Declarations) -> bool {
    match ty {
        Type::Continuation(..) => true,
        Type::Constructor(name, _) => declarations
            .types
            .get(name)
            .is_some_and(|info| info.linear || info.hidden.is_some()),
        _ => false,
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
        .map(CheckError::Linearity)
        .collect()
}
