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
//! (words), `expect-cycles-at-most: N`, `expect-trap` (it must stop on
//! an unhandled fault after printing its `.out`), or `expect-stat: NAME
//! = N` (or `>= N`) for `continuations_captured`,
//! `continuations_recycled`, `performs_tail_resumptive`. A program with
//! a line `fast-engine-only` of its own (ten million effects, a million
//! generator values: billions of cycles) is run by the second test on the
//! fast engine alone, with a larger cycle limit; the reference engine
//! would take minutes, and the two engines' agreement is what the other
//! programs and `crates/machine/tests/differential.rs` establish. (The
//! machine is built with optimisation even in test builds: the root
//! `Cargo.toml`'s `[profile.dev.package.cml-machine]`.)
//! Adding a case means adding files.

use std::path::{Path, PathBuf};

use cml_diagnostics::{render_plain, SourceFile};
use cml_isa::IsaVersion;
use cml_machine::{Engine, Machine, RunOutcome};

const CYCLE_LIMIT: u64 = 400_000_000;

/// Enough for ten million captured-and-resumed effects (about 420 cycles
/// each) with room to spare.
const HEAVY_CYCLE_LIMIT: u64 = 20_000_000_000;

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

fn run_one(path: &Path, engines: &[Engine], cycle_limit: u64) -> Result<(), String> {
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
            for &engine in engines {
                let mut machine = Machine::boot_bare_program(&compiled.image, IsaVersion::V0_5)
                    .map_err(|error| error.to_string())?;
                machine.set_engine(engine);
                let outcome = machine.run(cycle_limit);
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
                check_stats(&source, |name| match name {
                    "cycles" => Some(machine.cycles()),
                    "peak_stack_words" => Some(u64::from(stats.peak_stack_words)),
                    "peak_heap_words" => Some(u64::from(stats.peak_heap_words)),
                    "continuations_captured" => Some(stats.continuations_captured),
                    "continuations_recycled" => Some(stats.continuations_recycled),
                    "performs_tail_resumptive" => Some(stats.performs_tail_resumptive),
                    _ => None,
                })?;
                results.push((machine.cycles(), stats.instructions));
            }
            if results.windows(2).any(|pair| pair[0] != pair[1]) {
                return Err(format!(
                    "the engines disagree on (cycles, instructions): {results:?}"
                ));
            }
            Ok(())
        }
    }
}

/// Checks the `expect-peak-stack-at-most:`, `expect-peak-heap-at-most:`,
/// `expect-cycles-at-most:` and `expect-stat: NAME = N` (or `>= N`)
/// directives against `stat`.
fn check_stats(source: &str, stat: impl Fn(&str) -> Option<u64>) -> Result<(), String> {
    for (name, statistic, what) in [
        (
            "expect-peak-stack-at-most:",
            "peak_stack_words",
            "peak stack (words)",
        ),
        (
            "expect-peak-heap-at-most:",
            "peak_heap_words",
            "peak heap (words)",
        ),
        ("expect-cycles-at-most:", "cycles", "cycles"),
    ] {
        for limit in directive(source, name) {
            let limit: u64 = limit.parse().map_err(|_| format!("bad limit `{limit}`"))?;
            let actual = stat(statistic).ok_or(format!("no statistic `{statistic}`"))?;
            if actual > limit {
                return Err(format!("{what} {actual}, more than {limit}"));
            }
        }
    }
    for expectation in directive(source, "expect-stat:") {
        let (name, at_least, value) = match expectation.split_once(">=") {
            Some((name, value)) => (name, true, value),
            None => {
                let (name, value) = expectation.split_once('=').ok_or("expect-stat: NAME = N")?;
                (name, false, value)
            }
        };
        let value: u64 = value
            .trim()
            .parse()
            .map_err(|_| format!("bad value in `{expectation}`"))?;
        let actual = stat(name.trim()).ok_or(format!("unknown statistic `{}`", name.trim()))?;
        if (at_least && actual < value) || (!at_least && actual != value) {
            return Err(format!(
                "{} = {actual}, expected {expectation}",
                name.trim()
            ));
        }
    }
    Ok(())
}

/// Whether a program is run on the fast engine only.
fn fast_engine_only(source: &str) -> bool {
    source.lines().any(|line| line.trim() == "fast-engine-only")
}

fn corpus_programs() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("the corpus directory")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "cml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no programs in {}", corpus().display());
    paths
}

/// The heavy programs (ten million effects, a million generator values)
/// on the fast engine alone.
#[test]
fn programs_marked_fast_engine_only_run_as_their_files_say() {
    let mut failures = Vec::new();
    for path in corpus_programs() {
        let source = std::fs::read_to_string(&path).expect("readable");
        if !fast_engine_only(&source) {
            continue;
        }
        if let Err(message) = run_one(&path, &[Engine::Fast], HEAVY_CYCLE_LIMIT) {
            failures.push(format!("{}: {message}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_corpus_program_runs_as_its_files_say() {
    let paths = corpus_programs();
    let mut failures = Vec::new();
    for path in &paths {
        let source = std::fs::read_to_string(path).expect("readable");
        if fast_engine_only(&source) {
            continue;
        }
        if let Err(message) = run_one(path, &[Engine::Fast, Engine::Reference], CYCLE_LIMIT) {
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
