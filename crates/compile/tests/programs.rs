//! The end-to-end corpus: every `tests/programs/*.cml` is compiled and
//! run on the machine, on both engines.
//!
//! Tests are data. A program `name.cml` comes with either
//!
//! * `name.out`: the exact bytes it must print (written by hand from the
//!   program's meaning), and it must halt; or
//! * `name.err`: it must not compile, and each non-empty line of the file
//!   must appear in the rendered diagnostics.
//!
//! A program with a `.out` may also have `name.trap`: it must stop on a
//! fault nothing handles, and each non-empty line of the file must appear
//! in its error report (the fault, then the CML part that the debug
//! information gives: `in CML: name.cml:LINE:COLUMN in `function``, the
//! source line, the calls that led there).
//!
//! A program may also say, in a comment line of its own,
//! `expect-peak-stack-at-most: N` or `expect-peak-heap-at-most: N`
//! (words), `expect-trap` (it must stop on
//! an unhandled fault after printing its `.out`), or `expect-stat: NAME
//! = N` for `continuations_captured`, `performs_tail_resumptive`.
//! Adding a case means adding files.

use std::path::{Path, PathBuf};

use cml_diagnostics::{render_plain, SourceFile};
use cml_isa::IsaVersion;
use cml_machine::{Engine, Machine, RunOutcome};

const CYCLE_LIMIT: u64 = 400_000_000;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/programs")
}

fn directive<'a>(source: &'a str, name: &str) -> Vec<&'a str> {
    source
        .lines()
        .filter_map(|line| {
            line.split_once(name)
                .map(|(_, rest)| rest.trim().trim_end_matches("*)").trim())
        })
        .collect()
}

fn run_one(path: &Path) -> Result<(), String> {
    let source = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let name = path.display().to_string();
    let expected_output = std::fs::read(path.with_extension("out")).ok();
    let expected_errors = std::fs::read_to_string(path.with_extension("err")).ok();
    let compiled = cml_compile::compile(&source);
    match (compiled, expected_output, expected_errors) {
        (Err(diagnostics), _, Some(expected)) => {
            let files = [SourceFile::new(name.clone(), source.clone())];
            let rendered = render_plain(&diagnostics, &files);
            for line in expected
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
            {
                if !rendered.contains(line) {
                    return Err(format!("the diagnostics lack `{line}`:\n{rendered}"));
                }
            }
            if rendered.contains("backend::internal") {
                return Err(format!("a back-end bug, not a diagnostic:\n{rendered}"));
            }
            Ok(())
        }
        (Ok(_), _, Some(_)) => Err("compiled, but a `.err` file says it must not".into()),
        (Err(diagnostics), _, None) => {
            let files = [SourceFile::new(name.clone(), source.clone())];
            Err(format!(
                "does not compile:\n{}",
                render_plain(&diagnostics, &files)
            ))
        }
        (Ok(_), None, None) => Err("neither a `.out` nor a `.err` file".into()),
        (Ok(compiled), Some(expected), None) => {
            let mut results = Vec::new();
            for engine in [Engine::Fast, Engine::Reference] {
                let mut machine = Machine::boot_bare_program(&compiled.image, IsaVersion::V0_5)
                    .map_err(|error| error.to_string())?;
                machine.set_engine(engine);
                let outcome = machine.run(CYCLE_LIMIT);
                let output = machine.take_console_output();
                let expected_report = std::fs::read_to_string(path.with_extension("trap")).ok();
                let trap_expected =
                    !directive(&source, "expect-trap").is_empty() || expected_report.is_some();
                match (&outcome, trap_expected) {
                    (RunOutcome::Halted, false) | (RunOutcome::Trapped(_), true) => {}
                    (other, _) => {
                        return Err(format!(
                            "{engine:?} engine: ended with {other:?}, printed {:?}",
                            String::from_utf8_lossy(&output)
                        ))
                    }
                }
                if let (RunOutcome::Trapped(trap), Some(expected_report)) =
                    (&outcome, &expected_report)
                {
                    let file = path
                        .file_name()
                        .map_or(name.clone(), |file| file.to_string_lossy().into_owned());
                    let report = format!(
                        "trap: {}\n{}",
                        trap.fault,
                        compiled.debug.trap_context(
                            &compiled.image,
                            trap.pc,
                            trap.sp,
                            |address| machine.read(address),
                            &file,
                            Some(&source),
                        )
                    );
                    for line in expected_report
                        .lines()
                        .map(str::trim)
                        .filter(|line| !line.is_empty())
                    {
                        if !report.contains(line) {
                            return Err(format!("the error report lacks `{line}`:\n{report}"));
                        }
                    }
                }
                if output != expected {
                    return Err(format!(
                        "{engine:?} engine printed\n{:?}\nexpected\n{:?}",
                        String::from_utf8_lossy(&output),
                        String::from_utf8_lossy(&expected)
                    ));
                }
                let stats = machine.stats();
                for limit in directive(&source, "expect-peak-stack-at-most:") {
                    let limit: u32 = limit.parse().map_err(|_| format!("bad limit `{limit}`"))?;
                    if stats.peak_stack_words > limit {
                        return Err(format!(
                            "peak stack {} words, more than {limit}",
                            stats.peak_stack_words
                        ));
                    }
                }
                for limit in directive(&source, "expect-peak-heap-at-most:") {
                    let limit: u32 = limit.parse().map_err(|_| format!("bad limit `{limit}`"))?;
                    if stats.peak_heap_words > limit {
                        return Err(format!(
                            "peak heap {} words, more than {limit}",
                            stats.peak_heap_words
                        ));
                    }
                }
                for expectation in directive(&source, "expect-stat:") {
                    let (stat, value) =
                        expectation.split_once('=').ok_or("expect-stat: NAME = N")?;
                    let value: u64 = value
                        .trim()
                        .parse()
                        .map_err(|_| format!("bad value in `{expectation}`"))?;
                    let actual = match stat.trim() {
                        "continuations_captured" => stats.continuations_captured,
                        "performs_tail_resumptive" => stats.performs_tail_resumptive,
                        other => return Err(format!("unknown statistic `{other}`")),
                    };
                    if actual != value {
                        return Err(format!("{stat} = {actual}, expected {value}"));
                    }
                }
                results.push((machine.cycles(), stats.instructions));
            }
            if results[0] != results[1] {
                return Err(format!(
                    "the engines disagree on (cycles, instructions): {results:?}"
                ));
            }
            Ok(())
        }
    }
}

#[test]
fn every_corpus_program_runs_as_its_files_say() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("the corpus directory")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "cml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no programs in {}", corpus().display());
    let mut failures = Vec::new();
    for path in &paths {
        if let Err(message) = run_one(path) {
            failures.push(format!("{}: {message}", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} programs failed:\n\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n\n")
    );
}
