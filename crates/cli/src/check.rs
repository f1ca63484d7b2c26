//! `cml check`: read CML source files and report every problem found.
//!
//! Each file is parsed with error recovery; a file that parses is then
//! checked (names, types with effect rows, exhaustiveness, linearity, the
//! program-level checks) by `cml_check::check_module`. All errors and
//! warnings of all files are reported together, rendered by
//! `cml_diagnostics` as for every other stage.

use std::path::PathBuf;

use clap::Args;
use cml_diagnostics::{render, Diagnostic, Severity, SourceFile};

use crate::{stderr_color, Ending};

/// Check CML source files and report every error and warning.
///
/// Each FILE is parsed in full, recovering after each syntax error; a file
/// without syntax errors is then type-checked: names, types and effect
/// rows, exhaustive matches, linear continuations, and what `main` may
/// perform. One run reports every problem in every file, with the line,
/// the column and a hint. The exit code is 0 when no file has an error
/// (warnings allowed) and 1 otherwise.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  cml check kernel.cml            report every error and warning
  cml check --types kernel.cml    also print each definition's type and effect row
  cml check tests/cml/book/*.cml  check many files at once")]
pub struct CheckArgs {
    /// The CML source files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,

    /// Print the inferred type, with its effect row, of every top-level
    /// definition (on standard output, one per line: `name : type`).
    #[arg(long)]
    pub types: bool,
}

/// Runs `cml check`.
pub fn check_files(args: &CheckArgs) -> Ending {
    let mut ending = Ending::Success;
    let mut error_count = 0;
    let mut warning_count = 0;
    for path in &args.files {
        let name = path.display().to_string();
        let source = match std::fs::read_to_string(path) {
            Ok(source) => source,
            Err(error) => {
                eprintln!("error: cannot read `{name}`: {error}");
                ending = Ending::BadInput;
                error_count += 1;
                continue;
            }
        };
        let diagnostics = check_source(&source, args.types.then_some(&name));
        for diagnostic in &diagnostics {
            match diagnostic.severity {
                Severity::Error => error_count += 1,
                Severity::Warning => warning_count += 1,
                Severity::Note => {}
            }
        }
        if diagnostics.iter().any(Diagnostic::is_error) {
            ending = Ending::BadInput;
        }
        if !diagnostics.is_empty() {
            let files = [SourceFile::new(name, source)];
            eprint!("{}", render(&diagnostics, &files, stderr_color()));
        }
    }
    if error_count + warning_count > 0 {
        let files = args.files.len();
        eprintln!(
            "{} and {} in {files} file{}",
            counted(error_count, "error"),
            counted(warning_count, "warning"),
            if files == 1 { "" } else { "s" }
        );
    }
    ending
}

/// Parses and checks one source text; with `print_types_of`, prints the
/// type of every top-level definition under the file's name.
fn check_source(source: &str, print_types_of: Option<&String>) -> Vec<Diagnostic> {
    let parsed = cml_syntax::parse(source);
    if !parsed.errors.is_empty() {
        // Types of a tree with holes would only add confusing reports.
        return parsed
            .errors
            .iter()
            .map(|error| error.to_diagnostic(0))
            .collect();
    }
    let checked = cml_check::check_module(&parsed.module);
    if let Some(name) = print_types_of {
        println!("{name}:");
        for definition in &checked.definitions {
            println!("  {} : {}", definition.name, definition.ty);
        }
    }
    checked
        .errors
        .iter()
        .map(|error| error.to_diagnostic(0))
        .collect()
}

/// "1 error", "2 warnings".
fn counted(count: usize, noun: &str) -> String {
    format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
}
