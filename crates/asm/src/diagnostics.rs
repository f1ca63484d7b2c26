//! Building the assembler's diagnostics: the codes, and the
//! closest-name suggestions for typos.
//!
//! Every diagnostic points into file index 0, the source being assembled.

use cml_diagnostics::Diagnostic;

use crate::lexer::Span;

/// The codes of the assembler's diagnostics, one per kind of problem.
pub(crate) mod code {
    /// A line that does not follow the grammar.
    pub const SYNTAX: &str = "asm::syntax";
    /// A mnemonic no table row has.
    pub const UNKNOWN_MNEMONIC: &str = "asm::unknown-mnemonic";
    /// A directive the assembler does not know.
    pub const UNKNOWN_DIRECTIVE: &str = "asm::unknown-directive";
    /// Too many or too few operands.
    pub const OPERAND_COUNT: &str = "asm::operand-count";
    /// An operand of the wrong kind (a register where a number belongs).
    pub const BAD_OPERAND: &str = "asm::bad-operand";
    /// Something that is not one of v0..v7 where a register belongs.
    pub const BAD_REGISTER: &str = "asm::bad-register";
    /// A value outside its field's range.
    pub const OUT_OF_RANGE: &str = "asm::out-of-range";
    /// A label used and never defined.
    pub const UNDEFINED_LABEL: &str = "asm::undefined-label";
    /// A label (or constant) defined twice.
    pub const DUPLICATE_LABEL: &str = "asm::duplicate-label";
    /// A v0.5 instruction in v0.4 mode.
    pub const V05_EXTENSION: &str = "asm::v05-extension";
    /// A `.table` that no MATCH points at.
    pub const ORPHAN_TABLE: &str = "asm::orphan-table";
    /// A `.table` that two MATCH instructions point at.
    pub const SHARED_TABLE: &str = "asm::shared-table";
    /// Two segments that share addresses.
    pub const SEGMENT_OVERLAP: &str = "asm::segment-overlap";
    /// A segment or label past address 0xFFFF.
    pub const PAST_END_OF_MEMORY: &str = "asm::past-end-of-memory";
    /// A directive given twice with different values (`.isa`, `.entry`).
    pub const DUPLICATE_DIRECTIVE: &str = "asm::duplicate-directive";
    /// The entry point is not inside any segment (a warning).
    pub const ENTRY_OUTSIDE_SEGMENTS: &str = "asm::entry-outside-segments";
}

/// A syntax error with a primary label.
pub(crate) fn syntax_error(
    title: impl Into<String>,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic::error(title)
        .with_code(code::SYNTAX)
        .with_primary(0, span, message)
}

/// An error with a code and a primary label.
pub(crate) fn error(
    code: &str,
    title: impl Into<String>,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic::error(title)
        .with_code(code)
        .with_primary(0, span, message)
}

/// The edit distance between two strings, ignoring ASCII case: insertions,
/// deletions, substitutions and swaps of neighbours each count one (the
/// optimal string alignment distance), so `PREF` is one edit from `PERF`.
fn edit_distance(left: &str, right: &str) -> usize {
    let left: Vec<char> = left.chars().map(|c| c.to_ascii_lowercase()).collect();
    let right: Vec<char> = right.chars().map(|c| c.to_ascii_lowercase()).collect();
    let columns = right.len() + 1;
    let mut table = vec![0usize; (left.len() + 1) * columns];
    for row in 0..=left.len() {
        for column in 0..=right.len() {
            let cell = if row == 0 || column == 0 {
                row + column
            } else {
                let cost = usize::from(left[row - 1] != right[column - 1]);
                let mut best = (table[(row - 1) * columns + column - 1] + cost)
                    .min(table[(row - 1) * columns + column] + 1)
                    .min(table[row * columns + column - 1] + 1);
                if row > 1
                    && column > 1
                    && left[row - 1] == right[column - 2]
                    && left[row - 2] == right[column - 1]
                {
                    best = best.min(table[(row - 2) * columns + column - 2] + 1);
                }
                best
            };
            table[row * columns + column] = cell;
        }
    }
    table[left.len() * columns + right.len()]
}

/// The candidate closest to `name`, if it is close enough to be a typo:
/// at most two edits, and fewer edits than the name has characters.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|&(distance, _)| distance <= 2 && distance < name.chars().count())
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("PERF", "perf"), 0);
        assert_eq!(edit_distance("PREF", "PERF"), 1);
        assert_eq!(edit_distance("LDX", "LD"), 1);
        assert_eq!(edit_distance("", "ABC"), 3);
    }

    #[test]
    fn closest_suggests_only_near_names() {
        assert_eq!(closest("HALTT", ["HALT", "ADD"]), Some("HALT"));
        assert_eq!(closest("FOO", ["HALT", "ADD"]), None);
        assert_eq!(closest("x", ["y"]), None);
    }
}
