//! CML's types and effect rows: their representation ([`types`]) and
//! unification ([`unify`]), the ground the type checker stands on.
//!
//! Input: types and rows built by the checker. Output: unifiers and
//! readable printing (`int -> list a / {IO | e}`). This crate must not know
//! about syntax or source files; the design it implements is
//! `docs/cml-types.md`, and unification of rows follows Leijen 2017.

#![forbid(unsafe_code)]

pub mod substitute;
pub mod types;
pub mod unify;

pub use substitute::Substitution;
pub use types::{Label, Printer, Row, RowVar, Table, Type, TypeVar, HIDDEN};
pub use unify::Mismatch;
