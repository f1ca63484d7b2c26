//! Snapshots of the syntax errors a learner meets, rendered as the `cml`
//! command prints them (plain text). Update after a reviewed change with
//! `cargo insta accept` (or `INSTA_UPDATE=always cargo test`).

use cml_diagnostics::{render_plain, SourceFile};

/// Every error of `source`, rendered.
fn rendered(source: &str) -> String {
    let parsed = cml_syntax::parse(source);
    let diagnostics: Vec<_> = parsed
        .errors
        .iter()
        .map(|error| error.to_diagnostic(0))
        .collect();
    render_plain(&diagnostics, &[SourceFile::new("example.cml", source)])
}

#[test]
fn a_missing_arrow_in_a_match_arm() {
    insta::assert_snapshot!(rendered(
        "let f x =\n  match x with\n  | Some y y\n  | None -> 0\n"
    ));
}

#[test]
fn an_unclosed_bracket_names_both_places() {
    insta::assert_snapshot!(rendered("let f x =\n  g (x + 1\n\nlet h = 2\n"));
}

#[test]
fn every_error_of_a_file_is_reported_and_the_rest_is_read() {
    let source = "\
let f x = x +
let g = ]
type t = | A of
let ok = 1
";
    let parsed = cml_syntax::parse(source);
    assert!(parsed.errors.len() >= 3, "{:?}", parsed.errors);
    let binds_ok = |item: &cml_syntax::ast::Item| match item {
        cml_syntax::ast::Item::Let(declaration) => matches!(
            &declaration.bindings[0].pattern,
            cml_syntax::ast::Pattern::Variable(name) if name.text == "ok"
        ),
        _ => false,
    };
    assert!(
        parsed.module.items.iter().any(binds_ok),
        "{:#?}",
        parsed.module.items
    );
    insta::assert_snapshot!(rendered(source));
}

#[test]
fn a_float_literal() {
    insta::assert_snapshot!(rendered("let area r = 3.14 * r\n"));
}

#[test]
fn a_handler_clause_without_its_continuation() {
    insta::assert_snapshot!(rendered("handler h = {\n  | IO.print ->  ()\n}\n"));
}

#[test]
fn assignment_to_something_that_is_not_a_field() {
    insta::assert_snapshot!(rendered("let f () = g x <- 1\n"));
}

#[test]
fn unterminated_string_and_comment() {
    insta::assert_snapshot!(rendered("let s = \"abc\nlet t = 1 (* open\n"));
}
