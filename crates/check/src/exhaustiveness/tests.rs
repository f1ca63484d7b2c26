//! Tests of the analysis from its definition: each expectation is worked
//! out by hand from the values of the types involved, not taken from the
//! program's output. The property test compares the analysis with brute
//! force over every value of small types built from `bool` and tuples.

use proptest::prelude::*;

use super::*;

/// The types of the tests.
#[derive(Clone, Debug, PartialEq)]
enum TestType {
    Bool,
    Unit,
    Int,
    Byte,
    Text,
    Empty,
    Function,
    /// `Red | Green | Blue`.
    Color,
    /// `{ x : int; y : color }`.
    Point,
    Tuple(Vec<TestType>),
    /// `None | Some of a`.
    Option(Box<TestType>),
    /// `Nil | Cons of a * list a`, a declared sum.
    List(Box<TestType>),
    /// The built-in list: `[]` and `::`.
    BuiltInList(Box<TestType>),
}

struct TestSignatures;

impl Signatures for TestSignatures {
    type Type = TestType;

    fn signature(&self, ty: &TestType) -> Signature<TestType> {
        match ty {
            TestType::Bool => Signature::boolean(),
            TestType::Unit => Signature::unit(),
            TestType::Int => Signature::Literals(LiteralKind::Integer),
            TestType::Byte => Signature::Literals(LiteralKind::Byte),
            TestType::Text => Signature::Literals(LiteralKind::String),
            TestType::Empty => Signature::empty(),
            TestType::Function => Signature::Opaque,
            TestType::Color => Signature::sum(vec![
                ("Red".to_string(), vec![]),
                ("Green".to_string(), vec![]),
                ("Blue".to_string(), vec![]),
            ]),
            TestType::Point => Signature::record(vec![
                ("x".to_string(), TestType::Int),
                ("y".to_string(), TestType::Color),
            ]),
            TestType::Tuple(items) => Signature::tuple(items.clone()),
            TestType::Option(inner) => Signature::sum(vec![
                ("None".to_string(), vec![]),
                ("Some".to_string(), vec![(**inner).clone()]),
            ]),
            TestType::List(inner) => Signature::sum(vec![
                ("Nil".to_string(), vec![]),
                ("Cons".to_string(), vec![(**inner).clone(), ty.clone()]),
            ]),
            TestType::BuiltInList(inner) => Signature::Constructors(vec![
                ConstructorSignature {
                    form: ConstructorForm::ListNil,
                    argument_types: vec![],
                },
                ConstructorSignature {
                    form: ConstructorForm::ListCons,
                    argument_types: vec![(**inner).clone(), ty.clone()],
                },
            ]),
        }
    }
}

fn wildcard() -> Pattern {
    Pattern::Wildcard
}
fn none() -> Pattern {
    Pattern::constant(0)
}
fn some(argument: Pattern) -> Pattern {
    Pattern::constructor(1, vec![argument])
}
fn nil() -> Pattern {
    Pattern::constant(0)
}
fn cons(head: Pattern, tail: Pattern) -> Pattern {
    Pattern::constructor(1, vec![head, tail])
}
fn red() -> Pattern {
    Pattern::constant(0)
}
fn green() -> Pattern {
    Pattern::constant(1)
}
fn blue() -> Pattern {
    Pattern::constant(2)
}
fn boolean(value: bool) -> Pattern {
    Pattern::boolean(value)
}
fn pair(first: Pattern, second: Pattern) -> Pattern {
    Pattern::tuple(vec![first, second])
}
fn option(inner: TestType) -> TestType {
    TestType::Option(Box::new(inner))
}
fn list(inner: TestType) -> TestType {
    TestType::List(Box::new(inner))
}
fn tuple(items: Vec<TestType>) -> TestType {
    TestType::Tuple(items)
}

fn analyse(ty: TestType, arms: Vec<Arm>) -> MatchAnalysis {
    analyse_match(&TestSignatures, &ty, &arms)
}

fn analyse_unguarded(ty: TestType, patterns: Vec<Pattern>) -> MatchAnalysis {
    analyse(ty, patterns.into_iter().map(Arm::new).collect())
}

fn missing(ty: TestType, patterns: Vec<Pattern>) -> Vec<String> {
    let analysis = analyse_unguarded(ty, patterns);
    analysis.missing.iter().map(ToString::to_string).collect()
}

fn redundant(ty: TestType, patterns: Vec<Pattern>) -> Vec<usize> {
    analyse_unguarded(ty, patterns).redundant_arms
}

// Options and lists.

#[test]
fn both_option_constructors_are_exhaustive() {
    let analysis = analyse_unguarded(option(TestType::Int), vec![none(), some(wildcard())]);
    assert!(analysis.is_exhaustive());
    assert!(analysis.redundant_arms.is_empty());
    assert_eq!(analysis.missing_summary(), None);
}

#[test]
fn a_missing_option_constructor_is_printed_with_wildcard_arguments() {
    assert_eq!(missing(option(TestType::Int), vec![none()]), ["Some _"]);
    assert_eq!(
        missing(option(TestType::Int), vec![some(wildcard())]),
        ["None"]
    );
}

#[test]
fn an_option_of_a_list_misses_the_cons_under_some() {
    // `None` and `Some Nil` leave exactly the values `Some (Cons (h, t))`.
    let ty = option(list(TestType::Bool));
    assert_eq!(
        missing(ty, vec![none(), some(nil())]),
        ["Some (Cons (_, _))"]
    );
}

#[test]
fn a_nested_boolean_under_cons_is_found() {
    // `Some (Cons (true, _))` covers the cells starting with true; those
    // starting with false are left, whatever their tail.
    let ty = option(list(TestType::Bool));
    let arms = vec![none(), some(nil()), some(cons(boolean(true), wildcard()))];
    assert_eq!(missing(ty, arms), ["Some (Cons (false, _))"]);
}

#[test]
fn lists_up_to_a_length_miss_the_longer_ones() {
    // `[]`, `[_]` and `[_; _]` miss every list of three or more elements.
    let ty = list(TestType::Int);
    let arms = vec![
        nil(),
        cons(wildcard(), nil()),
        cons(wildcard(), cons(wildcard(), nil())),
    ];
    assert_eq!(missing(ty, arms), ["Cons (_, Cons (_, Cons (_, _)))"]);
}

#[test]
fn built_in_lists_print_with_brackets_and_cons() {
    // `[]` and `[x]` miss `_ :: _ :: _`; `_ :: _` alone misses `[]`; and a
    // head that is not matched prints as a list literal when the tail is.
    let ty = TestType::BuiltInList(Box::new(TestType::Bool));
    assert_eq!(
        missing(ty.clone(), vec![nil(), cons(wildcard(), nil())]),
        ["_ :: _ :: _"]
    );
    assert_eq!(
        missing(ty.clone(), vec![cons(wildcard(), wildcard())]),
        ["[]"]
    );
    let arms = vec![
        nil(),
        cons(boolean(true), wildcard()),
        cons(boolean(false), cons(wildcard(), wildcard())),
    ];
    assert_eq!(missing(ty, arms), ["[false]"]);
}

// Tuples of booleans.

#[test]
fn the_worked_example_of_the_module_documentation() {
    let ty = tuple(vec![TestType::Bool, TestType::Bool]);
    let arms = vec![
        pair(boolean(true), wildcard()),
        pair(wildcard(), boolean(false)),
    ];
    assert_eq!(missing(ty, arms), ["(false, true)"]);
}

#[test]
fn one_pair_of_booleans_misses_the_rest_in_two_patterns() {
    // (true, true) alone: every pair starting with false, and (true, false).
    let ty = tuple(vec![TestType::Bool, TestType::Bool]);
    assert_eq!(
        missing(ty, vec![pair(boolean(true), boolean(true))]),
        ["(false, _)", "(true, false)"]
    );
}

#[test]
fn all_four_pairs_of_booleans_are_exhaustive() {
    let ty = tuple(vec![TestType::Bool, TestType::Bool]);
    let arms = [(false, false), (false, true), (true, false), (true, true)]
        .into_iter()
        .map(|(first, second)| pair(boolean(first), boolean(second)))
        .collect();
    let analysis = analyse_unguarded(ty, arms);
    assert!(analysis.is_exhaustive());
    assert!(analysis.redundant_arms.is_empty());
}

#[test]
fn a_match_without_arms_misses_everything() {
    assert_eq!(missing(TestType::Bool, vec![]), ["_"]);
    assert_eq!(
        missing(tuple(vec![TestType::Bool, TestType::Int]), vec![]),
        ["_"]
    );
    assert_eq!(missing(TestType::Unit, vec![]), ["_"]);
}

#[test]
fn unit_is_covered_by_its_one_value() {
    assert!(analyse_unguarded(TestType::Unit, vec![Pattern::unit()]).is_exhaustive());
}

// Records.

#[test]
fn a_record_prints_every_field_in_declaration_order() {
    // `{ y = Red }` and `{ y = Green }` (x a wildcard) miss `y = Blue`.
    let arms = vec![
        Pattern::tuple(vec![wildcard(), red()]),
        Pattern::tuple(vec![wildcard(), green()]),
    ];
    assert_eq!(missing(TestType::Point, arms), ["{ x = _; y = Blue }"]);
}

#[test]
fn a_record_with_an_integer_field_misses_an_example_integer() {
    // `{ x = 0 }` and `{ x = 1; y = Red }`: every x but 0 and 1, any y, is
    // missing (shown by the example 2), and x = 1 with Green or Blue. The
    // simplest pattern comes first.
    let arms = vec![
        Pattern::tuple(vec![Pattern::integer(0), wildcard()]),
        Pattern::tuple(vec![Pattern::integer(1), red()]),
    ];
    assert_eq!(
        missing(TestType::Point, arms),
        [
            "{ x = 2; y = _ }",
            "{ x = 1; y = Green }",
            "{ x = 1; y = Blue }"
        ]
    );
}

// Literals.

#[test]
fn integer_literals_are_never_exhaustive_without_a_wildcard() {
    assert_eq!(
        missing(
            TestType::Int,
            vec![Pattern::integer(1), Pattern::integer(2)]
        ),
        ["0"]
    );
    assert_eq!(
        missing(
            TestType::Int,
            vec![Pattern::integer(0), Pattern::integer(1)]
        ),
        ["2"]
    );
    let analysis = analyse_unguarded(TestType::Int, vec![Pattern::integer(0), wildcard()]);
    assert!(analysis.is_exhaustive());
    assert!(analysis.redundant_arms.is_empty());
}

#[test]
fn a_repeated_literal_is_redundant_and_so_is_anything_after_a_wildcard() {
    let arms = vec![
        Pattern::integer(3),
        Pattern::integer(3),
        wildcard(),
        Pattern::integer(4),
    ];
    assert_eq!(redundant(TestType::Int, arms), [1, 3]);
}

#[test]
fn string_literals_suggest_an_unused_string() {
    assert_eq!(
        missing(TestType::Text, vec![Pattern::string("")]),
        ["\"a\""]
    );
    assert_eq!(
        missing(
            TestType::Text,
            vec![Pattern::string("a"), Pattern::string("b")]
        ),
        ["\"\""]
    );
}

#[test]
fn bytes_are_complete_only_when_all_256_are_listed() {
    let all: Vec<Pattern> = (0..=255).map(Pattern::integer).collect();
    assert!(analyse_unguarded(TestType::Byte, all.clone()).is_exhaustive());
    let all_but_seven: Vec<Pattern> = (0..=255)
        .filter(|value| *value != 7)
        .map(Pattern::integer)
        .collect();
    assert_eq!(missing(TestType::Byte, all_but_seven), ["7"]);
    // A character and its byte are the same value; the example is a
    // character when the match is written with characters.
    let arms = vec![Pattern::Literal(Literal::Char(b'a')), Pattern::integer(97)];
    assert_eq!(redundant(TestType::Byte, arms.clone()), [1]);
    assert_eq!(missing(TestType::Byte, arms), ["'b'"]);
}

#[test]
fn a_negative_integer_under_a_constructor_is_parenthesised() {
    let witness = Witness::Constructor {
        form: ConstructorForm::Named("Some".to_string()),
        arguments: vec![Witness::Literal(Literal::Integer(-1))],
    };
    assert_eq!(witness.to_string(), "Some (-1)");
}

// Or-patterns.

#[test]
fn or_patterns_cover_what_their_alternatives_cover() {
    let arms = vec![Pattern::or(vec![red(), green()]), blue()];
    assert!(analyse_unguarded(TestType::Color, arms).is_exhaustive());
    let arms = vec![Pattern::or(vec![red(), blue()])];
    assert_eq!(missing(TestType::Color, arms), ["Green"]);
}

#[test]
fn or_patterns_nested_inside_a_tuple_are_expanded() {
    // (Red | Green, true) and (_, false) leave (Blue, true).
    let ty = tuple(vec![TestType::Color, TestType::Bool]);
    let arms = vec![
        pair(Pattern::or(vec![red(), green()]), boolean(true)),
        pair(wildcard(), boolean(false)),
    ];
    assert_eq!(missing(ty, arms), ["(Blue, true)"]);
}

#[test]
fn an_arm_covered_by_an_or_pattern_above_is_redundant() {
    let arms = vec![Pattern::or(vec![red(), green()]), green(), blue()];
    assert_eq!(redundant(TestType::Color, arms), [1]);
    // An or-pattern whose every alternative is covered is redundant too.
    let arms = vec![red(), green(), Pattern::or(vec![green(), red()]), blue()];
    assert_eq!(redundant(TestType::Color, arms), [2]);
}

#[test]
fn a_useless_alternative_of_a_useful_or_pattern_is_reported_alone() {
    // `Red | Green | Red`: the second Red adds nothing; `Green | Blue` after
    // `Red | Green` has a useless first alternative.
    let arms = vec![
        Pattern::or(vec![red(), green(), red()]),
        Pattern::or(vec![green(), blue()]),
    ];
    let analysis = analyse_unguarded(TestType::Color, arms);
    assert!(analysis.redundant_arms.is_empty());
    assert_eq!(analysis.redundant_alternatives, [(0, 2), (1, 0)]);
    assert!(analysis.is_exhaustive());
}

// Redundancy.

#[test]
fn a_later_arm_covered_by_earlier_ones_is_redundant() {
    // (true, _) and (false, _) cover every pair: (_, true) adds nothing.
    let ty = tuple(vec![TestType::Bool, TestType::Bool]);
    let arms = vec![
        pair(boolean(true), wildcard()),
        pair(boolean(false), wildcard()),
        pair(wildcard(), boolean(true)),
    ];
    assert_eq!(redundant(ty, arms), [2]);
}

#[test]
fn an_arm_overlapping_but_not_covered_is_not_redundant() {
    let ty = tuple(vec![TestType::Bool, TestType::Bool]);
    let arms = vec![
        pair(boolean(true), wildcard()),
        pair(wildcard(), boolean(true)),
        wildcard(),
    ];
    assert!(redundant(ty, arms).is_empty());
}

#[test]
fn an_arm_after_a_wildcard_is_redundant() {
    assert_eq!(
        redundant(option(TestType::Bool), vec![wildcard(), none()]),
        [1]
    );
}

// Guards.

#[test]
fn a_guarded_arm_does_not_count_toward_coverage() {
    // `Some _ when ...` may decline, so `Some _` is still missing.
    let arms = vec![Arm::new(none()), Arm::guarded(some(wildcard()))];
    let analysis = analyse(option(TestType::Int), arms);
    assert_eq!(
        analysis
            .missing
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["Some _"]
    );
    assert!(analysis.redundant_arms.is_empty());
}

#[test]
fn a_guarded_arm_does_not_make_later_arms_redundant() {
    let arms = vec![Arm::guarded(wildcard()), Arm::new(wildcard())];
    let analysis = analyse(TestType::Bool, arms);
    assert!(analysis.redundant_arms.is_empty());
    assert!(analysis.is_exhaustive());
}

#[test]
fn a_guarded_arm_is_itself_checked_for_redundancy() {
    let arms = vec![
        Arm::new(none()),
        Arm::new(some(wildcard())),
        Arm::guarded(some(boolean(true))),
    ];
    let analysis = analyse(option(TestType::Bool), arms);
    assert_eq!(analysis.redundant_arms, [2]);
}

// Empty types.

#[test]
fn a_match_without_arms_on_the_empty_type_is_exhaustive() {
    assert!(analyse_unguarded(TestType::Empty, vec![]).is_exhaustive());
}

#[test]
fn a_type_holding_the_empty_type_needs_no_arm_for_it() {
    // A pair with an empty component has no values.
    assert!(
        analyse_unguarded(tuple(vec![TestType::Empty, TestType::Bool]), vec![]).is_exhaustive()
    );
    // `Some` of `option empty` builds no value: `None` is enough, and an
    // arm for `Some` can never be chosen.
    let analysis = analyse_unguarded(option(TestType::Empty), vec![none(), some(wildcard())]);
    assert!(analysis.is_exhaustive());
    assert_eq!(analysis.redundant_arms, [1]);
    // Without arms, the one missing value, `None`, is shown as `_`.
    assert_eq!(missing(option(TestType::Empty), vec![]), ["_"]);
}

#[test]
fn a_wildcard_on_the_empty_type_matches_no_value() {
    assert_eq!(redundant(TestType::Empty, vec![wildcard()]), [0]);
}

// Opaque types.

#[test]
fn an_opaque_type_is_covered_only_by_a_wildcard() {
    assert_eq!(missing(TestType::Function, vec![]), ["_"]);
    assert!(analyse_unguarded(TestType::Function, vec![wildcard()]).is_exhaustive());
    let ty = tuple(vec![TestType::Function, TestType::Bool]);
    assert_eq!(
        missing(ty, vec![pair(wildcard(), boolean(true))]),
        ["(_, false)"]
    );
}

// Deep nesting.

#[test]
fn a_hole_deep_inside_nested_options_and_tuples_is_found() {
    // option (option (bool, option color)): everything is matched except
    // Some (Some (false, Some Blue)).
    let ty = option(option(tuple(vec![TestType::Bool, option(TestType::Color)])));
    let arms = vec![
        none(),
        some(none()),
        some(some(pair(boolean(true), wildcard()))),
        some(some(pair(wildcard(), none()))),
        some(some(pair(
            boolean(false),
            some(Pattern::or(vec![red(), green()])),
        ))),
    ];
    assert_eq!(
        missing(ty.clone(), arms.clone()),
        ["Some (Some (false, Some Blue))"]
    );
    let mut complete = arms;
    complete.push(some(some(pair(wildcard(), some(blue())))));
    let analysis = analyse_unguarded(ty, complete);
    assert!(analysis.is_exhaustive());
    assert!(analysis.redundant_arms.is_empty());
}

#[test]
fn deep_list_patterns_terminate_and_find_the_gap() {
    // Lists of booleans of length 0 to 4 written out with wildcards, except
    // that lists of length 3 must start with true.
    let ty = list(TestType::Bool);
    let of_length = |length: usize, first: Pattern| {
        let mut pattern = nil();
        for position in (0..length).rev() {
            let head = if position == 0 {
                first.clone()
            } else {
                wildcard()
            };
            pattern = cons(head, pattern);
        }
        pattern
    };
    let arms = vec![
        of_length(0, wildcard()),
        of_length(1, wildcard()),
        of_length(2, wildcard()),
        of_length(3, boolean(true)),
        of_length(4, wildcard()),
        cons(
            wildcard(),
            cons(
                wildcard(),
                cons(wildcard(), cons(wildcard(), cons(wildcard(), wildcard()))),
            ),
        ),
    ];
    assert_eq!(missing(ty, arms), ["Cons (false, Cons (_, Cons (_, Nil)))"]);
}

// Summaries.

#[test]
fn the_summary_shows_a_handful_and_counts_the_rest() {
    // A triple of booleans with only (true, true, true): the first column
    // false (one pattern), then (true, false, _), then (true, true, false).
    let ty = tuple(vec![TestType::Bool, TestType::Bool, TestType::Bool]);
    let analysis = analyse_unguarded(
        ty,
        vec![Pattern::tuple(vec![
            boolean(true),
            boolean(true),
            boolean(true),
        ])],
    );
    assert_eq!(
        analysis.missing_summary().as_deref(),
        Some("`(false, _, _)`, `(true, false, _)`, `(true, true, false)`")
    );
    // A five-tuple of colors with one arm: two missing patterns per column,
    // ten in all; the simplest four are shown.
    let ty = tuple(vec![TestType::Color; 5]);
    let analysis = analyse_unguarded(ty, vec![Pattern::tuple(vec![red(); 5])]);
    assert_eq!(analysis.missing.len(), 10);
    assert_eq!(
        analysis.missing_summary().as_deref(),
        Some("`(Green, _, _, _, _)`, `(Blue, _, _, _, _)`, `(Red, Green, _, _, _)`, `(Red, Blue, _, _, _)` and 6 more")
    );
}

#[test]
fn the_public_usefulness_question_follows_the_definition() {
    let types = [TestType::Bool, TestType::Bool];
    let rows = vec![vec![boolean(true), wildcard()]];
    assert!(is_useful(
        &TestSignatures,
        &types,
        &rows,
        &[wildcard(), boolean(false)]
    ));
    assert!(!is_useful(
        &TestSignatures,
        &types,
        &rows,
        &[boolean(true), boolean(false)]
    ));
}

#[test]
fn ill_typed_patterns_do_not_panic() {
    // A constructor the signature lacks, and a wrong number of arguments.
    let arms = vec![
        Pattern::constructor(7, vec![wildcard()]),
        some(wildcard()),
        Pattern::constructor(1, vec![]),
    ];
    let analysis = analyse_unguarded(option(TestType::Bool), arms);
    assert_eq!(
        analysis
            .missing
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["None"]
    );
    let analysis = analyse_unguarded(TestType::Function, vec![Pattern::boolean(true)]);
    assert!(!analysis.is_exhaustive());
}

// Brute force over every value of small types built from bool and tuples.

/// A value of a bool-and-tuple type.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Bool(bool),
    Tuple(Vec<Value>),
}

fn all_values(ty: &TestType) -> Vec<Value> {
    match ty {
        TestType::Bool => vec![Value::Bool(false), Value::Bool(true)],
        TestType::Tuple(items) => {
            let mut values = vec![Vec::new()];
            for item in items {
                let item_values = all_values(item);
                values = values
                    .into_iter()
                    .flat_map(|prefix: Vec<Value>| {
                        item_values.iter().map(move |value| {
                            let mut longer = prefix.clone();
                            longer.push(value.clone());
                            longer
                        })
                    })
                    .collect();
            }
            values.into_iter().map(Value::Tuple).collect()
        }
        other => unreachable!("no brute force for {other:?}"),
    }
}

fn pattern_matches(pattern: &Pattern, value: &Value) -> bool {
    match (pattern, value) {
        (Pattern::Wildcard, _) => true,
        (Pattern::Or(alternatives), _) => alternatives
            .iter()
            .any(|alternative| pattern_matches(alternative, value)),
        (Pattern::Constructor { index, .. }, Value::Bool(boolean)) => {
            *index == usize::from(*boolean)
        }
        (Pattern::Constructor { arguments, .. }, Value::Tuple(items)) => arguments
            .iter()
            .zip(items)
            .all(|(argument, item)| pattern_matches(argument, item)),
        _ => false,
    }
}

fn witness_matches(witness: &Witness, value: &Value) -> bool {
    match (witness, value) {
        (Witness::Wildcard, _) => true,
        (
            Witness::Constructor {
                form: ConstructorForm::Bool(expected),
                ..
            },
            Value::Bool(boolean),
        ) => expected == boolean,
        (
            Witness::Constructor {
                form: ConstructorForm::Tuple,
                arguments,
            },
            Value::Tuple(items),
        ) => arguments
            .iter()
            .zip(items)
            .all(|(argument, item)| witness_matches(argument, item)),
        _ => false,
    }
}

/// How many booleans a value of a bool-and-tuple type holds.
fn leaves(ty: &TestType) -> usize {
    match ty {
        TestType::Tuple(items) => items.iter().map(leaves).sum(),
        _ => 1,
    }
}

/// Types of at most six booleans (64 values), nested up to three deep.
fn small_type() -> impl Strategy<Value = TestType> {
    Just(TestType::Bool)
        .prop_recursive(3, 8, 3, |inner| {
            prop::collection::vec(inner, 2..=3).prop_map(TestType::Tuple)
        })
        .prop_filter("at most six booleans", |ty| leaves(ty) <= 6)
}

fn pattern_of(ty: &TestType) -> BoxedStrategy<Pattern> {
    let leaf = match ty {
        TestType::Bool => prop_oneof![
            Just(Pattern::Wildcard),
            any::<bool>().prop_map(Pattern::boolean)
        ]
        .boxed(),
        TestType::Tuple(items) => {
            let items: Vec<BoxedStrategy<Pattern>> = items.iter().map(pattern_of).collect();
            prop_oneof![1 => Just(Pattern::Wildcard), 4 => items.prop_map(Pattern::tuple)].boxed()
        }
        other => unreachable!("no patterns for {other:?}"),
    };
    let for_or = leaf.clone();
    prop_oneof![4 => leaf, 1 => prop::collection::vec(for_or, 2..=3).prop_map(Pattern::Or)].boxed()
}

fn small_match() -> impl Strategy<Value = (TestType, Vec<Arm>)> {
    small_type().prop_flat_map(|ty| {
        let arm = (pattern_of(&ty), prop::bool::weighted(0.2))
            .prop_map(|(pattern, guarded)| Arm { pattern, guarded });
        (Just(ty), prop::collection::vec(arm, 0..6))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_analysis_agrees_with_brute_force((ty, arms) in small_match()) {
        let analysis = analyse_match(&TestSignatures, &ty, &arms);
        let values = all_values(&ty);
        let covered = |value: &Value, arms: &[Arm]| {
            arms.iter().any(|arm| !arm.guarded && pattern_matches(&arm.pattern, value))
        };
        // Exhaustive exactly when every value is matched by an unguarded arm.
        let exhaustive = values.iter().all(|value| covered(value, &arms));
        prop_assert_eq!(analysis.is_exhaustive(), exhaustive);
        prop_assert!(!analysis.missing_truncated);
        // The witnesses stand for exactly the unmatched values.
        for value in &values {
            let unmatched = !covered(value, &arms);
            let witnessed = analysis.missing.iter().any(|witness| witness_matches(witness, value));
            prop_assert_eq!(unmatched, witnessed, "value {:?}", value);
        }
        // An arm is redundant exactly when every value it matches is
        // matched by an unguarded arm above it.
        for (index, arm) in arms.iter().enumerate() {
            let useless = values
                .iter()
                .filter(|value| pattern_matches(&arm.pattern, value))
                .all(|value| covered(value, &arms[..index]));
            prop_assert_eq!(analysis.redundant_arms.contains(&index), useless, "arm {}", index);
        }
    }
}

// The glue: syntax-tree patterns and declared types.

mod glue {
    use cml_syntax::ast;
    use cml_types::{Table, Type};

    use super::super::{analyse_match, lower_pattern, Arm, DeclarationSignatures, Pattern};
    use crate::declarations::{Declarations, Origin};

    /// The declarations of `source`, and the arms of the match in the body
    /// of each of its `let`s, in order.
    fn declarations_and_matches(source: &str) -> (Declarations, Table, Vec<Vec<ast::Arm>>) {
        let parsed = cml_syntax::parse(source);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let mut table = Table::default();
        let mut errors = Vec::new();
        let declarations =
            Declarations::collect(&[(Origin::Module, &parsed.module)], &mut table, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let mut matches = Vec::new();
        for item in &parsed.module.items {
            if let ast::Item::Let(declaration) = item {
                for binding in &declaration.bindings {
                    if let ast::Expr::Match { arms, .. } = &binding.body {
                        matches.push(arms.clone());
                    }
                }
            }
        }
        (declarations, table, matches)
    }

    fn lowered(arms: &[ast::Arm], declarations: &Declarations) -> Vec<Arm> {
        arms.iter()
            .map(|arm| Arm {
                pattern: lower_pattern(&arm.pattern, declarations).expect("the pattern lowers"),
                guarded: arm.guard.is_some(),
            })
            .collect()
    }

    fn applied(name: &str, arguments: Vec<Type>) -> Type {
        Type::Constructor(name.to_string(), arguments)
    }

    const TYPES: &str = "
type list a =
  | Nil
  | Cons of a * list a

type option a =
  | None
  | Some of a

type color = | Red | Green | Blue

type point = { x : int; y : color }

type box = | Box of (bool, bool)
";

    #[test]
    fn declared_lists_and_options_are_analysed_through_their_declarations() {
        let source = format!(
            "{TYPES}
let lists v = match v with
  | None -> 0
  | Some [] -> 1
  | Some [_] -> 2
  | Some (Cons (_, Nil)) -> 3
"
        );
        let (declarations, table, matches) = declarations_and_matches(&source);
        let signatures = DeclarationSignatures::new(&declarations, &table);
        let ty = applied("option", vec![applied("list", vec![Type::named("int")])]);
        let analysis = analyse_match(&signatures, &ty, &lowered(&matches[0], &declarations));
        assert_eq!(
            analysis.missing_summary().as_deref(),
            Some("`Some (Cons (_, Cons (_, _)))`")
        );
        // `Some (Cons (_, Nil))` is `Some [_]` again.
        assert_eq!(analysis.redundant_arms, [3]);
    }

    #[test]
    fn record_patterns_fill_missing_fields_with_wildcards() {
        let source = format!(
            "{TYPES}
let points p = match p with
  | {{ y = Red; _ }} -> 0
  | {{ x; y = Green }} -> 1
  | {{ x = 0; y = Blue }} -> 2
"
        );
        let (declarations, table, matches) = declarations_and_matches(&source);
        let signatures = DeclarationSignatures::new(&declarations, &table);
        let analysis = analyse_match(
            &signatures,
            &Type::named("point"),
            &lowered(&matches[0], &declarations),
        );
        assert_eq!(
            analysis.missing_summary().as_deref(),
            Some("`{ x = 1; y = Blue }`")
        );
    }

    #[test]
    fn a_spread_tuple_argument_is_gathered_back() {
        let source = format!(
            "{TYPES}
let boxes b = match b with
  | Box (true, _) -> 0
  | Box (_, false) -> 1
"
        );
        let (declarations, table, matches) = declarations_and_matches(&source);
        let signatures = DeclarationSignatures::new(&declarations, &table);
        let analysis = analyse_match(
            &signatures,
            &Type::named("box"),
            &lowered(&matches[0], &declarations),
        );
        assert_eq!(
            analysis.missing_summary().as_deref(),
            Some("`Box (false, true)`")
        );
    }

    #[test]
    fn lists_without_a_declaration_are_built_in() {
        let source = "
let short xs = match xs with
  | [] -> 0
  | [x] -> 1
";
        let (declarations, table, matches) = declarations_and_matches(source);
        let signatures = DeclarationSignatures::new(&declarations, &table);
        let ty = applied("list", vec![Type::named("bool")]);
        let analysis = analyse_match(&signatures, &ty, &lowered(&matches[0], &declarations));
        assert_eq!(analysis.missing_summary().as_deref(), Some("`_ :: _ :: _`"));
    }

    #[test]
    fn integer_literals_are_sixteen_bit_values() {
        let source = "
let numbers n = match n with
  | -1 -> 0
  | 0xFFFF -> 1
  | _ -> 2
";
        let (declarations, table, matches) = declarations_and_matches(source);
        let signatures = DeclarationSignatures::new(&declarations, &table);
        let analysis = analyse_match(
            &signatures,
            &Type::named("int"),
            &lowered(&matches[0], &declarations),
        );
        assert!(analysis.is_exhaustive());
        assert_eq!(analysis.redundant_arms, [1]);
    }

    #[test]
    fn booleans_units_and_guards_from_source() {
        let source = "
let flags p = match p with
  | (true, ()) -> 0
  | (false, _) when p = p -> 1
";
        let (declarations, table, matches) = declarations_and_matches(source);
        let signatures = DeclarationSignatures::new(&declarations, &table);
        let ty = Type::Tuple(vec![Type::named("bool"), Type::named("unit")]);
        let analysis = analyse_match(&signatures, &ty, &lowered(&matches[0], &declarations));
        // The guarded arm covers nothing; no row names the unit under
        // `false`, so it is a wildcard.
        assert_eq!(analysis.missing_summary().as_deref(), Some("`(false, _)`"));
    }

    #[test]
    fn an_unknown_constructor_or_field_does_not_lower() {
        let source = "
let unknown v = match v with
  | Missing _ -> 0
  | { nothing = _ } -> 1
  | (Missing, _) -> 2
";
        let (declarations, _, matches) = declarations_and_matches(source);
        for arm in &matches[0] {
            assert_eq!(lower_pattern(&arm.pattern, &declarations), None::<Pattern>);
        }
    }

    #[test]
    fn the_empty_type_needs_no_arm() {
        let declarations = Declarations::built_in();
        let table = Table::default();
        let signatures = DeclarationSignatures::new(&declarations, &table);
        assert!(analyse_match(&signatures, &Type::named("empty"), &[]).is_exhaustive());
        let ty = Type::Tuple(vec![Type::named("int"), Type::named("empty")]);
        assert!(analyse_match(&signatures, &ty, &[]).is_exhaustive());
    }
}
