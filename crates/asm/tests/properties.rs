//! Properties: images round-trip through the disassembler, assembled
//! programs round-trip through disassembly, and no input makes the
//! assembler panic.

use std::collections::{BTreeSet, HashSet};

use cml_asm::{assemble, disassemble, AssembleOptions};
use cml_diagnostics::{render_plain, SourceFile};
use cml_image::{DataRange, Image, Segment, Symbol};
use cml_isa::{Instruction, IsaVersion, OperandKind, Tag, CONTROL_REGISTER_NAMES, TABLE};
use proptest::prelude::*;

/// Assembles a listing the disassembler wrote, failing with the rendered
/// errors.
fn reassemble(listing: &str) -> Image {
    match assemble(listing, &AssembleOptions::default()) {
        Ok(assembled) => assembled.image,
        Err(errors) => panic!(
            "{}\n{listing}",
            render_plain(&errors, &[SourceFile::new("listing.s", listing)])
        ),
    }
}

fn isa_version() -> impl Strategy<Value = IsaVersion> {
    prop_oneof![Just(IsaVersion::V0_4), Just(IsaVersion::V0_5)]
}

/// A legal instruction word of a random table row.
fn instruction_word() -> impl Strategy<Value = u16> {
    (0..TABLE.len(), any::<[i32; 3]>()).prop_map(|(row, values)| {
        let spec = &TABLE[row];
        Instruction::from_operands(spec.mnemonic, &values[..spec.fields.len()])
            .expect("the row's own field count")
            .encode()
    })
}

/// A few words of a segment, each with whether it is data.
fn chunk() -> impl Strategy<Value = Vec<(u16, bool)>> {
    prop_oneof![
        // Any word, in code or data.
        (any::<u16>(), prop::bool::weighted(0.2)).prop_map(|(word, data)| vec![(word, data)]),
        // Legal instructions, sometimes marked as data.
        prop::collection::vec((instruction_word(), prop::bool::weighted(0.1)), 1..6),
        // JMPA and its address word.
        any::<u16>().prop_map(|address| vec![(0xE001, false), (address, false)]),
        // A MATCH with its table right after it.
        prop::collection::vec(
            prop_oneof![Just(0x8000u16), (-20i16..20).prop_map(|entry| entry as u16)],
            0..4
        )
        .prop_map(|entries| {
            let mut words = vec![(0x6300, false)];
            words.extend(entries.into_iter().map(|entry| (entry, true)));
            words.push((0x8001, true));
            words
        }),
        // Text.
        "[ -~]{1,10}".prop_map(|text| text.bytes().map(|byte| (byte as u16, true)).collect()),
    ]
}

/// An identifier that is not a local label name.
fn symbol_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z_.][A-Za-z0-9_.]{0,6}",
        Just("v3".to_string()),
        Just("_".to_string()),
        Just("HALT".to_string()),
        Just(".org".to_string()),
    ]
    .prop_filter("local labels are not symbols", |name| {
        !name.starts_with(".L")
    })
}

/// Where a symbol goes: an index into the segment words, a segment end,
/// or anywhere.
#[derive(Clone, Debug)]
enum Place {
    Word(usize),
    End(usize),
    Anywhere(u16),
}

fn place() -> impl Strategy<Value = Place> {
    prop_oneof![
        4 => any::<usize>().prop_map(Place::Word),
        1 => any::<usize>().prop_map(Place::End),
        1 => any::<u16>().prop_map(Place::Anywhere),
    ]
}

/// Sorted runs of consecutive addresses, as the assembler records them.
fn canonical_ranges(addresses: &BTreeSet<u32>) -> Vec<DataRange> {
    let mut ranges: Vec<DataRange> = Vec::new();
    for &address in addresses {
        match ranges.last_mut() {
            Some(last) if last.start as u32 + last.length as u32 == address => last.length += 1,
            _ => ranges.push(DataRange {
                start: address as u16,
                length: 1,
            }),
        }
    }
    ranges
}

prop_compose! {
    fn arbitrary_image()(
        isa in isa_version(),
        high in any::<bool>(),
        base in 0u32..0x40,
        layout in prop::collection::vec(
            (0u32..12, prop::collection::vec(chunk(), 1..8)),
            1..4,
        ),
        order in any::<u64>(),
        entry in any::<u16>(),
        symbols in prop::collection::vec((symbol_name(), place()), 0..6),
    ) -> Image {
        let mut segments = Vec::new();
        let mut data = BTreeSet::new();
        let mut next = if high { 0xFE40 + base } else { base };
        for (gap, chunks) in layout {
            let origin = next + gap;
            let mut words = Vec::new();
            for (word, is_data) in chunks.into_iter().flatten() {
                if is_data {
                    data.insert(origin + words.len() as u32);
                }
                words.push(word);
            }
            next = origin + words.len() as u32;
            segments.push(Segment { origin: origin as u16, words });
        }
        // Segments in a random order: the listing keeps the image's order.
        let count = segments.len();
        segments.rotate_left((order % count as u64) as usize);
        if order & 0x100 != 0 {
            segments.reverse();
        }
        let all_words: Vec<u32> = segments
            .iter()
            .flat_map(|segment| segment.origin as u32..segment.end())
            .collect();
        let mut seen = HashSet::new();
        let mut placed: Vec<Symbol> = Vec::new();
        for (name, place) in symbols {
            if !seen.insert(name.clone()) {
                continue;
            }
            let address = match place {
                Place::Word(index) => all_words[index % all_words.len()],
                Place::End(index) => segments[index % segments.len()].end(),
                Place::Anywhere(address) => address as u32,
            };
            if address <= 0xFFFF {
                placed.push(Symbol { name, address: address as u16 });
            }
        }
        placed.sort_by_key(|symbol| symbol.address);
        let mut image = Image::new(isa);
        image.entry = entry;
        image.segments = segments;
        image.symbols = placed;
        image.data_ranges = canonical_ranges(&data);
        image
    }
}

/// One operand for a field of this kind, as text. `labels` is how many
/// labels `L0`.. are defined.
fn operand_text(kind: OperandKind, name: &str, labels: usize) -> BoxedStrategy<String> {
    let label = move |index: usize| format!("L{}", index % labels.max(1));
    let number = (kind.assembler_minimum()..=kind.assembler_maximum()).prop_map(|value| {
        if value >= 0 && value % 3 == 0 {
            format!("{value:#x}")
        } else {
            format!("{value:+}")
        }
    });
    match kind {
        OperandKind::Register => (0..8u8).prop_map(|index| format!("v{index}")).boxed(),
        OperandKind::Tag => prop_oneof![
            (0..6usize).prop_map(|code| Tag::NAMES[code].to_string()),
            number.prop_map(|text| text.to_string()),
        ]
        .boxed(),
        OperandKind::Layout => prop_oneof![
            prop::sample::select(vec!["RECORD", "array", "Closure_Rec", "STRING"])
                .prop_map(str::to_string),
            number,
        ]
        .boxed(),
        OperandKind::ControlRegister => prop_oneof![
            prop::sample::select(CONTROL_REGISTER_NAMES.to_vec()).prop_map(str::to_string),
            number,
        ]
        .boxed(),
        OperandKind::Family | OperandKind::EffectOp => {
            let field = name.to_string();
            (number, any::<bool>())
                .prop_map(move |(text, named)| {
                    if named {
                        format!("{field}={text}")
                    } else {
                        text
                    }
                })
                .boxed()
        }
        OperandKind::SignedImmediate8 => prop_oneof![
            number,
            prop::sample::select(vec!["'A'", "'\\n'", "'\\0'", "' '"]).prop_map(str::to_string),
        ]
        .boxed(),
        // A table offset stays a number: a label could be out of its reach.
        OperandKind::TableOffset5 => number.boxed(),
        kind if kind.is_pc_relative() && labels > 0 => {
            prop_oneof![number, any::<usize>().prop_map(label)].boxed()
        }
        _ => number.boxed(),
    }
}

/// One line of a random program.
fn program_line(isa: IsaVersion, labels: usize) -> BoxedStrategy<String> {
    let rows: Vec<usize> = (0..TABLE.len())
        .filter(|&row| TABLE[row].version <= isa)
        .collect();
    let instruction = prop::sample::select(rows).prop_flat_map(move |row| {
        let spec = &TABLE[row];
        let mut operands: Vec<BoxedStrategy<String>> = spec
            .fields
            .iter()
            .map(|field| operand_text(field.kind, field.name, labels))
            .collect();
        for _ in 0..spec.trailing_words {
            operands.push(
                prop_oneof![
                    any::<u16>().prop_map(|word| format!("{word:#06x}")),
                    any::<usize>().prop_map(move |index| format!("L{}", index % labels.max(1))),
                ]
                .boxed(),
            );
        }
        operands.prop_map(move |texts| {
            let name = if row % 2 == 0 {
                spec.name.to_string()
            } else {
                spec.name.to_ascii_lowercase()
            };
            if texts.is_empty() {
                name
            } else {
                format!("{name} {}", texts.join(", "))
            }
        })
    });
    prop_oneof![
        8 => instruction,
        1 => prop::collection::vec(any::<i16>(), 1..4).prop_map(|words| {
            let texts: Vec<String> = words.iter().map(|word| word.to_string()).collect();
            format!(".word {}", texts.join(", "))
        }),
        1 => "[a-z ]{0,8}".prop_map(|text| format!(".asciz \"{text}\"")),
        // Long gaps force relaxation; v0.4 has no JMPA, so its gaps stay
        // short enough for every jump to reach.
        1 => (0..if isa == IsaVersion::V0_4 { 20u32 } else { 400 })
            .prop_map(|count| format!(".zero {count}")),
        1 => (0..4u32, any::<u16>()).prop_map(|(count, value)| format!(".fill {count}, {value}")),
        1 => any::<u16>().prop_map(|word| format!(".insn {word:#x}")),
    ]
    .boxed()
}

prop_compose! {
    fn arbitrary_program()(isa in isa_version(), labels in 1usize..6)(
        isa in Just(isa),
        lines in prop::collection::vec(program_line(isa, labels), 1..40),
        label_lines in prop::collection::vec(any::<usize>(), labels),
        origin in 0u16..0x100,
    ) -> String {
        let mut text = format!(".isa {isa}\n.org {origin:#x}\n");
        let count = lines.len();
        for (index, line) in lines.iter().enumerate() {
            for (label, &at) in label_lines.iter().enumerate() {
                if at % (count + 1) == index {
                    text.push_str(&format!("L{label}:\n"));
                }
            }
            text.push_str(line);
            text.push('\n');
        }
        for (label, &at) in label_lines.iter().enumerate() {
            if at % (count + 1) == count {
                text.push_str(&format!("L{label}:\n"));
            }
        }
        text
    }
}

/// Fragments of assembly, to build inputs that get past the lexer.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "LI", "JMP", "BZ", "MATCH", "INST", "PERF", "JMPA", "HALT", "ADD", "CSRR", ".org",
            ".word", ".ascii", ".asciz", ".zero", ".fill", ".table", ".insn", ".entry", ".isa",
            ".equ", "v0", "v7", "v8", "family=", "op=", "_", "RECORD", "INT", "HP", "x", "x:",
            "start:", ".Lx:", ",", ":", "=", "+", "-", "'A'", "'\\n'", "\"hi\"", "0x7FFF",
            "0xFFFF", "65536", "-1", "1", "31", "v0.4", "\n", "\n", "\n", ";", "'", "\"",
        ])
        .prop_map(str::to_string),
        any::<char>().prop_map(String::from),
    ]
}

// 256 cases each by default; set PROPTEST_CASES for a longer run.
proptest! {
    #[test]
    fn images_round_trip_through_the_disassembler(image in arbitrary_image()) {
        let listing = disassemble(&image);
        prop_assert_eq!(reassemble(&listing), image, "listing:\n{}", listing);
    }

    #[test]
    fn assembled_programs_round_trip_through_the_disassembler(source in arbitrary_program()) {
        let image = match assemble(&source, &AssembleOptions::default()) {
            Ok(assembled) => assembled.image,
            Err(errors) => panic!(
                "{}\n{source}",
                render_plain(&errors, &[SourceFile::new("program.s", source.as_str())])
            ),
        };
        let listing = disassemble(&image);
        prop_assert_eq!(reassemble(&listing), image, "listing:\n{}", listing);
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let _ = assemble(&text, &AssembleOptions::default());
    }

    #[test]
    fn token_soup_never_panics_and_round_trips_when_it_assembles(
        tokens in prop::collection::vec(token(), 0..40),
        separators in prop::collection::vec(prop::sample::select(vec![" ", "", ", "]), 40),
    ) {
        let mut text = String::new();
        for (token, separator) in tokens.iter().zip(&separators) {
            text.push_str(token);
            text.push_str(separator);
        }
        if let Ok(assembled) = assemble(&text, &AssembleOptions::default()) {
            let listing = disassemble(&assembled.image);
            prop_assert_eq!(reassemble(&listing), assembled.image, "listing:\n{}", listing);
        }
    }
}
