//! Layout: addresses, relaxation to a fixed point, and the words of the
//! image.
//!
//! Relaxation starts with every instruction in its one-word form and
//! recomputes every address until nothing changes. An instruction whose
//! pc-relative label is out of its field's range grows (see
//! [`Relaxation`]): a JMP becomes `JMPA target` (v0.5 only), a BZ or an
//! INST/INSTT keeps its field at +1 and jumps around a `JMP target`, which
//! may itself become `JMPA target`. Sizes only grow, so the loop ends.
//! Labels are item positions, so they follow the code as it grows.

use std::collections::BTreeMap;

use cml_diagnostics::Diagnostic;
use cml_image::{DataRange, Image, Segment, Symbol};
use cml_isa::{Instruction, IsaVersion, Mnemonic, OperandKind};

use crate::diagnostics::{closest, code, error};
use crate::lexer::Span;
use crate::operands::out_of_range;
use crate::program::{
    EntryValue, FieldValue, InstructionItem, ItemKind, Program, Reach, Reference, Relaxation,
    TableEntry, WordValue,
};

/// The end-of-table marker after a `.table`'s entries.
pub(crate) const TABLE_END: u16 = 0x8001;
/// The missing-entry marker (`_` in a `.table`).
pub(crate) const TABLE_MISSING: u16 = 0x8000;

/// One past the last address of memory.
const MEMORY_END: u32 = 0x1_0000;

/// Lays the program out and produces the image. Problems are appended to
/// `errors`; warnings to `warnings`.
pub(crate) fn lay_out(
    program: &mut Program,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Image {
    relax(program);
    let offsets = item_offsets(program);
    let mut emitter = Emitter {
        program,
        offsets: &offsets,
        errors,
        data: Vec::new(),
        tables_by_address: BTreeMap::new(),
        matches_by_table: BTreeMap::new(),
    };
    let mut section_words = emitter.emit_sections();
    emitter.fill_tables(&mut section_words);
    let data = std::mem::take(&mut emitter.data);
    emitter.image(section_words, data, warnings)
}

/// The offset of every item from its section's origin, plus the section's
/// length at the end of each list.
fn item_offsets(program: &Program) -> Vec<Vec<u32>> {
    program
        .sections
        .iter()
        .map(|section| {
            let mut offset = 0;
            let mut offsets = Vec::with_capacity(section.items.len() + 1);
            for item in &section.items {
                offsets.push(offset);
                offset += item.size();
            }
            offsets.push(offset);
            offsets
        })
        .collect()
}

/// The address a label names, given the current offsets.
fn label_address(program: &Program, offsets: &[Vec<u32>], name: &str) -> Option<u32> {
    let label = &program.labels[*program.label_index.get(name)?];
    Some(program.sections[label.section].origin + offsets[label.section][label.item])
}

/// Whether an offset fits a field of this kind.
fn fits(kind: OperandKind, offset: i64) -> bool {
    (kind.minimum() as i64..=kind.maximum() as i64).contains(&offset)
}

/// Grows instructions until every reachable target is reached.
fn relax(program: &mut Program) {
    loop {
        let offsets = item_offsets(program);
        let mut changes = Vec::new();
        for (section_index, section) in program.sections.iter().enumerate() {
            for (item_index, item) in section.items.iter().enumerate() {
                let ItemKind::Instruction(instruction) = &item.kind else {
                    continue;
                };
                let Some((field_index, reference)) = instruction.pc_relative_target() else {
                    continue;
                };
                let Some(target) = label_address(program, &offsets, &reference.name) else {
                    continue;
                };
                let address = section.origin + offsets[section_index][item_index];
                let kind = instruction.spec.fields[field_index].kind;
                let reach = next_reach(instruction, kind, address, target, program.isa);
                if reach != instruction.reach {
                    changes.push((section_index, item_index, reach));
                }
            }
        }
        if changes.is_empty() {
            return;
        }
        for (section_index, item_index, reach) in changes {
            if let ItemKind::Instruction(instruction) =
                &mut program.sections[section_index].items[item_index].kind
            {
                instruction.reach = reach;
            }
        }
    }
}

/// The reach an instruction needs for its target at the current layout.
fn next_reach(
    instruction: &InstructionItem,
    kind: OperandKind,
    address: u32,
    target: u32,
    isa: IsaVersion,
) -> Reach {
    let absolute_allowed = isa >= Mnemonic::Jmpa.spec().version;
    match (instruction.reach, Relaxation::of_kind(kind)) {
        (Reach::Near, relaxation) => {
            if fits(kind, target as i64 - (address as i64 + 1)) {
                Reach::Near
            } else {
                match relaxation {
                    Relaxation::Impossible => Reach::Near,
                    Relaxation::Absolute if absolute_allowed => Reach::Far,
                    Relaxation::Absolute => Reach::Near,
                    Relaxation::Wrapped => Reach::Far,
                }
            }
        }
        (Reach::Far, Relaxation::Wrapped) => {
            let jump_offset = target as i64 - (address as i64 + 3);
            if !fits(OperandKind::JumpOffset11, jump_offset) && absolute_allowed {
                Reach::FarAbsolute
            } else {
                Reach::Far
            }
        }
        (reach, _) => reach,
    }
}

/// The one-word encoding of an instruction with these operand values.
fn encode(mnemonic: Mnemonic, values: &[i32]) -> u16 {
    Instruction::from_operands(mnemonic, values)
        .expect("the operand count was checked against the table")
        .encode()
}

/// A `.table` waiting for its MATCH: where its words go.
struct PendingTable {
    section: usize,
    word_offset: usize,
    item: usize,
    span: Span,
}

struct Emitter<'a> {
    program: &'a Program,
    offsets: &'a [Vec<u32>],
    errors: &'a mut Vec<Diagnostic>,
    /// Data ranges as (start, end) before merging.
    data: Vec<(u32, u32)>,
    /// The `.table`s by address.
    tables_by_address: BTreeMap<u32, PendingTable>,
    /// For each table address a MATCH points at: the MATCHes (address and
    /// span).
    matches_by_table: BTreeMap<i64, Vec<(u32, Span)>>,
}

impl Emitter<'_> {
    fn address_of(&mut self, reference: &Reference) -> Option<u32> {
        let address = label_address(self.program, self.offsets, &reference.name);
        if address.is_none() {
            let names = self
                .program
                .labels
                .iter()
                .map(|label| label.name.as_str())
                .chain(self.program.constants.keys().map(String::as_str));
            let mut diagnostic = error(
                code::UNDEFINED_LABEL,
                format!("undefined label `{}`", reference.name),
                reference.span.clone(),
                "no label or constant has this name",
            );
            diagnostic = match closest(&reference.name, names) {
                Some(suggestion) => diagnostic.with_hint(format!("did you mean `{suggestion}`?")),
                None => diagnostic.with_hint(format!("define it with `{}:`", reference.name)),
            };
            self.errors.push(diagnostic);
        }
        address
    }

    /// A label's address as a word, or an error if it is past memory.
    fn address_word(&mut self, reference: &Reference) -> u16 {
        match self.address_of(reference) {
            Some(address) if address < MEMORY_END => address as u16,
            Some(address) => {
                self.errors
                    .push(past_end_of_memory(&reference.span, address));
                0
            }
            None => 0,
        }
    }

    fn word(&mut self, value: &WordValue) -> u16 {
        match value {
            WordValue::Fixed(word) => *word,
            WordValue::Address(reference) => self.address_word(reference),
        }
    }

    fn emit_sections(&mut self) -> Vec<Vec<u16>> {
        let program = self.program;
        let mut all_words = Vec::with_capacity(program.sections.len());
        for (section_index, section) in program.sections.iter().enumerate() {
            let mut words = Vec::new();
            for (item_index, item) in section.items.iter().enumerate() {
                let address = section.origin + self.offsets[section_index][item_index];
                match &item.kind {
                    ItemKind::Instruction(instruction) => {
                        self.instruction(instruction, address, &item.span, &mut words)
                    }
                    ItemKind::Words {
                        words: values,
                        data,
                    } => {
                        for value in values {
                            let word = self.word(value);
                            words.push(word);
                        }
                        if *data && !values.is_empty() {
                            self.data.push((address, address + values.len() as u32));
                        }
                    }
                    ItemKind::Table(entries) => {
                        self.tables_by_address.insert(
                            address,
                            PendingTable {
                                section: section_index,
                                word_offset: words.len(),
                                item: item_index,
                                span: item.span.clone(),
                            },
                        );
                        words.extend(std::iter::repeat_n(0, entries.len()));
                        words.push(TABLE_END);
                        self.data
                            .push((address, address + entries.len() as u32 + 1));
                    }
                }
            }
            all_words.push(words);
        }
        all_words
    }

    /// Emits one instruction in its relaxed form.
    fn instruction(
        &mut self,
        instruction: &InstructionItem,
        address: u32,
        span: &Span,
        words: &mut Vec<u16>,
    ) {
        let spec = instruction.spec;
        let mnemonic = spec.mnemonic;
        let mut values = Vec::with_capacity(spec.fields.len());
        let mut far_target = None;
        for (field, value) in spec.fields.iter().zip(&instruction.fields) {
            let kind = field.kind;
            let number = match value {
                FieldValue::Fixed(number) => *number,
                FieldValue::Address(reference) => match self.address_of(reference) {
                    Some(target) => {
                        let target = target as i64;
                        let (minimum, maximum) = (
                            kind.assembler_minimum() as i64,
                            kind.assembler_maximum() as i64,
                        );
                        if !(minimum..=maximum).contains(&target) {
                            self.errors.push(out_of_range(
                                reference.span.clone(),
                                target,
                                minimum,
                                maximum,
                                &format!("{}'s {}", spec.name, field.name),
                                &format!(
                                    "`{}` is the address {target:#06x}; {}'s {} is {}",
                                    reference.name,
                                    spec.name,
                                    field.name,
                                    kind.description()
                                ),
                                false,
                            ));
                        }
                        target as i32
                    }
                    None => 0,
                },
                FieldValue::Target(reference) => match self.address_of(reference) {
                    Some(target) => {
                        let offset = target as i64 - (address as i64 + 1);
                        if instruction.reach == Reach::Near {
                            if !fits(kind, offset) {
                                self.errors.push(unreachable_target(
                                    spec.name,
                                    field.name,
                                    kind,
                                    reference,
                                    offset,
                                    self.program.isa,
                                ));
                            }
                        } else {
                            far_target = Some((target, reference));
                        }
                        offset as i32
                    }
                    None => 0,
                },
            };
            values.push(number);
        }
        let jump = Mnemonic::Jmp;
        let absolute_jump = Mnemonic::Jmpa;
        match (instruction.reach, far_target) {
            (Reach::Near, _) | (_, None) => {
                words.push(encode(mnemonic, &values));
                for value in &instruction.trailing {
                    let word = self.word(value);
                    words.push(word);
                }
            }
            (Reach::Far, Some((_, reference)))
                if instruction.relaxation() == Relaxation::Absolute =>
            {
                words.push(encode(absolute_jump, &[]));
                let target = self.address_word(reference);
                words.push(target);
            }
            (reach, Some((target, reference))) => {
                // The instruction's own offset becomes +1: it lands on the
                // long jump, and the fall-through path skips it.
                let (field_index, _) = instruction
                    .pc_relative_target()
                    .expect("a far instruction has a label target");
                values[field_index] = 1;
                words.push(encode(mnemonic, &values));
                if reach == Reach::FarAbsolute {
                    words.push(encode(jump, &[2]));
                    words.push(encode(absolute_jump, &[]));
                    let target = self.address_word(reference);
                    words.push(target);
                } else {
                    let jump_offset = target as i64 - (address as i64 + 3);
                    if !fits(OperandKind::JumpOffset11, jump_offset) {
                        let jump_spec = jump.spec();
                        self.errors.push(
                            unreachable_target(
                                jump_spec.name,
                                jump_spec.fields[0].name,
                                jump_spec.fields[0].kind,
                                reference,
                                jump_offset,
                                self.program.isa,
                            )
                            .with_secondary(
                                0,
                                span.clone(),
                                format!(
                                    "{} was lengthened to `{} ..., +1` / `JMP +1` / `JMP {}`",
                                    spec.name, spec.name, reference.name
                                ),
                            ),
                        );
                    }
                    words.push(encode(jump, &[1]));
                    words.push(encode(jump, &[jump_offset as i32]));
                }
            }
        }
        // A MATCH-style table offset: remember where its table is (even
        // when it is out of range, which is reported above, so that the
        // table is not also reported as unused).
        if instruction.reach == Reach::Near {
            for (field, &value) in spec.fields.iter().zip(&values) {
                if field.kind == OperandKind::TableOffset5 {
                    self.matches_by_table
                        .entry(address as i64 + 1 + value as i64)
                        .or_default()
                        .push((address, span.clone()));
                }
            }
        }
    }

    /// Writes each `.table`'s entries, relative to the MATCH that points at
    /// it.
    fn fill_tables(&mut self, section_words: &mut [Vec<u16>]) {
        let program = self.program;
        let tables = std::mem::take(&mut self.tables_by_address);
        for (table_address, pending) in tables {
            let ItemKind::Table(entries) =
                &program.sections[pending.section].items[pending.item].kind
            else {
                continue;
            };
            let matches = self
                .matches_by_table
                .get(&(table_address as i64))
                .cloned()
                .unwrap_or_default();
            let match_address = match matches.as_slice() {
                [] => {
                    self.errors.push(
                        error(
                            code::ORPHAN_TABLE,
                            "no MATCH uses this table",
                            pending.span.clone(),
                            format!("this table is at {table_address:#06x}"),
                        )
                        .with_note(
                            "table entries are offsets from the instruction after the MATCH \
                             whose table offset points at the table's first word",
                        )
                        .with_hint("point a MATCH at it (`MATCH vd, vs, label_of_table`), or use `.word` for plain data"),
                    );
                    continue;
                }
                [(address, _)] => *address,
                [(_, first), (_, second), ..] => {
                    self.errors.push(
                        error(
                            code::SHARED_TABLE,
                            "two MATCH instructions use this table",
                            pending.span.clone(),
                            "entries are offsets from one MATCH, so they cannot serve two",
                        )
                        .with_secondary(0, first.clone(), "one MATCH")
                        .with_secondary(0, second.clone(), "another MATCH")
                        .with_hint("give each MATCH its own table"),
                    );
                    continue;
                }
            };
            let base = match_address as i64 + 1;
            for (index, entry) in entries.iter().enumerate() {
                let word = match entry {
                    TableEntry::Missing => TABLE_MISSING,
                    TableEntry::Raw(word) => *word,
                    TableEntry::Target(reference) => match self.address_of(reference) {
                        Some(target) => {
                            let offset = target as i64 - base;
                            // 0x8000 and 0x8001 are the markers, so the
                            // two most negative offsets are unavailable.
                            if !(-0x7FFE..=0x7FFF).contains(&offset) {
                                self.errors.push(out_of_range(
                                    reference.span.clone(),
                                    offset,
                                    -0x7FFE,
                                    0x7FFF,
                                    "a table entry",
                                    "a table entry is the offset from the instruction after the MATCH",
                                    false,
                                ));
                            }
                            offset as u16
                        }
                        None => 0,
                    },
                };
                section_words[pending.section][pending.word_offset + index] = word;
            }
        }
    }

    /// The image: segments, symbols, data ranges and entry.
    fn image(
        &mut self,
        section_words: Vec<Vec<u16>>,
        data: Vec<(u32, u32)>,
        warnings: &mut Vec<Diagnostic>,
    ) -> Image {
        let program = self.program;
        let mut image = Image::new(program.isa);
        let mut placed: Vec<(u32, u32, Span)> = Vec::new();
        for (section, words) in program.sections.iter().zip(section_words) {
            if words.is_empty() {
                continue;
            }
            let span = section.span.clone().unwrap_or(0..0);
            let end = section.origin + words.len() as u32;
            if end > MEMORY_END {
                self.errors.push(
                    error(
                        code::PAST_END_OF_MEMORY,
                        "segment runs past the end of memory",
                        span.clone(),
                        format!(
                            "this segment holds {} words from {:#06x}, up to {end:#x}",
                            words.len(),
                            section.origin
                        ),
                    )
                    .with_note("memory ends at 0xFFFF")
                    .with_hint("start the segment lower or make it shorter"),
                );
                continue;
            }
            placed.push((section.origin, end, span));
            image.segments.push(Segment {
                origin: section.origin as u16,
                words,
            });
        }
        self.check_overlaps(&mut placed);

        let mut symbols: Vec<Symbol> = Vec::new();
        for label in &program.labels {
            if Program::is_local_label(&label.name) {
                continue;
            }
            let address =
                program.sections[label.section].origin + self.offsets[label.section][label.item];
            if address >= MEMORY_END {
                self.errors.push(past_end_of_memory(&label.span, address));
                continue;
            }
            symbols.push(Symbol {
                name: label.name.clone(),
                address: address as u16,
            });
        }
        symbols.sort_by_key(|symbol| symbol.address);
        image.symbols = symbols;
        image.data_ranges = merge_ranges(data);

        image.entry = match &program.entry {
            Some(EntryValue::Fixed(address)) => *address,
            Some(EntryValue::Label(reference)) => self.address_word(reference),
            None => match label_address(program, self.offsets, "start") {
                Some(address) if address < MEMORY_END => address as u16,
                _ => image.segments.first().map_or(0, |segment| segment.origin),
            },
        };
        let entry_inside = image
            .segments
            .iter()
            .any(|segment| (segment.origin as u32..segment.end()).contains(&(image.entry as u32)));
        if !image.segments.is_empty() && !entry_inside {
            let mut warning = Diagnostic::warning("the entry point is outside every segment")
                .with_code(code::ENTRY_OUTSIDE_SEGMENTS)
                .with_note(format!("the entry point is {:#06x}", image.entry))
                .with_hint("point `.entry` at code");
            if let Some(span) = self.entry_span() {
                warning = warning.with_primary(0, span, "execution starts here");
            }
            warnings.push(warning);
        }
        image
    }

    fn entry_span(&self) -> Option<Span> {
        match &self.program.entry {
            Some(EntryValue::Label(reference)) => Some(reference.span.clone()),
            _ => None,
        }
    }

    fn check_overlaps(&mut self, placed: &mut [(u32, u32, Span)]) {
        placed.sort_by_key(|(origin, _, _)| *origin);
        let mut furthest: Option<&(u32, u32, Span)> = None;
        for current in placed.iter() {
            if let Some(previous) = furthest {
                if previous.1 > current.0 {
                    self.errors.push(
                        error(
                            code::SEGMENT_OVERLAP,
                            "segments overlap",
                            current.2.clone(),
                            format!("this segment starts at {:#06x}", current.0),
                        )
                        .with_secondary(
                            0,
                            previous.2.clone(),
                            format!(
                                "this segment covers {:#06x}..{:#06x}",
                                previous.0, previous.1
                            ),
                        )
                        .with_note(format!(
                            "{} words are claimed by both",
                            previous.1.min(current.1) - current.0
                        ))
                        .with_hint("move one `.org` so the segments do not share addresses"),
                    );
                }
            }
            if furthest.is_none_or(|previous| current.1 > previous.1) {
                furthest = Some(current);
            }
        }
    }
}

/// Merges (start, end) ranges into sorted maximal runs, each split into
/// pieces that fit a 16-bit length.
pub(crate) fn merge_ranges(mut ranges: Vec<(u32, u32)>) -> Vec<DataRange> {
    ranges.retain(|(start, end)| start < end);
    ranges.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::new();
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let mut result = Vec::new();
    for (mut start, end) in merged {
        let end = end.min(MEMORY_END);
        while start < end {
            let length = (end - start).min(0xFFFF);
            result.push(DataRange {
                start: start as u16,
                length: length as u16,
            });
            start += length;
        }
    }
    result
}

fn past_end_of_memory(span: &Span, address: u32) -> Diagnostic {
    error(
        code::PAST_END_OF_MEMORY,
        "address past the end of memory",
        span.clone(),
        format!("this is address {address:#x}"),
    )
    .with_note("memory ends at 0xFFFF")
    .with_hint("place the label lower in memory")
}

/// A label a pc-relative field cannot reach, even after relaxation.
fn unreachable_target(
    mnemonic: &str,
    field_name: &str,
    kind: OperandKind,
    reference: &Reference,
    offset: i64,
    isa: IsaVersion,
) -> Diagnostic {
    let mut diagnostic = error(
        code::OUT_OF_RANGE,
        format!("`{}` is out of reach of {mnemonic}", reference.name),
        reference.span.clone(),
        format!("this target is {offset:+} words from the next instruction"),
    )
    .with_note(format!(
        "{mnemonic}'s {field_name} is {}",
        kind.description()
    ))
    .with_note(format!(
        "expected {}..={}, found {offset}",
        kind.minimum(),
        kind.maximum()
    ));
    diagnostic = match Relaxation::of_kind(kind) {
        Relaxation::Impossible => {
            diagnostic.with_hint("place the target right after the instruction (a MATCH table goes within 31 words after its MATCH)")
        }
        _ if isa == IsaVersion::V0_4 => diagnostic.with_hint(
            "assemble with --isa v0.5, where far jumps become JMPA, or move the target closer",
        ),
        _ => diagnostic.with_hint("move the target closer"),
    };
    diagnostic
}
