//! The prelude, written in CML: Appendix B §8's effects, the data types
//! and functions the book's programs use without declaring them, and the
//! modules they call (`Queue`, `List`, `Hash`, `Printf`) and the helpers
//! over options and results (`Option`, `Result`).
//!
//! Each module is a file of `val` signatures named after the module
//! (`prelude/Queue.cml` holds `val push : ...`, used as `Queue.push`);
//! `prelude/core.cml` holds the types, effects and unqualified values
//! (`docs/cml-types.md`, "Modules and the prelude").

/// The prelude's files: the module each defines (`None` for the
/// unqualified core) and its text.
pub const FILES: [(Option<&str>, &str); 7] = [
    (None, include_str!("prelude/core.cml")),
    (Some("Queue"), include_str!("prelude/Queue.cml")),
    (Some("List"), include_str!("prelude/List.cml")),
    (Some("Hash"), include_str!("prelude/Hash.cml")),
    (Some("Printf"), include_str!("prelude/Printf.cml")),
    (Some("Option"), include_str!("prelude/Option.cml")),
    (Some("Result"), include_str!("prelude/Result.cml")),
];

/// The prelude's files, parsed.
pub fn parsed() -> Vec<(Option<&'static str>, cml_syntax::Parsed)> {
    FILES
        .iter()
        .map(|(module, text)| (*module, cml_syntax::parse(text)))
        .collect()
}
