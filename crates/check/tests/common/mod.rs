//! What the diagnostic snapshot tests share.

use cml_diagnostics::{render_plain, SourceFile};

/// Checks `source`, which must parse and have exactly one problem, and
/// renders that problem as the `cml` command prints it.
pub fn render_the_one_problem(source: &str) -> String {
    let parsed = cml_syntax::parse(source);
    assert!(
        parsed.errors.is_empty(),
        "syntax errors: {:?}",
        parsed.errors
    );
    let checked = cml_check::check_module(&parsed.module);
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
