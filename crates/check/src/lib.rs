//! CML's checker: from a parsed module to the diagnostics the language
//! promises (Appendix B §3): name resolution, types with effect rows,
//! linearity, exhaustiveness, and the program-level checks.
//!
//! Input: a [`cml_syntax::ast::Module`]. Output: every [`CheckError`], and
//! the type of every top-level definition. This crate must not know about
//! source text beyond spans, nor about the machine. The design it follows
//! is `docs/cml-types.md`. Built so far: declarations and type resolution
//! (this layer); inference is next.

#![forbid(unsafe_code)]

pub mod declarations;
mod error;
pub mod exhaustiveness;
pub mod resolve;

pub use error::CheckError;
