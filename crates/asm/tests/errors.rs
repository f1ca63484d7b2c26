//! Every kind of assembler error: its code, and the source text its
//! primary label points at.

use cml_asm::{assemble, AssembleOptions};
use cml_diagnostics::Diagnostic;
use cml_isa::IsaVersion;

fn errors(source: &str) -> Vec<Diagnostic> {
    match assemble(source, &AssembleOptions::default()) {
        Ok(_) => panic!("expected errors from:\n{source}"),
        Err(errors) => errors,
    }
}

fn primary_text<'a>(source: &'a str, diagnostic: &Diagnostic) -> &'a str {
    let label = diagnostic
        .labels
        .iter()
        .find(|label| label.primary)
        .unwrap_or_else(|| panic!("no primary label: {diagnostic:?}"));
    assert_eq!(label.file, 0);
    &source[label.span.clone()]
}

/// A source with one error, the error's code, and the text of its primary
/// span.
const CASES: &[(&str, &str, &str)] = &[
    // Syntax.
    ("LI v0, #3", "asm::syntax", "#"),
    ("LI v0 1", "asm::syntax", "v0 1"),
    ("LI v0, 0xZZ", "asm::syntax", "0xZZ"),
    ("LI v0, 'ab'", "asm::syntax", "'ab'"),
    (".ascii \"open", "asm::syntax", "\""),
    ("LI v0, '\\q'", "asm::syntax", "\\q"),
    ("5: HALT", "asm::syntax", "5"),
    ("LI v0, - v1", "asm::syntax", "- v1"),
    (".ascii \"a\\e\"", "asm::syntax", "\\e"),
    // A label before a malformed token is still defined: one error only.
    ("loop: LI v0, #3\nJMP loop", "asm::syntax", "#"),
    // Mnemonics and directives.
    ("LDX v0, v1, 0", "asm::unknown-mnemonic", "LDX"),
    ("  FROB", "asm::unknown-mnemonic", "FROB"),
    (".wrod 1", "asm::unknown-directive", ".wrod"),
    // Operand counts.
    ("LI v0", "asm::operand-count", "LI v0"),
    ("LI v0, 1, 2", "asm::operand-count", "2"),
    ("HALT v0", "asm::operand-count", "v0"),
    ("JMPA", "asm::operand-count", "JMPA"),
    (".org", "asm::operand-count", ".org"),
    (".fill 1", "asm::operand-count", ".fill 1"),
    (".word", "asm::operand-count", ".word"),
    // Registers.
    ("MOV v8, v0", "asm::bad-register", "v8"),
    ("MOV v0, 3", "asm::bad-register", "3"),
    ("MOV v0, RECORD", "asm::bad-register", "RECORD"),
    ("ADD v0, v1, \"x\"", "asm::bad-register", "\"x\""),
    // Other operand kinds.
    ("LI v0, v1", "asm::bad-operand", "v1"),
    ("PERF op=1, 2, v0", "asm::bad-operand", "op"),
    ("PERF family=1, family=2, v0", "asm::bad-operand", "family"),
    ("LI v0, \"text\"", "asm::bad-operand", "\"text\""),
    (".ascii 5", "asm::bad-operand", "5"),
    (".word \"text\"", "asm::bad-operand", "\"text\""),
    (".isa v0.9", "asm::bad-operand", "v0.9"),
    (".equ 5, 5", "asm::syntax", "5"),
    // Ranges.
    ("LI v0, 256", "asm::out-of-range", "256"),
    ("LI v0, -129", "asm::out-of-range", "-129"),
    ("LIH v0, 256", "asm::out-of-range", "256"),
    ("LD v0, v1, 16", "asm::out-of-range", "16"),
    ("LD v0, v1, -17", "asm::out-of-range", "-17"),
    ("BZ v0, 128", "asm::out-of-range", "128"),
    ("JMP -1025", "asm::out-of-range", "-1025"),
    ("INST 1, 2, 4", "asm::out-of-range", "4"),
    ("INST 16, 2, 0", "asm::out-of-range", "16"),
    ("MATCH v0, v0, -1", "asm::out-of-range", "-1"),
    ("ALLOC v0, 16, 1", "asm::out-of-range", "16"),
    ("SETTAG v0, 8", "asm::out-of-range", "8"),
    ("CSRR v0, 64", "asm::out-of-range", "64"),
    ("ENTER 64", "asm::out-of-range", "64"),
    (".word 65536", "asm::out-of-range", "65536"),
    (".word -32769", "asm::out-of-range", "-32769"),
    (".org 0x10000", "asm::out-of-range", "0x10000"),
    (".zero -1", "asm::out-of-range", "-1"),
    (".insn 0x10000", "asm::out-of-range", "0x10000"),
    (".equ BIG, 300\nLI v0, BIG", "asm::out-of-range", "BIG"),
    (
        "LI v0, here\n.zero 300\nhere: HALT",
        "asm::out-of-range",
        "here",
    ),
    (
        "MATCH v0, v0, table\n.zero 32\ntable: .table a\na: HALT",
        "asm::out-of-range",
        "table",
    ),
    (
        ".isa v0.4\nJMP far\n.zero 1024\nfar: HALT",
        "asm::out-of-range",
        "far",
    ),
    (
        ".isa v0.4\nBZ v0, far\n.zero 2000\nfar: HALT",
        "asm::out-of-range",
        "far",
    ),
    (
        ".isa v0.4\nINST 1, 2, far\n.zero 2000\nfar: HALT",
        "asm::out-of-range",
        "far",
    ),
    // Labels.
    ("JMP nowhere", "asm::undefined-label", "nowhere"),
    (".word nowhere", "asm::undefined-label", "nowhere"),
    (".entry nowhere\nHALT", "asm::undefined-label", "nowhere"),
    ("BZ v0, lop\nloop: HALT", "asm::undefined-label", "lop"),
    (
        "MATCH v0, v0, +0\n.table nowhere",
        "asm::undefined-label",
        "nowhere",
    ),
    (".equ A, B", "asm::undefined-label", "B"),
    ("a: HALT\na: HALT", "asm::duplicate-label", "a"),
    (".equ a, 1\na: HALT", "asm::duplicate-label", "a"),
    (".equ a, 1\n.equ a, 2", "asm::duplicate-label", "a"),
    // Versions.
    (".isa v0.4\nMUL v0, v1, v2", "asm::v05-extension", "MUL"),
    (".isa v0.4\nJMPA 0", "asm::v05-extension", "JMPA"),
    (
        ".isa v0.4\n.isa v0.5",
        "asm::duplicate-directive",
        ".isa v0.5",
    ),
    (".entry 0\n.entry 1", "asm::duplicate-directive", ".entry 1"),
    // Tables.
    (".table a\na: HALT", "asm::orphan-table", ".table a"),
    (
        "MATCH v0, v0, +1\nMATCH v0, v0, +0\n.table a\na: HALT",
        "asm::shared-table",
        ".table a",
    ),
    (
        "MATCH v0, v0, +0\n.table far\n.zero 0x8000\nfar: HALT",
        "asm::out-of-range",
        "far",
    ),
    // Segments.
    (
        ".org 0\nHALT\nHALT\n.org 1\nHALT",
        "asm::segment-overlap",
        ".org 1",
    ),
    (
        ".org 0xFFFF\nHALT\nHALT",
        "asm::past-end-of-memory",
        ".org 0xFFFF",
    ),
    (".org 0xFFFF\nHALT\nend:", "asm::past-end-of-memory", "end"),
];

#[test]
fn every_error_has_its_code_and_points_at_the_problem() {
    for (source, code, text) in CASES {
        let found = errors(source);
        assert_eq!(found.len(), 1, "{source}: {found:#?}");
        let diagnostic = &found[0];
        assert_eq!(
            diagnostic.code.as_deref(),
            Some(*code),
            "{source}: {diagnostic:#?}"
        );
        assert_eq!(primary_text(source, diagnostic), *text, "{source}");
        assert!(diagnostic.is_error());
        assert!(!diagnostic.title.is_empty());
        assert!(diagnostic.hint.is_some(), "{source}: no hint");
    }
}

fn only_error(source: &str) -> Diagnostic {
    let mut found = errors(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    found.remove(0)
}

#[test]
fn the_operand_count_error_lists_the_operands() {
    let diagnostic = only_error("LI v0");
    assert_eq!(diagnostic.title, "`LI` takes 2 operands, found 1");
    assert!(diagnostic
        .notes
        .contains(&"LI takes 2 operands: vd, imm8".to_string()));
    assert_eq!(diagnostic.hint.as_deref(), Some("write `LI vd, imm8`"));
}

#[test]
fn a_mistyped_mnemonic_suggests_the_closest() {
    assert_eq!(
        only_error("PREF 2, 0, v0").hint.as_deref(),
        Some("did you mean `PERF`?")
    );
    assert_eq!(
        only_error("HALTT").hint.as_deref(),
        Some("did you mean `HALT`?")
    );
    assert_eq!(
        only_error(".asci \"x\"").hint.as_deref(),
        Some("did you mean `.ascii`?")
    );
    assert_eq!(
        only_error("JMP lop\nloop: HALT").hint.as_deref(),
        Some("did you mean `loop`?")
    );
}

#[test]
fn the_range_error_says_the_range_and_what_was_found() {
    let diagnostic = only_error("LI v0, 300");
    assert!(diagnostic
        .notes
        .iter()
        .any(|note| note == "expected -128..=255, found 300"));
    assert!(diagnostic.labels[0].message.contains("-128..=255"));
}

#[test]
fn a_v05_instruction_in_v04_mode_says_so() {
    let options = AssembleOptions {
        isa: IsaVersion::V0_4,
    };
    let found = assemble("MUL v0, v1, v2", &options).unwrap_err();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].title, "instruction `MUL` is an ISA v0.5 extension");
    assert_eq!(
        found[0].hint.as_deref(),
        Some("assemble with --isa v0.5 (the default) or avoid the extension")
    );
}

#[test]
fn a_duplicate_label_shows_both_places() {
    let source = "twice: HALT\ntwice: HALT";
    let diagnostic = only_error(source);
    let spans: Vec<_> = diagnostic
        .labels
        .iter()
        .map(|label| (label.primary, label.span.clone()))
        .collect();
    assert_eq!(spans, vec![(true, 12..17), (false, 0..5)]);
}

#[test]
fn every_line_is_checked_and_errors_come_in_source_order() {
    let source = "LI v9, 1\nFROB\nLI v0, 999\nJMP nowhere\nHALT\nADD v0, v1\n.wrod 2";
    let found = errors(source);
    let codes: Vec<_> = found
        .iter()
        .map(|diagnostic| diagnostic.code.clone().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "asm::bad-register",
            "asm::unknown-mnemonic",
            "asm::out-of-range",
            "asm::undefined-label",
            "asm::operand-count",
            "asm::unknown-directive",
        ]
    );
}

#[test]
fn a_line_with_several_bad_operands_reports_each() {
    let found = errors("ADD v9, 3, RECORD");
    assert_eq!(found.len(), 3);
}

#[test]
fn a_v04_jump_out_of_range_hints_at_v05() {
    let diagnostic = only_error(".isa v0.4\nJMP far\n.zero 1024\nfar: HALT");
    assert!(diagnostic.hint.unwrap().contains("--isa v0.5"));
}
