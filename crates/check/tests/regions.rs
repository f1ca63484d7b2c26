//! The escape rule of `with region` (`docs/backend.md`, "Regions"): the
//! block's type may contain no type whose values live in the heap, since
//! every heap value is a pointer in this back end. Each case is decided
//! by hand from the rule: immediates and sums of constant constructors
//! pass; tuples, records, strings, lists, functions and type variables
//! do not.

mod common;

use cml_check::CheckError;

/// The printed types of the region blocks the checker refused in
/// `source`, with the part it names.
fn escapes(source: &str) -> Vec<(String, String)> {
    let checked = common::check(source);
    let mut found = Vec::new();
    for error in &checked.errors {
        match error {
            CheckError::RegionEscape { ty, culprit, .. } => {
                found.push((ty.clone(), culprit.clone()));
            }
            other => panic!("unexpected error: {other:?}"),
        }
    }
    found
}

#[test]
fn immediates_and_constant_sums_may_leave_a_region() {
    let source = "type colour = | Red | Green\n\
                  let a () = with region r in { 1 + 2 }\n\
                  let b () = with region r in { true }\n\
                  let c () = with region r in { 'x' }\n\
                  let d () = with region r in { () }\n\
                  let e () = with region r in { Green }";
    assert_eq!(escapes(source), Vec::<(String, String)>::new());
}

#[test]
fn heap_values_may_not_leave_a_region() {
    let source = "type point = { x : int; y : int }\n\
                  let a () = with region r in { (1, 2) }\n\
                  let b () = with region r in { { x = 1; y = 2 } }\n\
                  let c () = with region r in { \"text\" }\n\
                  let d () = with region r in { Some 1 }\n\
                  let e () = with region r in { fun x -> x + 1 }";
    let found = escapes(source);
    let culprits: Vec<&str> = found.iter().map(|(_, culprit)| culprit.as_str()).collect();
    assert_eq!(
        culprits,
        [
            "(int, int)",
            "point",
            "string",
            "option int",
            "int -> int / e"
        ]
    );
}

/// `[]` alone has type `list a`; a list is a sum with a constructor that
/// has fields, so it is refused whatever `a` is.
#[test]
fn an_empty_list_is_still_a_list() {
    let found = escapes("let a () = with region r in { [] }");
    assert_eq!(found.len(), 1);
    assert!(found[0].0.starts_with("list"), "{found:?}");
}

/// A type variable could stand for a heap type: refused.
#[test]
fn a_type_variable_may_not_leave_a_region() {
    let found = escapes("let a x = with region r in { x }");
    assert_eq!(found, [("a".to_string(), "a".to_string())]);
}
