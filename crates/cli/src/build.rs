//! `cml build`: CML source into an image file, or the generated assembly.

use std::path::{Path, PathBuf};

use cml_diagnostics::{ColorChoice, Diagnostic, SourceFile};

use crate::input::{self, display_name, Problems, Program};
use crate::{stderr_color, write_stderr, write_stdout, Ending};

/// Compile a CML program into an image for the machine.
///
/// Parses and checks FILE, lowers it and generates code for ISA v0.5
/// (`docs/backend.md`), then assembles it. Every error is reported with
/// its source line: syntax and type errors, and constructs the back end
/// does not support yet. With `--emit asm` the generated assembly, with
/// the CML source lines as comments, goes to stdout (or OUT) instead of
/// an image. Exits 0 on success and 1 on any error.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  cml build hello.cml               writes hello.img
  cml build hello.cml -o a.img      writes a.img
  cml build --emit asm hello.cml    prints the generated assembly
  cml run hello.cml                 compiles and runs in one go")]
pub struct BuildArgs {
    /// The CML source file.
    pub file: PathBuf,

    /// Where to write the result [default: FILE with the extension .img;
    /// stdout for `--emit asm`].
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// What to produce.
    #[arg(long, value_enum, default_value_t = Emit::Image)]
    pub emit: Emit,
}

/// What `cml build` produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Emit {
    /// An image for `cml run`.
    Image,
    /// The generated assembly text, for `cml asm` or reading.
    Asm,
}

/// Runs `cml build`.
pub fn build_file(args: &BuildArgs) -> Ending {
    let color = stderr_color();
    match build(args, color) {
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

fn build(args: &BuildArgs, color: ColorChoice) -> Result<Problems, Problems> {
    let path = &args.file;
    let (compiled, warnings) = compile(path)?;
    let _ = color;
    match args.emit {
        Emit::Asm => match &args.output {
            Some(output) => write_file(output, compiled.assembly.as_bytes())?,
            None => write_stdout(compiled.assembly.as_bytes()),
        },
        Emit::Image => {
            let output = args
                .output
                .clone()
                .unwrap_or_else(|| path.with_extension("img"));
            if output == *path {
                return Err(Problems::single(
                    Diagnostic::error(format!(
                        "the image would overwrite the source `{}`",
                        display_name(path)
                    ))
                    .with_code("cli::output-is-input")
                    .with_hint("name a different output with -o"),
                ));
            }
            write_file(&output, &compiled.image.to_bytes())?;
        }
    }
    Ok(warnings)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Problems> {
    std::fs::write(path, bytes).map_err(|error| {
        Problems::single(
            Diagnostic::error(format!("cannot write `{}`", display_name(path)))
                .with_code("cli::unwritable-file")
                .with_note(error.to_string())
                .with_hint("check that the directory exists and is writable"),
        )
    })
}

/// Reads and compiles a CML file; the checker's warnings come with it.
fn compile(path: &Path) -> Result<(cml_compile::Compiled, Problems), Problems> {
    let bytes = input::read_bytes(path)?;
    let source = input::source_text(path, bytes, "`cml build` takes CML source text")?;
    let files = vec![SourceFile::new(display_name(path), source.clone())];
    match cml_compile::compile(&source) {
        Ok(compiled) => {
            let warnings = Problems {
                diagnostics: compiled.warnings.clone(),
                files,
            };
            Ok((compiled, warnings))
        }
        Err(diagnostics) => Err(Problems { diagnostics, files }),
    }
}

/// Compiles a CML file for `cml run`.
pub fn compile_file(path: &Path, color: ColorChoice) -> Result<Program, Problems> {
    let _ = color;
    let (compiled, warnings) = compile(path)?;
    Ok(Program {
        image: compiled.image,
        warnings,
    })
}

/// The CML part of a trap report (`docs/backend.md`, "Debug
/// information"), when the image carries debug information: the source
/// position of the faulting instruction and the calls that led there
/// (`read` reads the memory the trapped core ran on). The source line is
/// shown when `file` is the CML source itself.
pub fn trap_context(
    file: &Path,
    image: &cml_image::Image,
    trap: &cml_machine::TrapReport,
    read: impl Fn(u16) -> u16,
) -> String {
    let Some(debug) = cml_compile::DebugInfo::from_image(image) else {
        return String::new();
    };
    let source = crate::run::is_cml_source(file)
        .then(|| std::fs::read_to_string(file).ok())
        .flatten();
    let name = if source.is_some() {
        display_name(file)
    } else {
        "the program".to_string()
    };
    debug.trap_context(image, trap.pc, trap.sp, read, &name, source.as_deref())
}

/// `cml run --trace effects`: the image's effect manifest, read once.
pub struct EffectTrace(Option<cml_compile::DebugInfo>);

impl EffectTrace {
    /// The manifest of `image` (none without debug information: nothing
    /// is printed).
    pub fn new(image: &cml_image::Image) -> EffectTrace {
        EffectTrace(cml_compile::DebugInfo::from_image(image))
    }

    /// The lines of one traced instruction: one `perform IO.print
    /// "A1\n"` per effect it performed that the program declared, named
    /// from the manifest (the UART binding and the back end's private
    /// operations are left out). `read` reads the core's memory.
    pub fn lines(
        &self,
        record: &cml_machine::TraceRecord,
        read: impl Fn(u16) -> u16,
    ) -> Vec<String> {
        let Some(debug) = &self.0 else {
            return Vec::new();
        };
        record
            .events
            .iter()
            .filter_map(|event| match event {
                cml_machine::Event::Performed {
                    effect, argument, ..
                } => debug.perform_line(
                    effect.family(),
                    effect.op(),
                    argument.tag().code(),
                    argument.bits(),
                    &read,
                ),
                _ => None,
            })
            .collect()
    }
}
