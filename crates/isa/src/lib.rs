//! The instruction set of the effects-native 16-bit machine (Appendix A of
//! the book, ISA v0.4, plus the project's v0.5 extensions in the reserved
//! opcodes).
//!
//! Input: nothing but the spec. Output: the instruction table ([`TABLE`]),
//! the typed [`Instruction`] enum generated from it, [`decode`] and
//! [`Instruction::encode`], and the ISA-level data formats every other
//! stage shares: register [`Tag`]s, heap-object [`Header`]s and
//! [`Layout`]s, the [`EffectTableEntry`] and the NoC [`Packet`].
//!
//! This crate must not know about assembly syntax beyond mnemonics and
//! operand kinds, about memory maps, or about how the machine executes
//! anything: it is the vocabulary, not the machine.
//!
//! ```
//! use cml_isa::{decode, Instruction, Register};
//! let word = Instruction::Li { vd: Register::V0, imm8: 0x41 }.encode();
//! assert_eq!(word, 0x0041);
//! assert_eq!(decode(word).unwrap().to_string(), "LI v0, 65");
//! ```

#[macro_use]
mod macros;
mod codec;
mod effect;
mod layout;
mod operand;
mod reference;
mod table;
mod tag;

use std::fmt;

pub use codec::{decode, rows_for_opcode, IllegalReason, IllegalWord};
pub use effect::{EffectId, EffectTableEntry, Packet};
pub use layout::{Header, Layout, SIZE_ESCAPE};
pub use operand::{OperandField, OperandKind, Register, CONTROL_REGISTER_NAMES};
pub use reference::{reference_markdown, syntax};
pub use table::{Instruction, Mnemonic, TABLE};
pub use tag::Tag;

/// The encoding forms of §7. The table's field positions are what the
/// encoder uses; the form is kept for documentation and listings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Form {
    /// Three registers.
    R3,
    /// Two registers and a 5-bit immediate.
    RR5,
    /// One register and an 8-bit immediate.
    RI8,
    /// An 11-bit immediate.
    J11,
    /// An effect: family, op and a 3-bit register or handler offset.
    E,
    /// One of §8's custom layouts (ALLOC, SETTAG, INC, DEC) or a v0.5 frame
    /// instruction.
    Custom,
}

/// An ISA version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IsaVersion {
    /// The book's ISA v0.4, exactly.
    V0_4,
    /// v0.4 plus the project's extensions in the reserved opcodes.
    V0_5,
}

impl IsaVersion {
    /// The version's name as the command line writes it (`v0.4`).
    pub const fn name(self) -> &'static str {
        match self {
            IsaVersion::V0_4 => "v0.4",
            IsaVersion::V0_5 => "v0.5",
        }
    }

    /// The version with this name (`v0.4`, `0.4`, `v0.5`, `0.5`).
    pub fn from_name(name: &str) -> Option<IsaVersion> {
        match name.trim_start_matches('v') {
            "0.4" => Some(IsaVersion::V0_4),
            "0.5" => Some(IsaVersion::V0_5),
            _ => None,
        }
    }
}

impl fmt::Display for IsaVersion {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// The sub-function bits that select one member of a v0.5 opcode group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubFunction {
    /// The member's value in the sub-function field.
    pub value: u16,
    /// The field's lowest bit.
    pub low_bit: u32,
    /// The field's width.
    pub width: u32,
}

impl SubFunction {
    /// The field's mask in place in the word.
    pub const fn mask_in_word(&self) -> u16 {
        (((1u32 << self.width) - 1) as u16) << self.low_bit
    }
}

/// One row of the instruction table.
#[derive(Clone, Copy, Debug)]
pub struct InstructionSpec {
    /// The row's mnemonic.
    pub mnemonic: Mnemonic,
    /// The mnemonic as written in assembly (`LI`).
    pub name: &'static str,
    /// The 5-bit opcode.
    pub opcode: u8,
    /// For v0.5 groups sharing an opcode, the member's sub-function.
    pub sub_function: Option<SubFunction>,
    /// The encoding form.
    pub form: Form,
    /// The version that introduced the instruction.
    pub version: IsaVersion,
    /// Words after the instruction that belong to it (JMPA's address).
    pub trailing_words: u8,
    /// The operand fields, in assembly order.
    pub fields: &'static [OperandField],
    /// What the instruction does, in one line.
    pub semantics: &'static str,
}

impl InstructionSpec {
    /// The mask of every bit the row assigns: opcode, sub-function and
    /// operand fields. Every other bit of a legal word is zero.
    pub fn assigned_bits(&self) -> u16 {
        let mut bits = 0xF800;
        if let Some(sub_function) = self.sub_function {
            bits |= sub_function.mask_in_word();
        }
        for field in self.fields {
            bits |= field.mask_in_word();
        }
        bits
    }

    /// Whether a word with this row's opcode selects this row.
    pub fn sub_function_matches(&self, word: u16) -> bool {
        match self.sub_function {
            None => true,
            Some(sub_function) => {
                (word & sub_function.mask_in_word()) >> sub_function.low_bit == sub_function.value
            }
        }
    }
}

impl Mnemonic {
    /// The mnemonic's table row.
    pub fn spec(self) -> &'static InstructionSpec {
        &TABLE[self as usize]
    }
}

/// An instruction's operand values in table field order (at most three).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operands {
    values: [i32; 3],
    len: u8,
}

impl Operands {
    /// The operands in these values (at most three are kept).
    pub fn from_slice(values: &[i32]) -> Operands {
        let mut operands = Operands {
            values: [0; 3],
            len: values.len().min(3) as u8,
        };
        operands.values[..operands.len as usize].copy_from_slice(&values[..operands.len as usize]);
        operands
    }

    /// The operand values.
    pub fn as_slice(&self) -> &[i32] {
        &self.values[..self.len as usize]
    }
}

/// A typed operand value that converts to and from the generic `i32`
/// operand form used by the table-driven codec, assembler and
/// disassembler.
pub trait FieldValue: Copy {
    /// The value as a generic operand.
    fn to_operand(self) -> i32;
    /// The value a generic operand denotes (already reduced to its field).
    fn from_operand(operand: i32) -> Self;
}

impl FieldValue for Register {
    fn to_operand(self) -> i32 {
        self.index() as i32
    }
    fn from_operand(operand: i32) -> Self {
        Register::from_low_bits(operand as u16)
    }
}

impl FieldValue for Layout {
    fn to_operand(self) -> i32 {
        self.code() as i32
    }
    fn from_operand(operand: i32) -> Self {
        Layout::from_code(operand as u8)
    }
}

impl FieldValue for Tag {
    fn to_operand(self) -> i32 {
        self.code() as i32
    }
    fn from_operand(operand: i32) -> Self {
        Tag::from_code(operand as u8)
    }
}

impl FieldValue for i16 {
    fn to_operand(self) -> i32 {
        self as i32
    }
    fn from_operand(operand: i32) -> Self {
        operand as i16
    }
}

impl FieldValue for u8 {
    fn to_operand(self) -> i32 {
        self as i32
    }
    fn from_operand(operand: i32) -> Self {
        operand as u8
    }
}

/// Writes one operand the way the assembler reads it back: registers as
/// `v3`, layouts and tags by name, pc-relative offsets with an explicit
/// sign (`+1`, `-3`), everything else in decimal.
pub fn write_operand(formatter: &mut dyn fmt::Write, kind: OperandKind, value: i32) -> fmt::Result {
    match kind {
        OperandKind::Register => write!(formatter, "v{value}"),
        OperandKind::Layout => write!(formatter, "{}", Layout::from_code(value as u8)),
        OperandKind::Tag => write!(formatter, "{}", Tag::from_code(value as u8)),
        OperandKind::ControlRegister => match CONTROL_REGISTER_NAMES.get(value as usize) {
            Some(name) => formatter.write_str(name),
            None => write!(formatter, "{value}"),
        },
        kind if kind.is_pc_relative() => write!(formatter, "{value:+}"),
        OperandKind::UnsignedImmediate8 => write!(formatter, "{value:#04x}"),
        _ => write!(formatter, "{value}"),
    }
}

impl fmt::Display for Instruction {
    /// Writes the instruction in assembly syntax, with pc-relative
    /// operands as signed offsets (the disassembler writes labels instead).
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let spec = self.mnemonic().spec();
        formatter.write_str(spec.name)?;
        for (index, (field, &value)) in spec
            .fields
            .iter()
            .zip(self.operands().as_slice())
            .enumerate()
        {
            formatter.write_str(if index == 0 { " " } else { ", " })?;
            write_operand(formatter, field.kind, value)?;
        }
        Ok(())
    }
}
