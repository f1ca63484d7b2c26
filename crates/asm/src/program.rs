//! The program model between parsing and layout: sections of items, label
//! definitions and constants.
//!
//! A section starts at each `.org` (and at address 0 for a source without
//! one). An item is an instruction, a run of words, or a MATCH jump table.
//! A label is a position in a section (an item index), not an address:
//! addresses are computed by the layout pass, which may grow instructions
//! during relaxation, and labels follow the items they precede.

use std::collections::HashMap;

use cml_isa::{InstructionSpec, IsaVersion, OperandKind};

use crate::lexer::Span;

/// A name used as an operand, with where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reference {
    /// The name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A word whose value may be a label's address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum WordValue {
    /// A known value.
    Fixed(u16),
    /// The address of a label.
    Address(Reference),
}

/// One entry of a `.table`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TableEntry {
    /// `_`: the missing-entry marker 0x8000.
    Missing,
    /// A label: the offset from the MATCH's next instruction to it.
    Target(Reference),
    /// A number: the raw entry word.
    Raw(u16),
}

/// The value of one instruction field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FieldValue {
    /// A value known when the line is read (already range-checked).
    Fixed(i32),
    /// A label in a pc-relative field: the offset is computed at layout.
    Target(Reference),
    /// A label in an absolute field: its address, range-checked at layout.
    Address(Reference),
}

/// How far an instruction with a pc-relative label reaches, which decides
/// its size. Relaxation only ever moves down this list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Reach {
    /// The instruction alone: the target is within its field's range.
    Near,
    /// For a JMP: `JMPA target` (two words). For a BZ or INST/INSTT: the
    /// instruction with offset +1, `JMP +1`, `JMP target` (three words).
    Far,
    /// For a BZ or INST/INSTT whose target is beyond even a JMP: the
    /// instruction with offset +1, `JMP +2`, `JMPA target` (four words).
    FarAbsolute,
}

/// An instruction statement.
#[derive(Clone, Debug)]
pub(crate) struct InstructionItem {
    /// The table row.
    pub spec: &'static InstructionSpec,
    /// One value per table field, in table order.
    pub fields: Vec<FieldValue>,
    /// One value per trailing word (JMPA's absolute target).
    pub trailing: Vec<WordValue>,
    /// The current relaxation state.
    pub reach: Reach,
}

impl InstructionItem {
    /// The index and label of the pc-relative field written as a label, if
    /// any. Only such fields take part in relaxation.
    pub fn pc_relative_target(&self) -> Option<(usize, &Reference)> {
        self.fields
            .iter()
            .enumerate()
            .find_map(|(index, value)| match value {
                FieldValue::Target(reference) => Some((index, reference)),
                _ => None,
            })
    }

    /// How this instruction relaxes (by the kind of its label field).
    pub fn relaxation(&self) -> Relaxation {
        match self.pc_relative_target() {
            Some((index, _)) => Relaxation::of_kind(self.spec.fields[index].kind),
            None => Relaxation::Impossible,
        }
    }
}

/// How an instruction whose pc-relative target is out of its field's
/// range is rewritten. The choice depends only on the field's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Relaxation {
    /// The field cannot be relaxed (MATCH's table offset): out of range is
    /// an error.
    Impossible,
    /// The instruction becomes `JMPA target` (a jump offset).
    Absolute,
    /// The instruction is kept with offset +1 and jumps around a `JMP
    /// target` (a branch or handler offset).
    Wrapped,
}

impl Relaxation {
    /// The relaxation of a pc-relative field kind.
    pub fn of_kind(kind: OperandKind) -> Relaxation {
        match kind {
            OperandKind::JumpOffset11 => Relaxation::Absolute,
            OperandKind::BranchOffset8 | OperandKind::HandlerOffset3 => Relaxation::Wrapped,
            _ => Relaxation::Impossible,
        }
    }
}

/// What an item is.
#[derive(Clone, Debug)]
pub(crate) enum ItemKind {
    /// An instruction (one or more words after relaxation).
    Instruction(InstructionItem),
    /// Literal words: data (`.word`, `.ascii`, `.zero`, ...) or raw code
    /// words (`.insn`, and placeholders for lines with errors).
    Words {
        /// The words.
        words: Vec<WordValue>,
        /// Whether they are recorded as a data range.
        data: bool,
    },
    /// A `.table`: its entries, then the end marker.
    Table(Vec<TableEntry>),
}

/// An item and the statement it came from.
#[derive(Clone, Debug)]
pub(crate) struct Item {
    /// What it is.
    pub kind: ItemKind,
    /// The statement's span.
    pub span: Span,
}

impl Item {
    /// The number of words the item occupies in its current state.
    pub fn size(&self) -> u32 {
        match &self.kind {
            ItemKind::Instruction(instruction) => match instruction.reach {
                Reach::Near => 1 + instruction.spec.trailing_words as u32,
                Reach::Far => match instruction.relaxation() {
                    Relaxation::Absolute => 2,
                    _ => 3,
                },
                Reach::FarAbsolute => 4,
            },
            ItemKind::Words { words, .. } => words.len() as u32,
            ItemKind::Table(entries) => entries.len() as u32 + 1,
        }
    }
}

/// A run of items placed at an origin.
#[derive(Clone, Debug)]
pub(crate) struct Section {
    /// The address of the first word.
    pub origin: u32,
    /// The `.org` statement, or the first item of the implicit section.
    pub span: Option<Span>,
    /// The items, in source order.
    pub items: Vec<Item>,
}

/// A label definition: a position, resolved to an address by layout.
#[derive(Clone, Debug)]
pub(crate) struct LabelDefinition {
    /// The name.
    pub name: String,
    /// Where it is defined.
    pub span: Span,
    /// The section it is in.
    pub section: usize,
    /// The index of the item it precedes (the item count for the end).
    pub item: usize,
}

/// A `.equ` constant.
#[derive(Clone, Debug)]
pub(crate) struct Constant {
    /// The value.
    pub value: i64,
    /// Where it is defined.
    pub span: Span,
}

/// The entry point as written.
#[derive(Clone, Debug)]
pub(crate) enum EntryValue {
    /// A number or constant.
    Fixed(u16),
    /// A label.
    Label(Reference),
}

/// Everything the statements say, ready for layout.
#[derive(Clone, Debug)]
pub(crate) struct Program {
    /// The ISA version in force.
    pub isa: IsaVersion,
    /// The sections, in source order.
    pub sections: Vec<Section>,
    /// The label definitions, in source order.
    pub labels: Vec<LabelDefinition>,
    /// Label name to its index in `labels`.
    pub label_index: HashMap<String, usize>,
    /// The `.equ` constants.
    pub constants: HashMap<String, Constant>,
    /// The `.entry` directive, if any.
    pub entry: Option<EntryValue>,
}

impl Program {
    /// Whether a label is local (`.L...`): usable as an operand but not
    /// written to the image's symbols.
    pub fn is_local_label(name: &str) -> bool {
        name.starts_with(".L")
    }
}
