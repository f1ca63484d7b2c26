//! The `cml` command line: assemble, disassemble, run and list the
//! instruction set of the effects-native 16-bit machine.
//!
//! Input: the command-line arguments, the files they name (assembly source
//! or images written by `cml asm`), and whether stderr is a terminal (for
//! colour). Output: image files; disassembly, the instruction table and the
//! running program's console on stdout; diagnostics, traces, statistics and
//! trap reports on stderr; and an exit code that says how the command ended
//! (see [`Ending`]).
//!
//! The CLI is the only place that touches files and terminals. It must not
//! implement machine or assembler logic: it reads bytes, hands them to
//! `cml-asm`, `cml-image` and `cml-machine`, and formats what they give
//! back. Every diagnostic is rendered by `cml_diagnostics::render`; the
//! trap report, traces and statistics are formatted by pure functions in
//! [`report`] so that tests can read them as text.

#![forbid(unsafe_code)]

pub mod asm;
pub mod build;
pub mod check;
pub mod disasm;
pub mod input;
pub mod isa;
pub mod lsp;
pub mod report;
pub mod run;
pub mod system;

use std::io::{IsTerminal, Write};

use cml_diagnostics::ColorChoice;
use cml_isa::IsaVersion;

/// How a command ended, and so the process's exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Exit code 0: the command did what was asked (for `cml run`, the
    /// program halted with nothing in flight).
    Success,
    /// Exit code 1: a file could not be read, did not assemble, or held a
    /// corrupt image or one that does not load.
    BadInput,
    /// Exit code 3: the program trapped on a fault nothing handled.
    Trapped,
    /// Exit code 4: the program was still running at `--max-cycles`.
    CycleLimit,
}

impl Ending {
    /// The process exit code. Code 2, for usage errors, is clap's own.
    pub fn exit_code(self) -> u8 {
        match self {
            Ending::Success => 0,
            Ending::BadInput => 1,
            Ending::Trapped => 3,
            Ending::CycleLimit => 4,
        }
    }
}

/// An ISA version as the command line names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum IsaChoice {
    /// The book's ISA v0.4, exactly.
    #[value(name = "v0.4", alias = "0.4")]
    V0_4,
    /// v0.4 plus the project's extensions in the reserved opcodes.
    #[value(name = "v0.5", alias = "0.5")]
    V0_5,
}

impl From<IsaChoice> for IsaVersion {
    fn from(choice: IsaChoice) -> IsaVersion {
        match choice {
            IsaChoice::V0_4 => IsaVersion::V0_4,
            IsaChoice::V0_5 => IsaVersion::V0_5,
        }
    }
}

/// Colour for messages on stderr: only when stderr is a terminal.
pub fn stderr_color() -> ColorChoice {
    if std::io::stderr().is_terminal() {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    }
}

/// Writes text to stderr. A stderr that cannot be written to has nowhere
/// to report its own failure, so errors are ignored.
pub fn write_stderr(text: &str) {
    if !text.is_empty() {
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}

/// Writes bytes to stdout and flushes them. A closed stdout (a pipe whose
/// reader has gone, as with `cml run prog.s | head`) is not an error of the
/// program's, so write errors are ignored.
pub fn write_stdout(bytes: &[u8]) {
    if !bytes.is_empty() {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(bytes);
        let _ = stdout.flush();
    }
}
