//! `cml asm`: assembly source into an image file.

use std::path::{Path, PathBuf};

use cml_asm::AssembleOptions;
use cml_diagnostics::Diagnostic;
use cml_image::Image;

use crate::input::{self, display_name, Problems};
use crate::{stderr_color, write_stderr, Ending, IsaChoice};

/// Assemble a source file into an image.
///
/// Reads assembly source (one statement per line, the book's notation:
/// `LI v0, 0x41`, `PERF family=2, op=0, v0`) and writes the image that
/// `cml run` and `cml disasm` read. Every error in the file is reported,
/// each with its source line; warnings are reported too. When there is any
/// error nothing is written, so an existing output file is left as it was.
/// Exits 0 when the image was written and 1 on any error.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  cml asm hello.s                 writes hello.img
  cml asm hello.s -o out/a.img    writes out/a.img
  cml asm --isa v0.4 book.s       rejects the v0.5 extensions")]
pub struct AsmArgs {
    /// The assembly source file.
    pub file: PathBuf,

    /// Where to write the image [default: FILE with the extension .img].
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// The ISA version to assemble for, unless the source says `.isa`
    /// [default: v0.5].
    #[arg(long, value_enum)]
    pub isa: Option<IsaChoice>,
}

/// Runs `cml asm`.
pub fn assemble_file(args: &AsmArgs) -> Ending {
    let color = stderr_color();
    match assemble_to_file(args) {
        Ok(warnings) => {
            write_stderr(&warnings.render(color));
            Ending::Success
        }
        Err(problems) => {
            write_stderr(&problems.render(color));
            Ending::BadInput
        }
    }
}

/// Assembles and writes the image; returns the warnings.
fn assemble_to_file(args: &AsmArgs) -> Result<Problems, Problems> {
    let path = &args.file;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| path.with_extension("img"));
    let bytes = input::read_bytes(path)?;
    if Image::looks_like_image(&bytes) {
        return Err(Problems::single(
            Diagnostic::error(format!(
                "`{}` is already an image, not assembly source",
                display_name(path)
            ))
            .with_code("cli::not-source")
            .with_note("the file starts with the image magic `CMLI`")
            .with_hint(format!(
                "run it with `cml run {0}`, or list it with `cml disasm {0}`",
                display_name(path)
            )),
        ));
    }
    if same_file(path, &output) {
        return Err(Problems::single(
            Diagnostic::error(format!(
                "the image would overwrite the source `{}`",
                display_name(path)
            ))
            .with_code("cli::output-is-input")
            .with_hint("name a different output with -o"),
        ));
    }
    let source = input::source_text(path, bytes, "`cml asm` takes assembly source text")?;
    let isa = args.isa.map_or(AssembleOptions::default().isa, Into::into);
    let program = input::assemble_source(path, source, isa)?;
    std::fs::write(&output, program.image.to_bytes()).map_err(|error| {
        Problems::single(
            Diagnostic::error(format!("cannot write `{}`", display_name(&output)))
                .with_code("cli::unwritable-file")
                .with_note(error.to_string())
                .with_hint("check that the directory exists and is writable"),
        )
    })?;
    Ok(program.warnings)
}

/// Whether two paths name the same file (an output that does not exist
/// yet is never the input, which does).
fn same_file(input: &Path, output: &Path) -> bool {
    if input == output {
        return true;
    }
    match (input.canonicalize(), output.canonicalize()) {
        (Ok(input), Ok(output)) => input == output,
        _ => false,
    }
}
