//! Rendered diagnostics of the analyses after inference and of rigid
//! operation variables, one program per kind, each with exactly that one
//! problem: title, what goes wrong, the facts, a hint.

mod common;

use common::render_the_one_problem as render;

#[test]
fn refutable_let_pattern() {
    insta::assert_snapshot!(render("let f (x : int option) = let Some c = x in c"));
}

#[test]
fn non_exhaustive_return_clauses() {
    insta::assert_snapshot!(render(
        "let f () = match true with | true -> 1 with | IO.print s, k -> resume k ()"
    ));
}

#[test]
fn operation_type_variable_escaping_its_clause() {
    insta::assert_snapshot!(render(
        "effect Stash { put : a -> () }\n\
         handler keep = {\n  let cell = ref None in\n  { | Stash.put x, k -> cell := Some x; resume k () }\n}"
    ));
}

#[test]
fn handler_tower_deeper_than_the_cam() {
    let mut body = "1".to_string();
    for _ in 0..9 {
        body = format!("with h in {{ {body} }}");
    }
    let source =
        format!("handler h = {{ | IO.print s, k -> resume k () }}\nlet deep () =\n  {body}");
    insta::assert_snapshot!(render(&source));
}
