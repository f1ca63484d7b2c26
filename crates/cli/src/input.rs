//! Reading the files commands name: bytes into source text or an
//! [`Image`], assembling source when needed.
//!
//! Every failure becomes [`Problems`]: diagnostics together with the
//! source files their spans point into, rendered by
//! `cml_diagnostics::render` and nowhere else.

use std::path::Path;

use cml_asm::{assemble, AssembleOptions};
use cml_diagnostics::{render, ColorChoice, Diagnostic, SourceFile};
use cml_image::Image;
use cml_isa::IsaVersion;

/// Diagnostics and the files their spans point into.
#[derive(Clone, Debug, Default)]
pub struct Problems {
    /// The diagnostics, in the order they are shown.
    pub diagnostics: Vec<Diagnostic>,
    /// The source files, indexed by the diagnostics' labels.
    pub files: Vec<SourceFile>,
}

impl Problems {
    /// One diagnostic that points into no file.
    pub fn single(diagnostic: Diagnostic) -> Problems {
        Problems {
            diagnostics: vec![diagnostic],
            files: Vec::new(),
        }
    }

    /// The diagnostics as text, with source snippets.
    pub fn render(&self, color: ColorChoice) -> String {
        render(&self.diagnostics, &self.files, color)
    }

    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty()
    }
}

/// A program ready to load, with the warnings found on the way.
#[derive(Clone, Debug)]
pub struct Program {
    /// The image.
    pub image: Image,
    /// Assembler warnings (empty for an image file).
    pub warnings: Problems,
}

/// The name a path is shown by in messages.
pub fn display_name(path: &Path) -> String {
    path.display().to_string()
}

/// The bytes of a file.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, Problems> {
    std::fs::read(path).map_err(|error| {
        Problems::single(
            Diagnostic::error(format!("cannot read `{}`", display_name(path)))
                .with_code("cli::unreadable-file")
                .with_note(error.to_string())
                .with_hint("check that the path is right and that the file is readable"),
        )
    })
}

/// The bytes of a file as source text. `expected` says what the command
/// takes, for the hint when the bytes are not text.
pub fn source_text(path: &Path, bytes: Vec<u8>, expected: &str) -> Result<String, Problems> {
    String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        Problems::single(
            Diagnostic::error(format!(
                "`{}` is neither assembly source nor an image",
                display_name(path)
            ))
            .with_code("cli::not-text")
            .with_note(format!(
                "byte {offset} is not UTF-8 text, and the file does not start with the image magic `CMLI`"
            ))
            .with_hint(expected.to_string()),
        )
    })
}

/// Assembles source text, keeping the warnings. On failure the problems
/// hold every error the assembler found.
pub fn assemble_source(path: &Path, source: String, isa: IsaVersion) -> Result<Program, Problems> {
    let options = AssembleOptions { isa };
    let result = assemble(&source, &options);
    let files = vec![SourceFile::new(display_name(path), source)];
    match result {
        Ok(assembled) => Ok(Program {
            image: assembled.image,
            warnings: Problems {
                diagnostics: assembled.warnings,
                files,
            },
        }),
        Err(errors) => Err(Problems {
            diagnostics: errors,
            files,
        }),
    }
}

/// Reads image bytes, checking everything the image format checks.
pub fn image_from_bytes(path: &Path, bytes: &[u8]) -> Result<Image, Problems> {
    Image::from_bytes(bytes)
        .map_err(|error| Problems::single(error.to_diagnostic(&display_name(path))))
}

/// Reads what `cml run` runs: an image when the bytes start with the image
/// magic (whatever the file's extension), assembly source otherwise,
/// assembled for `isa` (or the assembler's default version).
pub fn read_program(path: &Path, isa: Option<IsaVersion>) -> Result<Program, Problems> {
    let bytes = read_bytes(path)?;
    if Image::looks_like_image(&bytes) {
        return Ok(Program {
            image: image_from_bytes(path, &bytes)?,
            warnings: Problems::default(),
        });
    }
    let source = source_text(
        path,
        bytes,
        "`cml run` takes assembly source (.s) or an image written by `cml asm`",
    )?;
    let isa = isa.unwrap_or(AssembleOptions::default().isa);
    assemble_source(path, source, isa)
}
