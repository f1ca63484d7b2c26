//! Encoding and decoding, written once over the table.
//!
//! Decoding a word: take the opcode from bits 15..11, try the table rows
//! with that opcode (one, or up to four for a v0.5 group), keep the row
//! whose sub-function bits match and whose unassigned bits are all zero,
//! and read each operand field. Encoding is the reverse. Because every
//! unassigned bit must be zero, each legal word has exactly one
//! instruction and each instruction exactly one word.

use std::fmt;

use crate::{Instruction, InstructionSpec, IsaVersion, Mnemonic, TABLE};

/// Why a word is not an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IllegalReason {
    /// The opcode is one of the reserved slots no version defines.
    ReservedOpcode,
    /// The opcode is a v0.5 group and the sub-function bits name no member.
    UnknownSubFunction,
    /// Bits the instruction leaves unassigned are not zero.
    NonZeroReservedBits,
}

/// A word that does not decode to an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IllegalWord {
    /// The word.
    pub word: u16,
    /// Why it is illegal.
    pub reason: IllegalReason,
}

impl fmt::Display for IllegalWord {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let opcode = self.word >> 11;
        match self.reason {
            IllegalReason::ReservedOpcode => {
                write!(
                    formatter,
                    "word {:#06x} has the reserved opcode {:#04x}",
                    self.word, opcode
                )
            }
            IllegalReason::UnknownSubFunction => write!(
                formatter,
                "word {:#06x} names no instruction of the opcode {:#04x} group",
                self.word, opcode
            ),
            IllegalReason::NonZeroReservedBits => {
                let spec = rows_for_opcode(opcode as u8).first().copied();
                let name = spec.map_or("?", |spec| spec.name);
                write!(
                    formatter,
                    "word {:#06x} is {name} with reserved bits set",
                    self.word
                )
            }
        }
    }
}

impl std::error::Error for IllegalWord {}

/// The table rows with this opcode, in table order.
pub fn rows_for_opcode(opcode: u8) -> &'static [InstructionSpec] {
    let start = TABLE.partition_point(|spec| spec.opcode < opcode);
    let end = TABLE.partition_point(|spec| spec.opcode <= opcode);
    &TABLE[start..end]
}

/// Decodes one word.
pub fn decode(word: u16) -> Result<Instruction, IllegalWord> {
    let rows = rows_for_opcode((word >> 11) as u8);
    if rows.is_empty() {
        return Err(IllegalWord {
            word,
            reason: IllegalReason::ReservedOpcode,
        });
    }
    let Some(spec) = rows.iter().find(|spec| spec.sub_function_matches(word)) else {
        return Err(IllegalWord {
            word,
            reason: IllegalReason::UnknownSubFunction,
        });
    };
    if word & !spec.assigned_bits() != 0 {
        return Err(IllegalWord {
            word,
            reason: IllegalReason::NonZeroReservedBits,
        });
    }
    let mut values = [0i32; 3];
    for (value, field) in values.iter_mut().zip(spec.fields) {
        *value = field.extract(word);
    }
    let instruction = Instruction::from_operands(spec.mnemonic, &values[..spec.fields.len()]);
    Ok(instruction.expect("a table row's own field count always fits"))
}

impl Instruction {
    /// The instruction's 16-bit encoding.
    pub fn encode(&self) -> u16 {
        let spec = self.mnemonic().spec();
        let mut word = (spec.opcode as u16) << 11;
        if let Some(sub_function) = spec.sub_function {
            word |= sub_function.value << sub_function.low_bit;
        }
        for (field, &value) in spec.fields.iter().zip(self.operands().as_slice()) {
            word |= field.insert(value);
        }
        word
    }

    /// The ISA version that introduced this instruction.
    pub fn version(&self) -> IsaVersion {
        self.mnemonic().spec().version
    }
}

impl Mnemonic {
    /// The instruction with this mnemonic as written in assembly, ignoring
    /// case.
    pub fn from_name(name: &str) -> Option<Mnemonic> {
        TABLE
            .iter()
            .find(|spec| spec.name.eq_ignore_ascii_case(name))
            .map(|spec| spec.mnemonic)
    }
}
