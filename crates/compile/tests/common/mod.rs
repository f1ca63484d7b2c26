//! What the back end's corpus-wide tests share: running every corpus
//! program that has an expected output under a variation of its source
//! (compiled preemptible, with allocation performing, ...) and checking it
//! still prints exactly that output.

use std::path::Path;

use cml_compile::Compiled;
use cml_isa::IsaVersion;
use cml_machine::{Machine, RunOutcome};

/// Compiles each corpus program with an expected output (`.out`), except
/// the slow ones (`fast-engine-only`), the ones that trap and those
/// `skip` names, as `vary` rewrites it; runs it bare and requires the
/// expected output. `inspect` may reject a compiled program with a reason
/// (what its assembly must or must not contain). Fails the test with
/// every program that went wrong, or if fewer than 40 were checked.
pub fn corpus_runs_the_same(
    skip: impl Fn(&str) -> bool,
    vary: impl Fn(&str) -> String,
    inspect: impl Fn(&Compiled) -> Option<String>,
) {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/programs");
    let mut paths: Vec<_> = std::fs::read_dir(&directory)
        .expect("tests/programs")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "cml"))
        .collect();
    paths.sort();
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in paths {
        let Ok(expected) = std::fs::read(path.with_extension("out")) else {
            continue;
        };
        let source = std::fs::read_to_string(&path).expect("a corpus program");
        let slow = source.lines().any(|line| line.trim() == "fast-engine-only");
        if slow
            || skip(&source)
            || source.contains("expect-trap")
            || path.with_extension("trap").exists()
        {
            continue;
        }
        let compiled = match cml_compile::compile(&vary(&source)) {
            Ok(compiled) => compiled,
            Err(errors) => {
                failures.push(format!("{}: {errors:?}", path.display()));
                continue;
            }
        };
        if let Some(reason) = inspect(&compiled) {
            failures.push(format!("{}: {reason}", path.display()));
            continue;
        }
        let mut machine =
            Machine::boot_bare_program(&compiled.image, IsaVersion::V0_5).expect("boots");
        let outcome = machine.run(200_000_000);
        let output = machine.take_console_output();
        if !matches!(outcome, RunOutcome::Halted) || output != expected {
            failures.push(format!(
                "{}: {outcome:?}, printed {:?}",
                path.display(),
                String::from_utf8_lossy(&output)
            ));
        }
        checked += 1;
    }
    assert!(checked > 40, "only {checked} programs checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
