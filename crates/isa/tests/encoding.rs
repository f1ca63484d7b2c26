//! Encoding and decoding against the bit layouts of Appendix A §7-8.
//!
//! The expected words here are computed by hand from the spec's field
//! diagrams, not from the table, so a wrong table row fails them.

use cml_isa::{
    decode, rows_for_opcode, Instruction, IsaVersion, Layout, Mnemonic, Register, Tag, TABLE,
};
use proptest::prelude::*;

fn v(index: u8) -> Register {
    Register::new(index).unwrap()
}

#[test]
fn the_table_has_the_27_instructions_of_v0_4_in_opcode_order() {
    let v0_4: Vec<u8> = TABLE
        .iter()
        .filter(|spec| spec.version == IsaVersion::V0_4)
        .map(|spec| spec.opcode)
        .collect();
    assert_eq!(v0_4, (0x00..=0x1A).collect::<Vec<u8>>());
    let names: Vec<&str> = TABLE
        .iter()
        .filter(|spec| spec.version == IsaVersion::V0_4)
        .map(|s| s.name)
        .collect();
    assert_eq!(
        names,
        [
            "LI", "LIH", "ADD", "SUB", "BZ", "JMP", "LD", "ST", "ALLOC", "MOV", "CALL", "RET",
            "MATCH", "INST", "UNIN", "PERF", "RESU", "SETV", "SETTAG", "HALT", "AND", "OR", "XOR",
            "SHL", "SHR", "INC", "DEC"
        ]
    );
    // Extensions live only in the reserved slots 0x1B-0x1F.
    assert!(TABLE
        .iter()
        .filter(|spec| spec.version == IsaVersion::V0_5)
        .all(|spec| (0x1B..=0x1F).contains(&spec.opcode)));
    // Rows are sorted by opcode and the mnemonic enum follows row order.
    assert!(TABLE
        .windows(2)
        .all(|pair| pair[0].opcode <= pair[1].opcode));
    assert!(TABLE
        .iter()
        .enumerate()
        .all(|(index, spec)| spec.mnemonic as usize == index));
}

#[test]
fn words_from_the_spec_layouts() {
    let cases: Vec<(Instruction, u16)> = vec![
        // RI8: opcode(5) vd(3) imm8(8). The chapter 9 listing.
        (
            Instruction::Li {
                vd: v(0),
                imm8: 0x41,
            },
            0x0041,
        ),
        (Instruction::Li { vd: v(3), imm8: -1 }, (3 << 8) | 0xFF),
        (
            Instruction::Lih {
                vd: v(2),
                imm8: 0xAB,
            },
            (0x01 << 11) | (2 << 8) | 0xAB,
        ),
        // R3: opcode(5) vd(3) vs(3) vt(3) 00.
        (
            Instruction::Add {
                vd: v(1),
                vs: v(2),
                vt: v(3),
            },
            (0x02 << 11) | (1 << 8) | (2 << 5) | (3 << 2),
        ),
        (
            Instruction::Shr {
                vd: v(7),
                vs: v(6),
                vt: v(5),
            },
            (0x18 << 11) | (7 << 8) | (6 << 5) | (5 << 2),
        ),
        (
            Instruction::Mov { vd: v(4), vs: v(5) },
            (0x09 << 11) | (4 << 8) | (5 << 5),
        ),
        (
            Instruction::Call { vf: v(6), va: v(0) },
            (0x0A << 11) | (6 << 8),
        ),
        (
            Instruction::Resu { vk: v(1), vv: v(0) },
            (0x10 << 11) | (1 << 8),
        ),
        // J11.
        (Instruction::Jmp { off11: -1 }, (0x05 << 11) | 0x7FF),
        (Instruction::Jmp { off11: 1023 }, (0x05 << 11) | 0x3FF),
        (Instruction::Halt {}, 0x13 << 11),
        // RI8 branch.
        (
            Instruction::Bz {
                vs: v(2),
                off8: -128,
            },
            (0x04 << 11) | (2 << 8) | 0x80,
        ),
        (Instruction::Ret { va: v(0) }, 0x0B << 11),
        // RR5: opcode(5) vd(3) vs(3) imm5(5). §5.5's LD v3, v1, -1.
        (
            Instruction::Ld {
                vd: v(3),
                vs: v(1),
                off5: -1,
            },
            (0x06 << 11) | (3 << 8) | (1 << 5) | 0x1F,
        ),
        (
            Instruction::St {
                vd: v(0),
                vs: v(1),
                off5: 15,
            },
            (0x07 << 11) | (1 << 5) | 15,
        ),
        (
            Instruction::Match {
                vd: v(3),
                vs: v(3),
                tbl5: 0,
            },
            (0x0C << 11) | (3 << 8) | (3 << 5),
        ),
        // E: opcode(5) family(4) op(4) hpc3/vr(3). Chapter 9's PERF 2, 0, v0.
        (
            Instruction::Perf {
                family: 2,
                op: 0,
                vr: v(0),
            },
            (0x0F << 11) | (2 << 7),
        ),
        (
            Instruction::Inst {
                family: 0xF,
                op: 3,
                hpc3: 1,
            },
            (0x0D << 11) | (0xF << 7) | (3 << 3) | 1,
        ),
        (
            Instruction::Inst {
                family: 1,
                op: 1,
                hpc3: -4,
            },
            (0x0D << 11) | (1 << 7) | (1 << 3) | 4,
        ),
        (
            Instruction::Unin { family: 8, op: 15 },
            (0x0E << 11) | (8 << 7) | (15 << 3),
        ),
        // Custom forms, in the field order §8 lists.
        (
            Instruction::Alloc {
                vd: v(2),
                layout: Layout::SUM,
                n: 3,
            },
            (0x08 << 11) | (2 << 8) | (4 << 4) | 3,
        ),
        (
            Instruction::Settag {
                vd: v(5),
                tag: Tag::CLOSURE,
            },
            (0x12 << 11) | (5 << 8) | (3 << 5),
        ),
        (
            Instruction::Inc {
                vd: v(1),
                vs: v(2),
                imm4: 15,
            },
            (0x19 << 11) | (1 << 8) | (2 << 5) | (15 << 1),
        ),
        (
            Instruction::Dec {
                vd: v(0),
                vs: v(7),
                imm4: 1,
            },
            (0x1A << 11) | (7 << 5) | (1 << 1),
        ),
        (
            Instruction::Setv {
                vd: v(1),
                variant8: 200,
            },
            (0x11 << 11) | (1 << 8) | 200,
        ),
        // v0.5 CAS: R3 with sub-function 3 in the two reserved bits.
        // CAS v4, v7, v3 = 11100 100 111 011 11 = 0xE4EF.
        (
            Instruction::Cas {
                vd: v(4),
                vs: v(7),
                vt: v(3),
            },
            0xE4EF,
        ),
    ];
    for (instruction, word) in cases {
        assert_eq!(instruction.encode(), word, "{instruction}");
        assert_eq!(decode(word), Ok(instruction), "{word:#06x}");
    }
}

#[test]
fn every_word_decodes_to_at_most_one_row_and_round_trips() {
    let mut legal = 0;
    for word in 0..=u16::MAX {
        let matching = rows_for_opcode((word >> 11) as u8)
            .iter()
            .filter(|spec| spec.sub_function_matches(word) && word & !spec.assigned_bits() == 0)
            .count();
        assert!(matching <= 1, "{word:#06x} matches {matching} rows");
        match decode(word) {
            Ok(instruction) => {
                legal += 1;
                assert_eq!(matching, 1);
                assert_eq!(instruction.encode(), word, "{instruction}");
            }
            Err(illegal) => {
                assert_eq!(matching, 0);
                assert_eq!(illegal.word, word);
            }
        }
    }
    // Counted from the table by hand: each row has 2^(assigned operand bits)
    // legal words.
    let expected: u32 = TABLE
        .iter()
        .map(|spec| 1u32 << spec.fields.iter().map(|f| f.kind.width()).sum::<u32>())
        .sum();
    assert_eq!(legal, expected);
}

#[test]
fn reserved_slot_and_stray_bits_are_illegal() {
    assert!(
        decode((0x1F << 11) | (2 << 6)).is_err(),
        "group 0x1F member 2 is unassigned"
    );
    // 0x1C/3 is CAS (R3): every register field zero is CAS v0, v0, v0.
    assert_eq!(
        decode((0x1C << 11) | 3),
        Ok(Instruction::Cas {
            vd: v(0),
            vs: v(0),
            vt: v(0)
        })
    );
    assert!(decode((0x13 << 11) | 1).is_err(), "HALT with a stray bit");
    assert!(
        decode((0x02 << 11) | 1).is_err(),
        "ADD with a reserved bit set"
    );
    assert!(
        decode((0x12 << 11) | 1).is_err(),
        "SETTAG's five reserved bits"
    );
    assert!(decode((0x19 << 11) | 1).is_err(), "INC's reserved bit");
}

fn any_instruction() -> impl Strategy<Value = Instruction> {
    (0..TABLE.len(), any::<[i32; 3]>()).prop_map(|(row, values)| {
        let spec = &TABLE[row];
        Instruction::from_operands(spec.mnemonic, &values[..spec.fields.len()]).unwrap()
    })
}

proptest! {
    #[test]
    fn decode_after_encode_is_the_identity(instruction in any_instruction()) {
        prop_assert_eq!(decode(instruction.encode()), Ok(instruction));
    }

    #[test]
    fn sign_extension_of_offsets(raw in 0u16..256) {
        let word = (0x04 << 11) | raw;
        let Ok(Instruction::Bz { off8, .. }) = decode(word) else { panic!() };
        prop_assert_eq!(off8, raw as u8 as i8 as i16);
    }
}

#[test]
fn mnemonics_parse_in_any_case() {
    assert_eq!(Mnemonic::from_name("perf"), Some(Mnemonic::Perf));
    assert_eq!(Mnemonic::from_name("INSTT"), Some(Mnemonic::Instt));
    assert_eq!(Mnemonic::from_name("NOPE"), None);
}

#[test]
fn the_reference_document_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/isa-reference.md");
    let generated = cml_isa::reference_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/isa-reference.md is out of date: run `UPDATE_DOCS=1 cargo test -p cml-isa`"
    );
}
