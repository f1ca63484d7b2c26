//! Relaxation: branches, jumps and handler installs whose label is out of
//! their field's reach are lengthened, to a fixed point, and labels follow
//! the code.

use cml_asm::{assemble, AssembleOptions};
use cml_image::Image;
use cml_isa::IsaVersion;

fn image(source: &str) -> Image {
    assemble(source, &AssembleOptions::default())
        .unwrap_or_else(|errors| panic!("{errors:#?}"))
        .image
}

fn symbol(image: &Image, name: &str) -> u16 {
    image
        .symbols
        .iter()
        .find(|symbol| symbol.name == name)
        .unwrap_or_else(|| panic!("no symbol {name}"))
        .address
}

/// The first `count` words of the first segment.
fn head(image: &Image, count: usize) -> Vec<u16> {
    image.segments[0].words[..count].to_vec()
}

const BZ_V1_PLUS_1: u16 = 0x2101;
const JMP_PLUS_1: u16 = 0x2801;
const JMP_PLUS_2: u16 = 0x2802;
const JMPA: u16 = 0xE001;
const HALT: u16 = 0x9800;

#[test]
fn a_branch_within_reach_stays_one_word() {
    let image = image("BZ v1, far\n.zero 127\nfar: HALT");
    assert_eq!(head(&image, 1), [0x217F]);
    assert_eq!(symbol(&image, "far"), 128);
}

#[test]
fn a_far_branch_jumps_around_a_jump() {
    // BZ v1, +1 / JMP +1 / JMP far: `far` moves from 129 to 131.
    let image = image("BZ v1, far\n.zero 128\nfar: HALT");
    assert_eq!(symbol(&image, "far"), 131);
    assert_eq!(head(&image, 3), [BZ_V1_PLUS_1, JMP_PLUS_1, 0x2800 | 128]);
    assert_eq!(image.segments[0].words[131], HALT);
}

#[test]
fn a_far_branch_backwards() {
    let image = image("back: HALT\n.zero 200\nBZ v1, back");
    let words = &image.segments[0].words;
    // The BZ is at 201; the JMP back at 203 jumps to 0: offset -204.
    assert_eq!(
        words[201..204],
        [BZ_V1_PLUS_1, JMP_PLUS_1, 0x2800 | (-204i16 as u16 & 0x7FF)]
    );
}

#[test]
fn a_very_far_branch_uses_an_absolute_jump_in_v05() {
    // BZ v1, +1 / JMP +2 / JMPA far.
    let image = image("BZ v1, far\n.zero 3000\nfar: HALT");
    assert_eq!(symbol(&image, "far"), 3004);
    assert_eq!(head(&image, 4), [BZ_V1_PLUS_1, JMP_PLUS_2, JMPA, 3004]);
}

#[test]
fn a_very_far_branch_is_an_error_in_v04() {
    let options = AssembleOptions {
        isa: IsaVersion::V0_4,
    };
    let errors = assemble("BZ v1, far\n.zero 3000\nfar: HALT", &options).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code.as_deref(), Some("asm::out-of-range"));
}

#[test]
fn a_far_branch_in_v04_uses_a_relative_jump() {
    let options = AssembleOptions {
        isa: IsaVersion::V0_4,
    };
    let image = assemble("BZ v1, far\n.zero 200\nfar: HALT", &options)
        .unwrap()
        .image;
    assert_eq!(head(&image, 3), [BZ_V1_PLUS_1, JMP_PLUS_1, 0x2800 | 200]);
}

#[test]
fn a_far_jump_becomes_jmpa_in_v05() {
    let image = image("JMP far\n.zero 1024\nfar: HALT");
    assert_eq!(symbol(&image, "far"), 1026);
    assert_eq!(head(&image, 2), [JMPA, 1026]);
}

#[test]
fn a_jump_at_the_edge_of_its_reach_stays_short() {
    let forward = image("JMP far\n.zero 1023\nfar: HALT");
    assert_eq!(head(&forward, 1), [0x2800 | 1023]);
    // `back` is at 0 and the JMP at 1023: offset -1024.
    let backward = image("back: .zero 1023\nJMP back");
    assert_eq!(backward.segments[0].words[1023], 0x2C00);
}

#[test]
fn a_far_jump_is_an_error_in_v04_with_a_hint() {
    let options = AssembleOptions {
        isa: IsaVersion::V0_4,
    };
    let errors = assemble("JMP far\n.zero 1024\nfar: HALT", &options).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code.as_deref(), Some("asm::out-of-range"));
    assert!(errors[0].hint.as_deref().unwrap().contains("--isa v0.5"));
}

#[test]
fn a_far_handler_install_jumps_to_the_handler() {
    // INST 1, 2, +1 / JMP +1 / JMP handler, as in the book's lowering.
    let image = image("INST 1, 2, handler\n.zero 10\nhandler: HALT");
    assert_eq!(symbol(&image, "handler"), 13);
    assert_eq!(head(&image, 3), [0x6891, JMP_PLUS_1, 0x2800 | 10]);
}

#[test]
fn a_near_handler_install_stays_one_word() {
    let image = image("INSTT 1, 2, handler\nHALT\nHALT\nHALT\nhandler: HALT");
    assert_eq!(head(&image, 1), [0xF093]);
}

#[test]
fn a_very_far_handler_uses_jmpa() {
    let image = image("INST 1, 2, handler\n.zero 2000\nhandler: HALT");
    assert_eq!(head(&image, 4), [0x6891, JMP_PLUS_2, JMPA, 2004]);
}

#[test]
fn growth_that_pushes_another_branch_out_of_reach_is_followed() {
    // At first `t` is 127 words after the BZ. The JMP in between becomes
    // JMPA (one word longer), which pushes `t` out of the BZ's reach, so
    // the BZ grows too.
    let source = "BZ v0, t\nJMP far\n.zero 126\nt: HALT\n.zero 2000\nfar: HALT";
    let image = image(source);
    assert_eq!(symbol(&image, "t"), 131);
    let words = head(&image, 5);
    assert_eq!(words[..2], [0x2001, JMP_PLUS_1]);
    assert_eq!(words[2], 0x2800 | 128);
    assert_eq!(words[3..5], [JMPA, symbol(&image, "far")]);
}

#[test]
fn labels_keep_their_place_in_the_code() {
    let source = "start: JMP far\nmiddle: HALT\n.zero 1100\nfar: HALT\nafter:";
    let image = image(source);
    assert_eq!(symbol(&image, "start"), 0);
    assert_eq!(symbol(&image, "middle"), 2);
    assert_eq!(symbol(&image, "far"), 1103);
    assert_eq!(symbol(&image, "after"), 1104);
}

#[test]
fn a_raw_offset_is_never_relaxed() {
    let errors = assemble("BZ v0, 200", &AssembleOptions::default()).unwrap_err();
    assert_eq!(errors[0].code.as_deref(), Some("asm::out-of-range"));
}

#[test]
fn a_match_table_out_of_reach_is_an_error_not_a_relaxation() {
    let source = "MATCH v0, v0, table\n.zero 32\ntable: .table a\na: HALT";
    let errors = assemble(source, &AssembleOptions::default()).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code.as_deref(), Some("asm::out-of-range"));
    // 31 words of offset still reach.
    let source = "MATCH v0, v0, table\n.zero 31\ntable: .table a\na: HALT";
    assert_eq!(image(source).segments[0].words[0], 0x601F);
}
