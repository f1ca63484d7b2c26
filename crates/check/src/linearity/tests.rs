//! Tests of the linearity pass, from hand-worked examples.

use super::*;

/// Checks `source` with the facts the pass sees for itself, plus the
/// binders named in `linear_names` and the fields in `linear_fields`.
fn check(source: &str, linear_names: &[&str], linear_fields: &[&str]) -> Vec<LinearityError> {
    let parsed = cml_syntax::parse(source);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let mut facts = LinearityFacts::default();
    for name in linear_names {
        let mut start = 0;
        while let Some(offset) = source[start..].find(name) {
            let at = start + offset;
            facts.linear_binders.insert(at..at + name.len());
            start = at + name.len();
        }
    }
    facts.linear_fields = linear_fields
        .iter()
        .map(|field| field.to_string())
        .collect();
    check_linearity(&parsed.module, &facts)
}

fn kinds(errors: &[LinearityError]) -> Vec<String> {
    errors
        .iter()
        .map(|error| match error {
            LinearityError::UsedTwice { name, maybe, .. } => {
                format!("twice {name}{}", if *maybe { "?" } else { "" })
            }
            LinearityError::Dropped {
                name,
                on_some_paths,
                ..
            } => {
                format!("dropped {name}{}", if *on_some_paths { "?" } else { "" })
            }
            LinearityError::UsedInLoop { name, .. } => format!("loop {name}"),
        })
        .collect()
}

#[test]
fn a_continuation_used_once_is_fine() {
    let errors = check("handler h = { | E.op (), k -> resume k () }", &[], &[]);
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_continuation_resumed_twice_is_an_error_showing_both_uses() {
    let source = "handler h = { | E.op (), k -> resume k (); resume k () }";
    let errors = check(source, &[], &[]);
    assert_eq!(kinds(&errors), ["twice k"]);
    let LinearityError::UsedTwice { first, second, .. } = &errors[0] else {
        panic!()
    };
    assert_eq!(&source[first.clone()], "k");
    assert!(first.start < second.start);
}

#[test]
fn uses_in_different_branches_are_one_use_each_path() {
    let errors = check(
        "handler h = { | E.op x, k -> if x then resume k () else (push k; scheduler ()) }",
        &[],
        &[],
    );
    assert!(errors.is_empty(), "{errors:?}");
    let errors = check(
        "handler h = { | E.op x, k -> match x with | A -> resume k () | B -> invoke k () }",
        &[],
        &[],
    );
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_use_after_a_branch_that_may_have_used_it_is_an_error() {
    let errors = check(
        "handler h = { | E.op x, k -> (if x then push k); resume k () }",
        &[],
        &[],
    );
    assert_eq!(kinds(&errors), ["twice k?"]);
}

#[test]
fn an_unused_continuation_is_a_warning_unless_underscored() {
    let errors = check("handler h = { | E.op x, k -> scheduler () }", &[], &[]);
    assert_eq!(kinds(&errors), ["dropped k"]);
    assert_eq!(errors[0].severity(), Severity::Warning);
    let errors = check("handler h = { | E.op x, _k -> scheduler () }", &[], &[]);
    assert!(errors.is_empty());
    let errors = check(
        "handler h = { | E.op x, k -> if x then resume k () else () }",
        &[],
        &[],
    );
    assert_eq!(kinds(&errors), ["dropped k?"]);
}

#[test]
fn reify_binds_a_linear_value() {
    let errors = check("let f g = let k = reify g in push k; push k", &[], &[]);
    assert_eq!(kinds(&errors), ["twice k"]);
}

#[test]
fn a_record_field_pun_uses_the_variable() {
    let errors = check(
        "handler h = { | E.op (), k -> push { id = 1; k }; push { id = 2; k } }",
        &[],
        &[],
    );
    assert_eq!(kinds(&errors), ["twice k"]);
}

#[test]
fn non_linear_fields_copy_and_linear_fields_move() {
    let source = "let f p = push { id = p.id; home = p.home }; invoke p.k ()";
    assert!(check(source, &["p"], &["k"]).is_empty());
    let source = "let f p = invoke p.k (); invoke p.k ()";
    assert_eq!(kinds(&check(source, &["p"], &["k"])), ["twice p"]);
    let source = "let f p = g p; invoke p.k ()";
    assert_eq!(kinds(&check(source, &["p"], &["k"])), ["twice p"]);
}

#[test]
fn shadowing_by_a_non_linear_name_hides_the_linear_one() {
    let source = "handler h = { | E.op (), k -> let k = 1 in k + k; resume_later () }";
    let errors = check(source, &[], &[]);
    assert_eq!(kinds(&errors), ["dropped k"]);
}

#[test]
fn a_linear_value_from_outside_a_loop_is_an_error_inside_it() {
    let errors = check(
        "handler h = { | E.op (), k -> loop { resume k () } }",
        &[],
        &[],
    );
    assert_eq!(kinds(&errors), ["loop k", "dropped k"]);
    let errors = check("let f () = loop { let k = reify g in push k }", &[], &[]);
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn each_clause_is_its_own_path() {
    let source = "\
let f p = with h in { g () }
handler h = {
  | A.a (), k -> resume k ()
  | A.b (), k -> invoke k ()
  | return v -> v
}
";
    assert!(check(source, &[], &[]).is_empty());
}
