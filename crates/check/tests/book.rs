//! The book corpus (`tests/cml/book`): every program of the book, checked
//! against `tests/cml/book/EXPECTED.md`, which says for each file whether
//! it checks or fails for reasons in `docs/errata.md` (and then what its
//! adapted form in `tests/cml/book/adapted/` reports). The test prints a
//! table of every file's outcome and fails if any differs from its row.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cml/book")
}

/// One row of `EXPECTED.md`.
#[derive(Debug)]
struct Row {
    expected: String,
    errata: Vec<u32>,
    rejects: bool,
    original: BTreeSet<String>,
    adapted: BTreeSet<String>,
    bug: Option<String>,
}

fn codes(cell: &str) -> BTreeSet<String> {
    cell.split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(str::to_string)
        .collect()
}

fn expectations() -> BTreeMap<String, Row> {
    let text = fs::read_to_string(corpus().join("EXPECTED.md")).expect("EXPECTED.md");
    let mut rows = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() != 7 || !cells[1].ends_with(".cml") {
            continue;
        }
        let expected = cells[2].to_string();
        let (errata, rejects) = match expected.strip_prefix("errata ") {
            Some(rest) => {
                let rejects = rest.ends_with(", rejects");
                let numbers = rest.trim_end_matches(", rejects");
                let numbers = numbers
                    .split(',')
                    .map(|number| number.trim().parse().expect("an errata number"))
                    .collect();
                (numbers, rejects)
            }
            None => {
                assert_eq!(expected, "checks", "{}: unknown expectation", cells[1]);
                (Vec::new(), false)
            }
        };
        let row = Row {
            expected,
            errata,
            rejects,
            original: codes(cells[3]),
            adapted: codes(cells[4]),
            bug: Some(cells[5].to_string()).filter(|bug| !bug.is_empty()),
        };
        assert!(
            rows.insert(cells[1].to_string(), row).is_none(),
            "{} has two rows",
            cells[1]
        );
    }
    rows
}

/// The entry numbers under "## Programs" in `docs/errata.md`.
fn errata_entries() -> BTreeSet<u32> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/errata.md");
    let text = fs::read_to_string(path).expect("docs/errata.md");
    let programs = text
        .split("## Programs")
        .nth(1)
        .expect("a Programs section");
    programs
        .lines()
        .filter_map(|line| line.split_once(". **"))
        .filter_map(|(number, _)| number.trim().parse().ok())
        .collect()
}

/// What checking one file found: its distinct codes, and whether any is an
/// error. A file that does not parse counts only its syntax codes.
struct Outcome {
    codes: BTreeSet<String>,
    errors: bool,
}

fn check(path: &Path) -> Outcome {
    let text = fs::read_to_string(path).expect("readable");
    let parsed = cml_syntax::parse(&text);
    if !parsed.errors.is_empty() {
        return Outcome {
            codes: parsed
                .errors
                .iter()
                .filter_map(|error| error.to_diagnostic(0).code)
                .collect(),
            errors: true,
        };
    }
    let checked = cml_check::check_module(&parsed.module);
    Outcome {
        codes: checked
            .errors
            .iter()
            .filter_map(|error| error.to_diagnostic(0).code)
            .collect(),
        errors: checked.has_errors(),
    }
}

fn show(codes: &BTreeSet<String>) -> String {
    if codes.is_empty() {
        "-".to_string()
    } else {
        codes.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

fn cml_files(directory: &Path) -> BTreeSet<String> {
    fs::read_dir(directory)
        .expect("a directory")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "cml"))
        .map(|path| {
            path.file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

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
fn every_book_program_meets_its_expectation() {
    let rows = expectations();
    let entries = errata_entries();
    let files = cml_files(&corpus());
    let adapted = cml_files(&corpus().join("adapted"));
    let mut failures = Vec::new();

    for file in &files {
        if !rows.contains_key(file) {
            failures.push(format!("{file}: no row in EXPECTED.md"));
        }
    }
    for file in rows.keys() {
        if !files.contains(file) {
            failures.push(format!("{file}: a row in EXPECTED.md but no such file"));
        }
    }
    for file in &adapted {
        if rows.get(file).is_none_or(|row| row.errata.is_empty()) {
            failures.push(format!(
                "adapted/{file}: an adapted form of a file not marked `errata`"
            ));
        }
    }

    let mut table = vec![format!(
        "{:<28} {:<34} {:<10} {}",
        "file", "expected", "outcome", "codes (original / adapted)"
    )];
    for (file, row) in &rows {
        if !files.contains(file) {
            continue;
        }
        let original = check(&corpus().join(file));
        let mut problems = Vec::new();
        if original.codes != row.original {
            problems.push(format!(
                "original reports {}, expected {}",
                show(&original.codes),
                show(&row.original)
            ));
        }
        let mut shown = show(&original.codes);
        if row.errata.is_empty() {
            if original.errors {
                problems.push("has errors but is expected to check".to_string());
            }
        } else {
            if !original.errors {
                problems.push("checks, but is marked `errata`".to_string());
            }
            for number in &row.errata {
                if !entries.contains(number) {
                    problems.push(format!("docs/errata.md has no Programs entry {number}"));
                }
            }
            let path = corpus().join("adapted").join(file);
            if path.exists() {
                let outcome = check(&path);
                shown = format!("{shown} / {}", show(&outcome.codes));
                if outcome.codes != row.adapted {
                    problems.push(format!(
                        "adapted form reports {}, expected {}",
                        show(&outcome.codes),
                        show(&row.adapted)
                    ));
                }
                if outcome.errors != row.rejects {
                    problems.push(if row.rejects {
                        "adapted form is accepted, but the book says it must be rejected"
                            .to_string()
                    } else {
                        "adapted form has errors".to_string()
                    });
                }
            } else {
                problems.push(format!("no adapted/{file}"));
            }
        }
        let outcome = match (&row.bug, problems.is_empty()) {
            (None, true) => "ok".to_string(),
            (None, false) => {
                failures.push(format!("{file}: {}", problems.join("; ")));
                "DIFFERS".to_string()
            }
            (Some(bug), false) => format!("checker bug {bug}"),
            (Some(bug), true) => {
                failures.push(format!(
                    "{file}: meets its row although marked with checker bug {bug}; \
                     if {bug} is fixed, remove the mark in EXPECTED.md"
                ));
                "FIXED?".to_string()
            }
        };
        table.push(format!(
            "{file:<28} {:<34} {outcome:<10} {shown}",
            row.expected
        ));
        if outcome != "ok" {
            for problem in problems {
                table.push(format!("{:<28} {:<34} {:<10}   {problem}", "", "", ""));
            }
        }
    }
    println!("{}", table.join("\n"));
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
