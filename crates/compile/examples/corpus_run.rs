//! Runs one corpus program on the fast engine and reports what the
//! harness checks: the program's output on stdout; on stderr, `outcome
//! halted|trapped|limit` and one `stat NAME VALUE` line per statistic.
//!
//! The corpus harness (`tests/programs.rs`) runs the programs marked
//! `run-in-release` (ten million effects, a million generator values)
//! through this example built with `--release`: the debug build of the
//! machine takes minutes for them, the release build seconds.

use std::io::Write;

use cml_isa::IsaVersion;
use cml_machine::{Engine, Machine, RunOutcome};

/// Enough for ten million captured-and-resumed effects (about 420 cycles
/// each) with room to spare.
const CYCLE_LIMIT: u64 = 20_000_000_000;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: corpus_run PROGRAM.cml");
        std::process::exit(2);
    };
    let source = match std::fs::read_to_string(&path) {
        Ok(source) => source,
        Err(error) => {
            eprintln!("{path}: {error}");
            std::process::exit(2);
        }
    };
    let compiled = match cml_compile::compile(&source) {
        Ok(compiled) => compiled,
        Err(diagnostics) => {
            eprintln!(
                "{path}: does not compile ({} diagnostics)",
                diagnostics.len()
            );
            std::process::exit(2);
        }
    };
    let mut machine = match Machine::boot_bare_program(&compiled.image, IsaVersion::V0_5) {
        Ok(machine) => machine,
        Err(error) => {
            eprintln!("{path}: {error}");
            std::process::exit(2);
        }
    };
    machine.set_engine(Engine::Fast);
    let outcome = machine.run(CYCLE_LIMIT);
    let output = machine.take_console_output();
    let _ = std::io::stdout().write_all(&output);
    let outcome = match outcome {
        RunOutcome::Halted => "halted",
        RunOutcome::Trapped(_) => "trapped",
        RunOutcome::CycleLimit => "limit",
    };
    let stats = machine.stats();
    eprintln!("outcome {outcome}");
    for (name, value) in [
        ("peak_heap_words", u64::from(stats.peak_heap_words)),
        ("peak_stack_words", u64::from(stats.peak_stack_words)),
        ("continuations_captured", stats.continuations_captured),
        ("continuations_recycled", stats.continuations_recycled),
        ("performs_tail_resumptive", stats.performs_tail_resumptive),
        ("performs_local", stats.performs_local),
        ("resumes", stats.resumes),
        ("instructions", stats.instructions),
    ] {
        eprintln!("stat {name} {value}");
    }
}
