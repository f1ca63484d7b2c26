//! The book corpus (`tests/cml/book`): every file is checked; the test
//! prints each file's definitions and problems (run with `--nocapture`) and
//! fails only if checking panics. Which files check cleanly is recorded in
//! `docs/cml-types.md`.

use std::fs;
use std::path::Path;

#[test]
fn the_prelude_checks_cleanly() {
    for (module, parsed) in cml_check::prelude::parsed() {
        assert!(
            parsed.errors.is_empty(),
            "prelude {module:?}: {:?}",
            parsed.errors
        );
    }
    let checked = cml_check::check_module(&cml_syntax::ast::Module::default());
    assert!(checked.errors.is_empty(), "{:?}", checked.errors);
}

#[test]
fn every_book_file_checks_without_panicking() {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cml/book");
    let mut paths: Vec<_> = fs::read_dir(&directory)
        .expect("corpus")
        .map(|entry| entry.expect("entry").path())
        .collect();
    paths.retain(|path| path.extension().is_some_and(|extension| extension == "cml"));
    paths.sort();
    for path in paths {
        let text = fs::read_to_string(&path).expect("readable");
        let parsed = cml_syntax::parse(&text);
        let checked = cml_check::check_module(&parsed.module);
        let name = path.file_name().expect("a file").to_string_lossy();
        let errors = checked
            .errors
            .iter()
            .filter(|error| error.severity() == cml_diagnostics::Severity::Error)
            .count();
        println!(
            "=== {name}: {} syntax, {errors} type errors, {} warnings",
            parsed.errors.len(),
            checked.errors.len() - errors
        );
        for definition in &checked.definitions {
            println!("  {} : {}", definition.name, definition.ty);
        }
        for error in &checked.errors {
            let diagnostic = error.to_diagnostic(0);
            let (line, _) =
                cml_diagnostics::SourceFile::new("", text.clone()).line_column(error.span().start);
            println!(
                "  ! line {line}: {} ({})",
                diagnostic.title,
                diagnostic
                    .labels
                    .first()
                    .map(|label| label.message.as_str())
                    .unwrap_or("")
            );
        }
    }
}
