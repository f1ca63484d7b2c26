//! The assembler and disassembler of the effects-native 16-bit machine.
//!
//! Input: assembly source text (one statement per line, the book's
//! notation: `LI v0, 0x41`, `PERF family=2, op=0, v0`) for [`assemble`], or
//! an [`Image`] for [`disassemble`] and single words for
//! [`describe_instruction`]. Output: an [`Image`] (segments, entry, symbols,
//! data ranges) with warnings, or every error found as
//! [`Diagnostic`]s whose spans point into the source (file index 0); and
//! source text that assembles back to the identical image. Everything about
//! operands (how many, of what kind, where their bits go, their ranges, how
//! they print) comes from the instruction table in `cml-isa`; the only
//! instruction-specific knowledge here is JMPA's trailing address word and
//! how a branch that cannot reach is lengthened. This crate must not know
//! how instructions execute: it never interprets a program, only encodes
//! and decodes it.
//!
//! ```
//! use cml_asm::{assemble, AssembleOptions};
//! let source = "LI v0, 0x41\nPERF family=2, op=0, v0\nHALT\n";
//! let assembled = assemble(source, &AssembleOptions::default()).unwrap();
//! assert_eq!(assembled.image.segments[0].words, [0x0041, 0x7900, 0x9800]);
//! ```
//!
//! # The language
//!
//! One statement per line, `;` starts a comment. `name:` defines a label
//! (names starting with `.L` are local: not written to the image's
//! symbols). Mnemonics ignore case; registers are `v0`..`v7`; numbers are
//! decimal, `0x41`, `0b101`, with an optional sign, or characters `'A'`,
//! `'\n'`. Layouts, tags and control registers may be named (`RECORD`,
//! `INT`, `HP`). Effect operands may be written `family=2, op=0`. A
//! pc-relative operand (BZ, JMP, INST/INSTT's handler, MATCH's table) is a
//! label, or a number giving the raw offset from the next instruction.
//! `JMPA target` takes an absolute address. Directives: `.org`, `.word`,
//! `.ascii`, `.asciz`, `.zero`, `.fill`, `.table` (a MATCH jump table,
//! `_` for a missing entry), `.insn` (a raw word in code), `.entry`,
//! `.isa v0.4|v0.5` and `.equ NAME, VALUE`. A `.equ` constant stands for
//! its number wherever a number may go, so in a pc-relative field it is a
//! raw offset, not a target.
//!
//! Branches that cannot reach their label are lengthened (relaxed) until
//! every address is stable: see `layout`.
//!
//! # The pieces
//!
//! In the order source flows through them: `lexer` (a line into tokens),
//! `parser` (tokens into labels and a statement), `build` (statements into
//! sections of items) with `operands` (each operand checked against its
//! table field), `layout` (addresses, relaxation, words, the image); and
//! for the other direction `disassemble` (an image into source) and
//! `describe` (one word for traces).

#![forbid(unsafe_code)]
// Internal functions return `Result<_, Diagnostic>`; a diagnostic is large,
// but errors are the rare path and boxing each one would only add noise.
#![allow(clippy::result_large_err)]

mod build;
mod describe;
mod diagnostics;
mod disassemble;
mod layout;
mod lexer;
mod operands;
mod parser;
mod program;

use cml_diagnostics::Diagnostic;
use cml_image::Image;
use cml_isa::IsaVersion;

pub use describe::describe_instruction;
pub use disassemble::disassemble;

/// How to assemble.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AssembleOptions {
    /// The ISA version to assemble for, unless the source says `.isa`.
    pub isa: IsaVersion,
}

impl Default for AssembleOptions {
    fn default() -> AssembleOptions {
        AssembleOptions {
            isa: IsaVersion::V0_5,
        }
    }
}

/// A successful assembly: the image and any warnings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assembled {
    /// The program.
    pub image: Image,
    /// Problems that did not stop assembly.
    pub warnings: Vec<Diagnostic>,
}

/// Assembles source text into an image.
///
/// Every line is read even after an error, so the result lists every
/// problem found, in the order of their places in the source. The
/// diagnostics' spans are byte ranges in `source`, file index 0.
pub fn assemble(source: &str, options: &AssembleOptions) -> Result<Assembled, Vec<Diagnostic>> {
    let (lines, mut errors) = parser::parse_source(source);
    let mut program = build::build_program(&lines, options.isa, &mut errors);
    let mut warnings = Vec::new();
    let image = layout::lay_out(&mut program, &mut errors, &mut warnings);
    if errors.is_empty() {
        Ok(Assembled { image, warnings })
    } else {
        errors.sort_by_key(|diagnostic| {
            diagnostic
                .labels
                .iter()
                .find(|label| label.primary)
                .map_or(usize::MAX, |label| label.span.start)
        });
        Err(errors)
    }
}
