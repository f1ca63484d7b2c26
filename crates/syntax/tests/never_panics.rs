//! Property tests: whatever the input, the front end's parser returns a
//! tree and diagnostics, never panics, and every diagnostic's span lies
//! inside the source on character boundaries.

use proptest::prelude::*;

/// Fragments of CML, keywords and punctuation, so that random sequences
/// of them reach deep into the grammar rather than stopping at the lexer.
const FRAGMENTS: &[&str] = &[
    "let",
    "rec",
    "and",
    "in",
    "fun",
    "match",
    "with",
    "if",
    "then",
    "else",
    "begin",
    "end",
    "type",
    "linear",
    "mutable",
    "of",
    "effect",
    "handler",
    "handle",
    "perform",
    "resume",
    "invoke",
    "reify",
    "return",
    "unsafe",
    "region",
    "loop",
    "true",
    "false",
    "not",
    "val",
    "x",
    "k",
    "Some",
    "None",
    "E.op",
    "Queue.push",
    "'a",
    "42",
    "0xFFFF",
    "'c'",
    "\"s\"",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    ";",
    ":",
    "::",
    ":=",
    ".",
    "|",
    "->",
    "<-",
    "=",
    "==",
    "<",
    ">",
    "+",
    "-",
    "*",
    "/",
    "^",
    "&&",
    "||",
    "!",
    "_",
    "\n",
    "\n  ",
    "\n    ",
    "(*",
    "*)",
    "when",
    "state",
    "<a>",
    "/ {IO | e}",
];

fn check(source: &str) {
    let parsed = cml_syntax::parse(source);
    for error in &parsed.errors {
        let span = error.span();
        assert!(
            span.start <= span.end && span.end <= source.len(),
            "span {span:?} outside {} bytes",
            source.len()
        );
        assert!(source.is_char_boundary(span.start) && source.is_char_boundary(span.end));
        let _ = error.to_diagnostic(0);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(source in "\\PC{0,200}") {
        check(&source);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_token_sequences_never_panic(indices in proptest::collection::vec(0..FRAGMENTS.len(), 0..80)) {
        let source = indices.iter().map(|&index| FRAGMENTS[index]).collect::<Vec<_>>().join(" ");
        check(&source);
    }
}

#[test]
fn deep_nesting_is_reported_not_a_stack_overflow() {
    let source = format!("let x = {}1{}", "(".repeat(5000), ")".repeat(5000));
    let parsed = cml_syntax::parse(&source);
    assert!(parsed
        .errors
        .iter()
        .any(|error| matches!(error, cml_syntax::SyntaxError::TooDeep { .. })));
    let source = format!("let x = {}", "- ".repeat(5000) + "1");
    check(&source);
    let source = format!("let f x = {}", "match x with | A -> ".repeat(3000));
    check(&source);
}

#[test]
fn every_book_program_parses_or_fails_as_the_errata_say() {
    let directory = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/cml/book");
    let mut failing = Vec::new();
    let mut count = 0;
    for entry in std::fs::read_dir(directory).expect("the book corpus") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|extension| extension == "cml") {
            count += 1;
            let source = std::fs::read_to_string(&path).expect("a readable file");
            if !cml_syntax::parse(&source).errors.is_empty() {
                failing.push(
                    path.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    assert!(count >= 46, "the corpus has {count} files");
    // Chapter 2's shape example is OCaml, with floating-point numbers,
    // which CML does not have (docs/errata.md).
    assert_eq!(failing, vec!["02_shape_area.cml".to_string()]);
}
