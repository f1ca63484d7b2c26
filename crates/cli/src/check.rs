//! `cml check`: read CML source files and report every problem found.
//!
//! Today the front end checks syntax: every file is parsed with error
//! recovery, and all syntax errors of all files are reported together. Name
//! resolution, types, effect rows, linearity and exhaustiveness join as the
//! front end grows (issue "CML front end").

use std::path::PathBuf;

use clap::Args;
use cml_diagnostics::{render, SourceFile};

use crate::{stderr_color, Ending};

/// Check CML source files and report every error.
///
/// Each FILE is parsed in full, recovering after each error, so one run
/// reports every syntax error in every file, with the line, the column and
/// a hint. The exit code is 0 when no file has an error and 1 otherwise.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  cml check kernel.cml            report every syntax error
  cml check tests/cml/book/*.cml  check many files at once")]
pub struct CheckArgs {
    /// The CML source files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Runs `cml check`.
pub fn check_files(args: &CheckArgs) -> Ending {
    let mut ending = Ending::Success;
    let mut error_count = 0;
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
        let parsed = cml_syntax::parse(&source);
        if parsed.errors.is_empty() {
            continue;
        }
        ending = Ending::BadInput;
        error_count += parsed.errors.len();
        let diagnostics: Vec<_> = parsed.errors.iter().map(|error| error.to_diagnostic(0)).collect();
        let files = [SourceFile::new(name, source)];
        eprint!("{}", render(&diagnostics, &files, stderr_color()));
    }
    if error_count > 0 {
        let files = args.files.len();
        let plural = if error_count == 1 { "" } else { "s" };
        eprintln!("{error_count} error{plural} in {files} file{}", if files == 1 { "" } else { "s" });
    }
    ending
}
