//! `cml`: the command line of the effects-native machine.
//!
//! Input: the arguments, parsed by clap (usage errors exit with code 2).
//! Output: whatever the chosen command writes, and its exit code. This file
//! only parses and dispatches; each command lives in its module of the
//! `cml_cli` library, the only place that touches files and terminals, and
//! none of it implements machine or assembler logic.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cml_cli::{asm, build, check, disasm, isa, lsp, run};

/// Assemble, disassemble and run programs for the effects-native 16-bit
/// machine, and check CML source.
///
/// The machine has eight tagged registers, a handler CAM, and effects as
/// instructions (PERF, RESU). `cml asm` turns assembly source into an
/// image, `cml run` runs source or an image, `cml disasm` turns an image
/// back into source, `cml isa` lists the instruction set, `cml check`
/// checks CML source files, and `cml lsp` is the language server for
/// editors.
#[derive(Debug, Parser)]
#[command(
    name = "cml",
    version,
    after_help = "\
Examples:
  cml run hello.cml            compile CML and run it
  cml run hello.s              assemble and run in one go
  cml asm hello.s && cml run hello.img
  cml run hello.s --trace      one line per instruction on stderr
  cml isa                      the instruction table"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Asm(asm::AsmArgs),
    Disasm(disasm::DisasmArgs),
    Run(run::RunArgs),
    Isa(isa::IsaArgs),
    Check(check::CheckArgs),
    Build(build::BuildArgs),
    Lsp(lsp::LspArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ending = match &cli.command {
        Command::Asm(args) => asm::assemble_file(args),
        Command::Disasm(args) => disasm::disassemble_file(args),
        Command::Run(args) => run::run_program(args),
        Command::Isa(args) => isa::print_instruction_set(args),
        Command::Check(args) => check::check_files(args),
        Command::Build(args) => build::build_file(args),
        Command::Lsp(args) => lsp::serve_stdio(args),
    };
    ExitCode::from(ending.exit_code())
}
