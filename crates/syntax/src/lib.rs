//! CML's concrete syntax: the lexer, the syntax tree, and a recovering
//! recursive-descent parser.
//!
//! Input: the text of one source file. Output: a [`ast::Module`] and every
//! [`SyntaxError`] found (the parser recovers and goes on, so one run
//! reports all of them). This crate must not know about names, types,
//! effects or the machine: `Queue.push` is just a path here, and whether
//! `list int` applies `list` to `int` or the other way round is decided by
//! name resolution, which knows arities.
//!
//! The language accepted is every form the book writes (Appendix B and
//! chapters 2-17), including its layout-sensitive habits, which
//! `docs/cml-syntax.md` describes with the canonical form of each construct.
//!
//! ```
//! let parsed = cml_syntax::parse("let id (x : a) : a = x");
//! assert!(parsed.errors.is_empty());
//! assert_eq!(parsed.module.items.len(), 1);
//! ```

#![forbid(unsafe_code)]

pub mod ast;
mod error;
mod parser;
pub mod token;

pub use error::SyntaxError;

/// The result of parsing a file: a tree (with `Error` nodes where the text
/// could not be read) and every error found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The syntax tree.
    pub module: ast::Module,
    /// Every error, in source order.
    pub errors: Vec<SyntaxError>,
}

/// Parses one source file.
pub fn parse(source: &str) -> Parsed {
    parser::parse_module(source)
}
