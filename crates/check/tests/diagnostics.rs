//! One rendered diagnostic per kind of error the inference reports, as a
//! reader sees it: title, what goes wrong, the facts, a hint. Each program
//! is built to have exactly that one problem.

mod common;

use common::render_the_one_problem as render;

#[test]
fn type_mismatch() {
    insta::assert_snapshot!(render("let f (x : int) = x\nlet g () = f \"seven\""));
}

#[test]
fn unbound_name_with_a_suggestion() {
    insta::assert_snapshot!(render("let counter = 1\nlet g () = countr + 1"));
}

#[test]
fn wrong_constructor_arity() {
    insta::assert_snapshot!(render("let xs = Cons (1, 2, Nil)"));
}

#[test]
fn unknown_effect_operation() {
    insta::assert_snapshot!(render("let f () = perform IO.prnt \"hi\""));
}

#[test]
fn unhandled_effect_in_main() {
    insta::assert_snapshot!(render(
        "effect Yield : unit\nlet main () =\n  perform IO.print \"a\";\n  perform Yield"
    ));
}

#[test]
fn pointer_escaping_a_region() {
    insta::assert_snapshot!(render(
        "let leak () =\n  with region r in {\n    unsafe { __alloc Record 1 }\n  }"
    ));
}

#[test]
fn primitive_outside_unsafe() {
    insta::assert_snapshot!(render("let bump hp = __inc hp 3"));
}

#[test]
fn integer_literal_out_of_range() {
    insta::assert_snapshot!(render("let big = 40000\nlet pattern = 0xFFFF"));
}

#[test]
fn effect_not_allowed_by_a_written_row() {
    insta::assert_snapshot!(render(
        "let quiet () : unit / {} =\n  perform IO.print \"a\""
    ));
}

#[test]
fn shallow_invoke_of_the_own_continuation() {
    insta::assert_snapshot!(render(
        "effect Yield : unit\nlet rec run () =\n  handle\n    perform Yield\n  with\n  | Yield k -> invoke k (); run ()"
    ));
}

#[test]
fn non_exhaustive_match_names_the_missing_pattern() {
    insta::assert_snapshot!(render(
        "type shape = | Circle of int | Square of int | Triangle\n\
         let area s = match s with | Circle r -> r | Square w -> w"
    ));
}

#[test]
fn redundant_arm() {
    insta::assert_snapshot!(render(
        "let pick (o : option int) = match o with | Some n -> n | None -> 0 | Some _ -> 1"
    ));
}

#[test]
fn continuation_resumed_twice() {
    insta::assert_snapshot!(render(
        "effect Ask { ask : () -> int }\n\
         handler twice = { | Ask.ask (), k -> resume k 1; resume k 2 | return x -> x }"
    ));
}

#[test]
fn linear_value_dropped() {
    insta::assert_snapshot!(render(
        "effect Stop { stop : () -> () }\n\
         handler stopper = { | Stop.stop (), k -> () | return x -> x }"
    ));
}

#[test]
fn built_in_continuation_redeclared() {
    insta::assert_snapshot!(render("type linear continuation a"));
}
