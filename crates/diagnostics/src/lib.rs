//! Diagnostics as data, and the one place they are rendered.
//!
//! Input: [`Diagnostic`] values built by any stage (assembler, front end,
//! machine loader) and the [`SourceFile`]s their spans point into. Output:
//! text for a terminal (with colour when asked) or for a file, through
//! `codespan-reporting`. The language server converts the same values to
//! LSP diagnostics; no stage formats its own messages.
//!
//! A message reads: a title, what goes wrong in plain words (the primary
//! label), the facts (secondary labels and notes: expected vs found), and a
//! hint. This crate must not know what any stage means by its errors.
//!
//! ```
//! use cml_diagnostics::{Diagnostic, SourceFile, render_plain};
//! let file = SourceFile::new("demo.s", "LI v9, 1\n");
//! let diagnostic = Diagnostic::error("unknown register")
//!     .with_primary(0, 3..5, "there are eight registers, v0 to v7")
//!     .with_hint("write v0..v7");
//! let text = render_plain(&[diagnostic], &[file]);
//! assert!(text.contains("demo.s:1:4"));
//! ```

#![forbid(unsafe_code)]

use std::ops::Range;

use codespan_reporting::diagnostic as codespan;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Informational.
    Note,
    /// Suspicious but accepted.
    Warning,
    /// The input is rejected.
    Error,
}

/// A source text that spans point into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// The name shown to the user, usually the path as given.
    pub name: String,
    /// The whole text.
    pub text: String,
}

impl SourceFile {
    /// A source file with this name and text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |index| index + 1);
        (line, before[line_start..].chars().count() + 1)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A labelled span in a source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Index of the file in the slice passed to the renderer.
    pub file: usize,
    /// Byte range in the file.
    pub span: Range<usize>,
    /// What this span shows.
    pub message: String,
    /// Whether this is the main location of the problem.
    pub primary: bool,
}

/// One diagnostic: a problem, where it is, the facts and a hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// A short title: "unknown register".
    pub title: String,
    /// A stable code for documentation and tests ("asm::unknown-register").
    pub code: Option<String>,
    /// The places involved, the primary one first.
    pub labels: Vec<Label>,
    /// Facts: expected vs found, missing cases.
    pub notes: Vec<String>,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with this severity and title and nothing else.
    pub fn new(severity: Severity, title: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            title: title.into(),
            code: None,
            labels: Vec::new(),
            notes: Vec::new(),
            hint: None,
        }
    }

    /// An error with this title.
    pub fn error(title: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, title)
    }

    /// A warning with this title.
    pub fn warning(title: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, title)
    }

    /// Adds a stable code.
    pub fn with_code(mut self, code: impl Into<String>) -> Diagnostic {
        self.code = Some(code.into());
        self
    }

    /// Adds the primary label: where the problem is and what goes wrong.
    pub fn with_primary(
        self,
        file: usize,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.with_label(true, file, span, message.into())
    }

    /// Adds a secondary label: a related place.
    pub fn with_secondary(
        self,
        file: usize,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.with_label(false, file, span, message.into())
    }

    fn with_label(
        mut self,
        primary: bool,
        file: usize,
        span: Range<usize>,
        message: String,
    ) -> Diagnostic {
        self.labels.push(Label {
            file,
            span,
            message,
            primary,
        });
        self
    }

    /// Adds a fact.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Sets the hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this diagnostic rejects the input.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Whether rendered output uses colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    /// ANSI colour codes.
    Always,
    /// Plain text.
    Never,
}

/// Renders diagnostics as text, with source snippets.
pub fn render(diagnostics: &[Diagnostic], files: &[SourceFile], color: ColorChoice) -> String {
    let mut database = SimpleFiles::new();
    for file in files {
        database.add(file.name.clone(), file.text.clone());
    }
    let mut buffer = match color {
        ColorChoice::Always => termcolor::Buffer::ansi(),
        ColorChoice::Never => termcolor::Buffer::no_color(),
    };
    let config = term::Config::default();
    for diagnostic in diagnostics {
        let converted = to_codespan(diagnostic, files);
        if term::emit_to_write_style(&mut buffer, &config, &database, &converted).is_err() {
            // A span outside its file: fall back to the title and notes.
            buffer_write_plain(&mut buffer, diagnostic);
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// Renders diagnostics as plain text (no colour).
pub fn render_plain(diagnostics: &[Diagnostic], files: &[SourceFile]) -> String {
    render(diagnostics, files, ColorChoice::Never)
}

fn buffer_write_plain(buffer: &mut termcolor::Buffer, diagnostic: &Diagnostic) {
    use std::io::Write;
    let _ = writeln!(
        buffer,
        "{}: {}",
        severity_name(diagnostic.severity),
        diagnostic.title
    );
    for note in &diagnostic.notes {
        let _ = writeln!(buffer, "  = {note}");
    }
    if let Some(hint) = &diagnostic.hint {
        let _ = writeln!(buffer, "  = hint: {hint}");
    }
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Note => "note",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

fn to_codespan(diagnostic: &Diagnostic, files: &[SourceFile]) -> codespan::Diagnostic<usize> {
    let severity = match diagnostic.severity {
        Severity::Note => codespan::Severity::Note,
        Severity::Warning => codespan::Severity::Warning,
        Severity::Error => codespan::Severity::Error,
    };
    let labels = diagnostic
        .labels
        .iter()
        .filter(|label| label.file < files.len())
        .map(|label| {
            let length = files[label.file].text.len();
            let span = label.span.start.min(length)..label.span.end.min(length);
            let style = if label.primary {
                codespan::LabelStyle::Primary
            } else {
                codespan::LabelStyle::Secondary
            };
            codespan::Label::new(style, label.file, span).with_message(label.message.clone())
        })
        .collect();
    let mut notes = diagnostic.notes.clone();
    if let Some(hint) = &diagnostic.hint {
        notes.push(format!("hint: {hint}"));
    }
    let mut converted = codespan::Diagnostic::new(severity)
        .with_message(diagnostic.title.clone())
        .with_labels(labels)
        .with_notes(notes);
    if let Some(code) = &diagnostic.code {
        converted = converted.with_code(code.clone());
    }
    converted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let file = SourceFile::new("f", "ab\ncdé f\n");
        assert_eq!(file.line_column(0), (1, 1));
        assert_eq!(file.line_column(3), (2, 1));
        assert_eq!(file.line_column(8), (2, 5));
    }

    #[test]
    fn rendering_names_file_line_and_column_and_the_hint() {
        let file = SourceFile::new("prog.s", "  LI v0, 1\n  BOGUS v1\n");
        let diagnostic = Diagnostic::error("unknown mnemonic")
            .with_code("asm::unknown-mnemonic")
            .with_primary(0, 13..18, "no instruction is called BOGUS")
            .with_hint("see `cml isa` for the instruction list");
        let text = render_plain(&[diagnostic], &[file]);
        assert!(
            text.contains("error[asm::unknown-mnemonic]: unknown mnemonic"),
            "{text}"
        );
        assert!(text.contains("prog.s:2:3"), "{text}");
        assert!(text.contains("hint: see `cml isa`"), "{text}");
    }

    #[test]
    fn a_span_past_the_end_is_clamped_not_a_panic() {
        let file = SourceFile::new("f", "x");
        let diagnostic = Diagnostic::error("t").with_primary(0, 5..9, "m");
        assert!(render_plain(&[diagnostic], &[file]).contains("error: t"));
    }
}
