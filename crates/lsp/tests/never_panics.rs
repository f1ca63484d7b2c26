//! Whatever the text, the analysis behind the server answers: no stage
//! panics (which the server would report as `lsp::internal`), every range
//! lies in the document, and hover, definition, references, completion
//! and symbols answer at every offset. Checked on random text, on random runs of CML fragments,
//! and on the repository's CML programs, whole and cut short.

use cml_lsp::analysis::Analysis;
use lsp_types::{NumberOrString, Uri};
use proptest::prelude::*;

/// Analyses `text` and asks everything the server can ask of it.
fn exercise(text: &str) {
    let analysis = Analysis::new(text);
    let uri: Uri = "file:///never_panics.cml".parse().unwrap();
    let end = analysis.range(&(text.len()..text.len())).end;
    for diagnostic in analysis.lsp_diagnostics(&uri) {
        assert_ne!(
            diagnostic.code,
            Some(NumberOrString::String("lsp::internal".into())),
            "a stage panicked on {text:?}"
        );
        assert!(diagnostic.range.start <= diagnostic.range.end, "{text:?}");
        assert!(diagnostic.range.end <= end, "{text:?}");
    }
    for offset in 0..=text.len() {
        let _ = analysis.hover(offset);
        let _ = analysis.definition(offset);
        let _ = analysis.index.references_at(offset, true);
        // Completion lists every name in scope, so on a long program it is
        // asked at every sixteenth offset and after each `.` only.
        let sampled = text.len() < 256
            || offset % 16 == 0
            || text
                .get(..offset)
                .is_some_and(|before| before.ends_with('.'));
        if sampled {
            let _ = cml_lsp::completion::complete(&analysis, offset);
        }
    }
    let _ = analysis.document_symbols();
    // Positions the client may send that are past the text.
    let _ = analysis.offset(lsp_types::Position::new(end.line, end.character + 5));
    let _ = analysis.offset(lsp_types::Position::new(end.line + 3, 0));
}

const FRAGMENTS: &[&str] = &[
    "let ",
    "rec ",
    "and ",
    " in ",
    "fun ",
    "match ",
    " with ",
    "| ",
    "if ",
    " then ",
    " else ",
    "type ",
    "effect ",
    "handler ",
    "handle ",
    "perform ",
    "resume ",
    "return ",
    "val ",
    "main",
    "x",
    "k",
    "f",
    "Some",
    "None",
    "Log.log",
    "'a",
    "42",
    "\"é𝄞\"",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    ";",
    ":",
    "->",
    "=",
    "+",
    "::",
    "/",
    "\n",
    " ",
    "unit",
    "int",
    "list",
];

fn fragments() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn any_text(text in "\\PC{0,60}") {
        exercise(&text);
    }

    #[test]
    fn runs_of_cml_fragments(text in fragments()) {
        exercise(&text);
    }
}

/// The repository's CML programs, whole and cut short at a few places.
#[test]
fn the_repository_programs_and_their_prefixes() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut paths = Vec::new();
    for folder in ["tests/programs", "tests/cml/book"] {
        let Ok(entries) = std::fs::read_dir(format!("{root}/{folder}")) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|extension| extension == "cml") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    assert!(paths.len() > 20, "found the programs");
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let analysis = Analysis::new(&text);
        assert!(
            !analysis
                .diagnostics
                .iter()
                .any(|diagnostic| diagnostic.code.as_deref() == Some("lsp::internal")),
            "a stage panicked on {}",
            path.display()
        );
        let _ = analysis.document_symbols();
        for reference in &analysis.index.references {
            let _ = analysis.hover(reference.span.start);
        }
        for cut in 1..4 {
            let mut end = text.len() * cut / 4;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            exercise(&text[..end]);
        }
    }
}
