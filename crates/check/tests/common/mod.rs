//! What the checker's tests share.

// Each test file uses only some of these helpers.
#![allow(dead_code)]

use cml_check::Checked;
use cml_diagnostics::{render_plain, SourceFile};

/// Parses `source`, which must have no syntax error, and checks it.
pub fn check(source: &str) -> Checked {
    let parsed = cml_syntax::parse(source);
    assert!(
        parsed.errors.is_empty(),
        "syntax errors: {:?}",
        parsed.errors
    );
    cml_check::check_module(&parsed.module)
}

/// Checks `source`, which must parse and have exactly one problem, and
/// renders that problem as the `cml` command prints it.
pub fn render_the_one_problem(source: &str) -> String {
    let checked = check(source);
    assert_eq!(
        checked.errors.len(),
        1,
        "expected exactly one problem: {:?}",
        checked.errors
    );
    let diagnostics: Vec<_> = checked
        .errors
        .iter()
        .map(|error| error.to_diagnostic(0))
        .collect();
    render_plain(&diagnostics, &[SourceFile::new("test.cml", source)])
}
