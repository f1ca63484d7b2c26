//! The assembler's directives and operand syntax, as tables of sources and
//! the words they must produce.

use cml_asm::{assemble, AssembleOptions, Assembled};
use cml_diagnostics::{render_plain, SourceFile};
use cml_image::{DataRange, Image, Symbol};
use cml_isa::IsaVersion;

fn assemble_ok(source: &str) -> Assembled {
    match assemble(source, &AssembleOptions::default()) {
        Ok(assembled) => assembled,
        Err(errors) => panic!(
            "{}",
            render_plain(&errors, &[SourceFile::new("test.s", source)])
        ),
    }
}

fn image(source: &str) -> Image {
    assemble_ok(source).image
}

/// The segments as (origin, words).
fn segments(source: &str) -> Vec<(u16, Vec<u16>)> {
    image(source)
        .segments
        .into_iter()
        .map(|segment| (segment.origin, segment.words))
        .collect()
}

fn range(start: u16, length: u16) -> DataRange {
    DataRange { start, length }
}

fn symbol(name: &str, address: u16) -> Symbol {
    Symbol {
        name: name.to_string(),
        address,
    }
}

#[test]
fn the_chapter_9_example() {
    let source = "LI v0, 0x41\nPERF family=2, op=0, v0\nHALT\n";
    assert_eq!(segments(source), vec![(0, vec![0x0041, 0x7900, 0x9800])]);
}

/// One line and the words it assembles to (at address 0).
const INSTRUCTIONS: &[(&str, &[u16])] = &[
    ("LI v0, 0x41", &[0x0041]),
    ("LI v0, 'A'", &[0x0041]),
    ("LI v1, '\\n'", &[0x010A]),
    ("LI v0, '\\0'", &[0x0000]),
    ("LI v0, '\\\\'", &[0x005C]),
    ("LI v0, '\\''", &[0x0027]),
    ("LI v0, '\\t'", &[0x0009]),
    ("LI v0, -1", &[0x00FF]),
    ("LI v0, 0xFF", &[0x00FF]),
    ("LI v0, 255", &[0x00FF]),
    ("LI v0, -128", &[0x0080]),
    ("LI v0, 0b101", &[0x0005]),
    ("LI v0, +5", &[0x0005]),
    ("LIH v1, 0x12", &[0x0912]),
    ("ADD v1, v2, v3", &[0x114C]),
    ("BZ v0, -3", &[0x20FD]),
    ("BZ v0, +127", &[0x207F]),
    ("JMP +1", &[0x2801]),
    ("JMP -1", &[0x2FFF]),
    ("JMP -1024", &[0x2C00]),
    ("LD v3, v1, -1", &[0x333F]),
    ("ST v3, v1, 15", &[0x3B2F]),
    ("ALLOC v2, RECORD, 3", &[0x4203]),
    ("ALLOC v2, string, 15", &[0x425F]),
    ("ALLOC v2, 5, 15", &[0x425F]),
    ("MOV v1, v2", &[0x4940]),
    ("CALL v6, v0", &[0x5600]),
    ("RET v0", &[0x5800]),
    ("MATCH v3, v3, +0", &[0x6360]),
    ("MATCH v3, v3, 31", &[0x637F]),
    ("INST 1, 2, +1", &[0x6891]),
    ("INST family=1, op=2, -4", &[0x6894]),
    ("UNIN 1, 2", &[0x7090]),
    ("UNIN family=1, op=2", &[0x7090]),
    ("PERF 2, 0, v0", &[0x7900]),
    ("PERF family=2, op=0, v0", &[0x7900]),
    ("PERF family=2, 0, v0", &[0x7900]),
    ("PERF 2, op=0, v0", &[0x7900]),
    ("PERF FAMILY=15, OP=15, v7", &[0x7FFF]),
    ("RESU v1, v0", &[0x8100]),
    ("SETV v1, 3", &[0x8903]),
    ("SETTAG v2, CLOSURE", &[0x9260]),
    ("SETTAG v2, closure", &[0x9260]),
    ("SETTAG v2, 3", &[0x9260]),
    ("HALT", &[0x9800]),
    ("halt", &[0x9800]),
    ("Li V0, 1", &[0x0001]),
    ("INC v1, v1, 15", &[0xC93E]),
    ("DEC v1, v1, 1", &[0xD122]),
    ("LDS v1, 63", &[0xD93F]),
    ("STS v1, 2", &[0xD942]),
    ("ENTER 4", &[0xD884]),
    ("LEAVE 4", &[0xD8C4]),
    ("TCALL v6, v0", &[0xE600]),
    ("JMPA 0x1234", &[0xE001, 0x1234]),
    ("JMPA -1", &[0xE001, 0xFFFF]),
    ("RESUS v1, v0", &[0xE102]),
    ("MUL v1, v2, v3", &[0xE94C]),
    ("DIV v1, v2, v3", &[0xE94D]),
    ("REM v1, v2, v3", &[0xE94E]),
    ("SLT v1, v2, v3", &[0xE94F]),
    ("INSTT 1, 2, +1", &[0xF091]),
    ("CSRR v1, HP", &[0xF901]),
    ("CSRR v1, 1", &[0xF901]),
    ("CSRW v2, stackbase", &[0xFA46]),
    ("  LI v0, 1 ; a comment", &[0x0001]),
    ("LI\tv0,1", &[0x0001]),
];

#[test]
fn every_operand_syntax_assembles_to_its_word() {
    for (line, words) in INSTRUCTIONS {
        assert_eq!(segments(line), vec![(0, words.to_vec())], "{line}");
    }
}

/// A segment as (origin, words).
type ExpectedSegment = (u16, &'static [u16]);

/// A source and the segments it must produce.
const DIRECTIVES: &[(&str, &[ExpectedSegment])] = &[
    (".org 0x100\nHALT", &[(0x100, &[0x9800])]),
    (
        ".word 1, -1, 'A', 0x8000, 65535, -32768",
        &[(0, &[1, 0xFFFF, 0x41, 0x8000, 0xFFFF, 0x8000])],
    ),
    (".word here\nhere: .word here", &[(0, &[1, 1])]),
    (".ascii \"Hi\"", &[(0, &[0x48, 0x69])]),
    (".ascii \"a;b\"", &[(0, &[0x61, 0x3B, 0x62])]),
    (".asciz \"a\\n\"", &[(0, &[0x61, 0x0A, 0])]),
    (".asciz \"\"", &[(0, &[0])]),
    (".ascii \"\\\"\\\\\\t\\0\"", &[(0, &[0x22, 0x5C, 0x09, 0])]),
    (".ascii \"é\"", &[(0, &[0xC3, 0xA9])]),
    (".zero 3", &[(0, &[0, 0, 0])]),
    (".zero 0\nHALT", &[(0, &[0x9800])]),
    (".fill 2, 0x1234", &[(0, &[0x1234, 0x1234])]),
    (".fill 2, end\nend:", &[(0, &[2, 2])]),
    (".insn 0x1001", &[(0, &[0x1001])]),
    (".insn -1", &[(0, &[0xFFFF])]),
    (
        ".equ SIZE, 7\nLI v0, SIZE\n.word SIZE",
        &[(0, &[0x0007, 7])],
    ),
    (
        ".equ A, 3\n.equ B, A\nALLOC v0, RECORD, B",
        &[(0, &[0x4003])],
    ),
    ("LI v0, LATER\n.equ LATER, 2", &[(0, &[0x0002])]),
    (".equ SKIP, 1\nJMP SKIP", &[(0, &[0x2801])]),
    (
        ".equ FAMILY, 2\nPERF family=FAMILY, 0, v0",
        &[(0, &[0x7900])],
    ),
    // `.org` without words leaves no segment; labels on a `.org` line name
    // the new origin.
    (".org 0x10\n.org 0x20\nHALT", &[(0x20, &[0x9800])]),
    (
        "HALT\n.org 0x10\nHALT",
        &[(0, &[0x9800]), (0x10, &[0x9800])],
    ),
    // Segments keep their source order.
    (
        ".org 0x10\nHALT\n.org 0\nHALT",
        &[(0x10, &[0x9800]), (0, &[0x9800])],
    ),
    (
        "MATCH v0, v1, table\ntable: .table a, _, b\na: HALT\nb: HALT",
        &[(0, &[0x6020, 4, 0x8000, 5, 0x8001, 0x9800, 0x9800])],
    ),
    (
        // Entries count from the instruction after the MATCH, even when
        // the table is further away.
        "MATCH v0, v1, table\nHALT\ntable: .table a\na: HALT",
        &[(0, &[0x6021, 0x9800, 3, 0x8001, 0x9800])],
    ),
    (
        "back: HALT\nMATCH v0, v1, +0\n.table back, 0x10, _",
        &[(0, &[0x9800, 0x6020, 0xFFFE, 0x0010, 0x8000, 0x8001])],
    ),
    ("MATCH v0, v1, t\nt: .table", &[(0, &[0x6020, 0x8001])]),
    ("JMPA target\ntarget: HALT", &[(0, &[0xE001, 2, 0x9800])]),
    ("start: label2: HALT", &[(0, &[0x9800])]),
    ("; only a comment\n\n   \n", &[]),
    ("HALT\r\nHALT\r\n", &[(0, &[0x9800, 0x9800])]),
];

#[test]
fn every_directive_places_its_words() {
    for (source, expected) in DIRECTIVES {
        let expected: Vec<(u16, Vec<u16>)> = expected
            .iter()
            .map(|(origin, words)| (*origin, words.to_vec()))
            .collect();
        assert_eq!(segments(source), expected, "{source}");
    }
}

/// A source and the data ranges it must record.
const DATA_RANGES: &[(&str, &[(u16, u16)])] = &[
    ("HALT\n.word 1, 2\nHALT", &[(1, 2)]),
    (
        ".word 1\n.ascii \"ab\"\n.asciz \"c\"\n.zero 2\n.fill 1, 9",
        &[(0, 8)],
    ),
    ("MATCH v0, v0, t\nt: .table a\na: HALT", &[(1, 2)]),
    (".insn 0x1001\nHALT", &[]),
    (".zero 0\nHALT", &[]),
    (
        ".org 0x20\n.word 1\n.org 0x10\n.word 2\n.org 0x11\n.word 3",
        &[(0x10, 2), (0x20, 1)],
    ),
    (".word 1\nHALT\n.word 2", &[(0, 1), (2, 1)]),
];

#[test]
fn data_directives_record_merged_sorted_data_ranges() {
    for (source, expected) in DATA_RANGES {
        let expected: Vec<DataRange> = expected
            .iter()
            .map(|&(start, length)| range(start, length))
            .collect();
        assert_eq!(image(source).data_ranges, expected, "{source}");
    }
}

#[test]
fn labels_become_symbols_sorted_by_address_except_local_ones() {
    let source = "
        .org 0x10
        late: HALT
        .org 0
        start: LI v0, 1
        .Lloop: BZ v0, .Lloop
        second: third: HALT
        end:
    ";
    assert_eq!(
        image(source).symbols,
        vec![
            symbol("start", 0),
            symbol("second", 2),
            symbol("third", 2),
            symbol("end", 3),
            symbol("late", 0x10),
        ]
    );
}

/// A source and its entry point.
const ENTRIES: &[(&str, u16)] = &[
    ("HALT", 0),
    (".org 0x40\nHALT", 0x40),
    (".org 0x40\nHALT\nstart: HALT", 0x41),
    (".entry main\nHALT\nmain: HALT\nstart: HALT", 1),
    (".entry 0x2\nHALT\nHALT\nHALT", 2),
    (".equ MAIN, 1\n.entry MAIN\nHALT\nHALT", 1),
    ("", 0),
];

#[test]
fn the_entry_is_dot_entry_else_start_else_the_first_origin() {
    for (source, entry) in ENTRIES {
        assert_eq!(image(source).entry, *entry, "{source}");
    }
}

#[test]
fn the_isa_directive_overrides_the_option() {
    assert_eq!(image(".isa v0.4\nHALT").isa, IsaVersion::V0_4);
    assert_eq!(image("HALT").isa, IsaVersion::V0_5);
    let options = AssembleOptions {
        isa: IsaVersion::V0_4,
    };
    let assembled = assemble(".isa v0.5\nMUL v0, v0, v0", &options).unwrap();
    assert_eq!(assembled.image.isa, IsaVersion::V0_5);
    assert_eq!(
        assemble("HALT", &options).unwrap().image.isa,
        IsaVersion::V0_4
    );
}

#[test]
fn v0_4_accepts_every_v0_4_instruction() {
    let options = AssembleOptions {
        isa: IsaVersion::V0_4,
    };
    let source = "LI v0, 1\nPERF 2, 0, v0\nINST 1, 2, +1\nMATCH v0, v0, +0\nHALT";
    assert!(assemble(source, &options).is_ok());
}

#[test]
fn an_entry_outside_every_segment_is_a_warning() {
    let assembled = assemble_ok(".entry nowhere\nHALT\n.org 0x100\nnowhere:");
    assert_eq!(assembled.image.entry, 0x100);
    assert_eq!(assembled.warnings.len(), 1);
    assert_eq!(
        assembled.warnings[0].code.as_deref(),
        Some("asm::entry-outside-segments")
    );
    assert!(assemble_ok("HALT").warnings.is_empty());
}

#[test]
fn a_symbol_may_sit_at_a_segment_end_or_in_an_empty_segment() {
    let image = image("HALT\nend:\n.org 0x500\nfar_away:");
    assert_eq!(
        image.symbols,
        vec![symbol("end", 1), symbol("far_away", 0x500)]
    );
    assert_eq!(image.segments.len(), 1);
}
