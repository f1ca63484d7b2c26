//! The disassembler: its output reassembles to the identical image, also
//! in the corners where a label cannot go where it is wanted.

use cml_asm::{assemble, describe_instruction, disassemble, AssembleOptions};
use cml_diagnostics::{render_plain, SourceFile};
use cml_image::{DataRange, Image, Segment, Symbol};
use cml_isa::IsaVersion;

fn assemble_text(source: &str) -> Image {
    match assemble(source, &AssembleOptions::default()) {
        Ok(assembled) => assembled.image,
        Err(errors) => panic!(
            "{}",
            render_plain(&errors, &[SourceFile::new("listing.s", source)])
        ),
    }
}

/// Disassembles, reassembles, checks equality, and returns the listing.
fn round_trip(image: &Image) -> String {
    let listing = disassemble(image);
    let again = assemble_text(&listing);
    assert_eq!(&again, image, "listing:\n{listing}");
    listing
}

fn segment(origin: u16, words: &[u16]) -> Segment {
    Segment {
        origin,
        words: words.to_vec(),
    }
}

fn symbol(name: &str, address: u16) -> Symbol {
    Symbol {
        name: name.to_string(),
        address,
    }
}

fn data(start: u16, length: u16) -> DataRange {
    DataRange { start, length }
}

fn image_with(segments: Vec<Segment>) -> Image {
    let mut image = Image::new(IsaVersion::V0_5);
    image.segments = segments;
    image
}

#[test]
fn assembled_sources_round_trip() {
    let sources = [
        "start: LI v0, 0x41\nPERF family=2, op=0, v0\nHALT",
        "MATCH v0, v1, t\nt: .table a, _, b\na: HALT\nb: JMP a",
        "BZ v1, far\n.zero 3000\nfar: HALT",
        "INST 1, 2, handler\n.zero 10\nhandler: RESU v1, v0",
        ".org 0x100\nmsg: .asciz \"hello\"\n.org 0x10\nmain: JMPA msg\n.entry main",
        ".isa v0.4\nloop: BZ v0, loop\nINST 1, 1, +1\nJMP loop\n.word 0xE001",
        "HALT\nend:\n.org 0x500\nelsewhere:\n.org 0x600\n.word 1",
        ".insn 0xFFFF\n.insn 0x1001\n.insn 0xE001",
    ];
    for source in sources {
        round_trip(&assemble_text(source));
    }
}

#[test]
fn pc_relative_targets_print_as_labels() {
    let listing = round_trip(&assemble_text("top: HALT\nBZ v0, top\nJMP +0\nHALT"));
    assert!(listing.contains("BZ v0, top"), "{listing}");
    assert!(listing.contains("JMP .L0003"), "{listing}");
    assert!(listing.contains(".L0003:\n"), "{listing}");
}

#[test]
fn targets_outside_every_segment_print_as_offsets() {
    // JMP -2 at 0x10 goes to 0x0F; JMP +32 at 0x11 goes to 0x32.
    let listing = round_trip(&image_with(vec![segment(0x10, &[0x2FFE, 0x2820])]));
    assert!(listing.contains("JMP -2 "), "{listing}");
    assert!(listing.contains("JMP +32"), "{listing}");
    // A jump back from address 0 would leave memory: an offset too.
    let listing = round_trip(&image_with(vec![segment(0, &[0x2FFE])]));
    assert!(listing.contains("JMP -2"), "{listing}");
}

#[test]
fn a_target_at_the_segment_end_gets_a_label() {
    let listing = round_trip(&image_with(vec![segment(0, &[0x2800])]));
    assert!(listing.contains("JMP .L0001"), "{listing}");
}

#[test]
fn a_label_on_jmpa_s_address_word_splits_the_pair() {
    let mut image = image_with(vec![segment(0, &[0xE001, 0x0041, 0x9800])]);
    image.symbols = vec![symbol("inside", 1)];
    let listing = round_trip(&image);
    assert!(listing.contains(".insn 0xe001"), "{listing}");
    assert!(listing.contains("inside:\n        LI v0, 65"), "{listing}");
}

#[test]
fn a_branch_into_jmpa_s_address_word_splits_the_pair() {
    // BZ at 3 jumps to 1, the JMPA's address word.
    let image = image_with(vec![segment(0, &[0xE001, 0x9800, 0x9800, 0x20FD])]);
    let listing = round_trip(&image);
    assert!(listing.contains(".insn 0xe001"), "{listing}");
}

#[test]
fn jmpa_without_its_address_word_is_raw() {
    let mut image = image_with(vec![segment(0, &[0x9800, 0xE001]), segment(2, &[0x0041])]);
    round_trip(&image);
    image.segments = vec![segment(0, &[0xE001, 0x0041])];
    image.data_ranges = vec![data(1, 1)];
    let listing = round_trip(&image);
    assert!(listing.contains(".insn 0xe001"), "{listing}");
}

#[test]
fn a_match_table_prints_as_a_table_with_labels() {
    let image = assemble_text("MATCH v0, v1, t\nt: .table a, _, 0x7000\na: HALT");
    let listing = round_trip(&image);
    assert!(listing.contains(".table a, _, 0x7000"), "{listing}");
}

#[test]
fn a_table_with_a_label_inside_prints_as_words() {
    let mut image = assemble_text("MATCH v0, v1, t\nt: .table a, a\na: HALT");
    image.symbols.push(symbol("inside", 2));
    image.symbols.sort_by_key(|symbol| symbol.address);
    let listing = round_trip(&image);
    assert!(!listing.contains(".table"), "{listing}");
}

#[test]
fn a_table_two_matches_use_prints_as_words() {
    let image = image_with(vec![segment(0, &[0x6021, 0x6020, 0x0001, 0x8001, 0x9800])]);
    let mut image = image;
    image.data_ranges = vec![data(2, 2)];
    let listing = round_trip(&image);
    assert!(!listing.contains(".table"), "{listing}");
}

#[test]
fn an_unterminated_table_prints_as_words() {
    let mut image = image_with(vec![segment(0, &[0x6020, 0x0001, 0x0002])]);
    image.data_ranges = vec![data(1, 2)];
    let listing = round_trip(&image);
    assert!(!listing.contains(".table"), "{listing}");
}

#[test]
fn v05_words_in_a_v04_image_are_raw() {
    let mut image = image_with(vec![segment(0, &[0xE94C, 0xE001, 0x0000, 0x9800])]);
    image.isa = IsaVersion::V0_4;
    let listing = round_trip(&image);
    assert!(listing.contains(".isa v0.4"), "{listing}");
    assert!(listing.contains(".insn 0xe94c"), "{listing}");
    assert!(!listing.contains("        MUL"), "{listing}");
}

#[test]
fn symbols_outside_every_segment_survive() {
    let mut image = image_with(vec![segment(0x10, &[0x9800])]);
    image.symbols = vec![
        symbol("low", 0),
        symbol("code", 0x10),
        symbol("end", 0x11),
        symbol("high", 0xFFFF),
    ];
    image.entry = 0x10;
    round_trip(&image);
}

#[test]
fn symbols_with_awkward_names_survive() {
    // Names that look like registers or like `_` are defined as labels but
    // not used as operands.
    let mut image = image_with(vec![segment(0, &[0x2800, 0x20FE, 0x9800])]);
    image.symbols = vec![symbol("v3", 1), symbol("_", 2), symbol(".org", 3)];
    let listing = round_trip(&image);
    assert!(listing.contains("JMP .L0001"), "{listing}");
}

#[test]
fn unsorted_segments_and_data_across_segments_survive() {
    let mut image = image_with(vec![
        segment(0x20, &[0x9800, 0x0001]),
        segment(0x10, &[0x0002, 0x0003]),
        segment(0x12, &[0x0004, 0x9800]),
    ]);
    image.data_ranges = vec![data(0x11, 2), data(0x21, 1)];
    image.entry = 0x20;
    round_trip(&image);
}

#[test]
fn every_single_word_round_trips_in_code_and_in_data() {
    for isa in [IsaVersion::V0_4, IsaVersion::V0_5] {
        let words: Vec<u16> = (0..=0xFFFF).collect();
        let mut image = image_with(vec![segment(0, &words)]);
        image.isa = isa;
        round_trip(&image);
        image.data_ranges = vec![data(0, 0xFFFF), data(0xFFFF, 1)];
        round_trip(&image);
    }
}

#[test]
fn describe_instruction_names_targets() {
    let names = |address: u16| (address == 0x10).then(|| "loop".to_string());
    assert_eq!(
        describe_instruction(0x20FD, 0x12, 0, &names),
        "BZ v0, -3 (→ 0x0010 loop)"
    );
    assert_eq!(
        describe_instruction(0x2800, 0x20, 0, &names),
        "JMP +0 (→ 0x0021)"
    );
    assert_eq!(
        describe_instruction(0x6891, 0x0E, 0, &names),
        "INST family=1, op=2, +1 (→ 0x0010 loop)"
    );
}
