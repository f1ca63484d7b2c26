//! Operand fields: what kinds of value an instruction word carries, how wide
//! each is, and how a value becomes bits and back.
//!
//! Every field of every instruction has an [`OperandKind`]. The kind decides
//! the field's width, whether it is sign-extended, whether it is a
//! pc-relative offset (which the assembler accepts as a label), and how the
//! assembler and disassembler write it. The instruction table in
//! `table.rs` names a kind and a bit position for each field; nothing else
//! in the workspace knows field positions.

use std::fmt;

/// One of the eight general registers, `v0` to `v7`.
///
/// Invariant: the index is below 8.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Register(u8);

impl Register {
    /// The argument, return value and PERF argument register.
    pub const V0: Register = Register(0);
    /// The PERF continuation register.
    pub const V1: Register = Register(1);
    /// The closure-environment register, saved by CALL.
    pub const V6: Register = Register(6);
    /// The PERF op-tag register.
    pub const V7: Register = Register(7);

    /// The register with this index, if the index is below 8.
    pub fn new(index: u8) -> Option<Register> {
        (index < 8).then_some(Register(index))
    }

    /// The register named by the low three bits of `bits`.
    pub fn from_low_bits(bits: u16) -> Register {
        Register((bits & 7) as u8)
    }

    /// The register's number, 0 to 7.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for Register {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "v{}", self.0)
    }
}

/// What a field of an instruction word holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperandKind {
    /// A register, 3 bits, written `v0`..`v7`.
    Register,
    /// A signed 8-bit immediate (LI), sign-extended to 16 bits. The
    /// assembler also accepts 128..=255 as the same bit pattern.
    SignedImmediate8,
    /// An unsigned 8-bit immediate (LIH's high byte, SETV's variant).
    UnsignedImmediate8,
    /// A signed 8-bit offset from the next instruction (BZ).
    BranchOffset8,
    /// A signed 11-bit offset from the next instruction (JMP).
    JumpOffset11,
    /// A signed 5-bit word offset from a base register (LD, ST).
    MemoryOffset5,
    /// An unsigned 5-bit offset from the next instruction to a MATCH
    /// jump table.
    TableOffset5,
    /// A signed 3-bit offset from the next instruction to a handler (INST).
    HandlerOffset3,
    /// An effect family, 4 bits.
    Family,
    /// An effect operation within its family, 4 bits.
    EffectOp,
    /// A heap-object layout code, 4 bits, written by name (`RECORD`).
    Layout,
    /// ALLOC's payload word count, 4 bits; 15 is the size escape.
    Count4,
    /// A register tag, 3 bits, written by name (`INT`, `PTR`).
    Tag,
    /// An unsigned 4-bit immediate (INC, DEC).
    UnsignedImmediate4,
    /// A tagged stack-slot index or slot count, 6 bits (v0.5 frames).
    Slot6,
    /// A control register number, 6 bits, written by name (`HP`) or
    /// number (v0.5 CSRR/CSRW).
    ControlRegister,
}

/// The names of the control registers, indexed by number.
pub const CONTROL_REGISTER_NAMES: [&str; 8] = [
    "SP",
    "HP",
    "ETB",
    "CORE",
    "SPILLBASE",
    "SPILLEND",
    "STACKBASE",
    "GP",
];

impl OperandKind {
    /// The field's width in bits.
    pub const fn width(self) -> u32 {
        match self {
            OperandKind::Register | OperandKind::HandlerOffset3 | OperandKind::Tag => 3,
            OperandKind::SignedImmediate8
            | OperandKind::UnsignedImmediate8
            | OperandKind::BranchOffset8 => 8,
            OperandKind::JumpOffset11 => 11,
            OperandKind::MemoryOffset5 | OperandKind::TableOffset5 => 5,
            OperandKind::Family
            | OperandKind::EffectOp
            | OperandKind::Layout
            | OperandKind::Count4
            | OperandKind::UnsignedImmediate4 => 4,
            OperandKind::Slot6 | OperandKind::ControlRegister => 6,
        }
    }

    /// Whether the field is sign-extended when decoded.
    pub const fn is_signed(self) -> bool {
        matches!(
            self,
            OperandKind::SignedImmediate8
                | OperandKind::BranchOffset8
                | OperandKind::JumpOffset11
                | OperandKind::MemoryOffset5
                | OperandKind::HandlerOffset3
        )
    }

    /// Whether the field is an offset from the address of the next
    /// instruction, so that the assembler accepts a label for it.
    pub const fn is_pc_relative(self) -> bool {
        matches!(
            self,
            OperandKind::BranchOffset8
                | OperandKind::JumpOffset11
                | OperandKind::TableOffset5
                | OperandKind::HandlerOffset3
        )
    }

    /// The smallest value the field holds.
    pub const fn minimum(self) -> i32 {
        if self.is_signed() {
            -(1 << (self.width() - 1))
        } else {
            0
        }
    }

    /// The largest value the field holds.
    pub const fn maximum(self) -> i32 {
        if self.is_signed() {
            (1 << (self.width() - 1)) - 1
        } else {
            (1 << self.width()) - 1
        }
    }

    /// The largest value the assembler accepts for the field. It is the
    /// field's maximum, except for LI's immediate, where 128..=255 are
    /// accepted as bit patterns (so `LI v0, 0xFF` loads -1, as the book's
    /// listings assume bytes).
    pub const fn assembler_maximum(self) -> i32 {
        match self {
            OperandKind::SignedImmediate8 => 255,
            _ => self.maximum(),
        }
    }

    /// The smallest value the assembler accepts for the field.
    pub const fn assembler_minimum(self) -> i32 {
        match self {
            OperandKind::UnsignedImmediate8 => -128,
            _ => self.minimum(),
        }
    }

    /// The mask of the field's width, shifted to bit 0.
    pub const fn mask(self) -> u16 {
        ((1u32 << self.width()) - 1) as u16
    }

    /// The field's bits for a value. The value is assumed to be in range
    /// (see [`OperandKind::assembler_minimum`]); only the low bits are kept.
    pub const fn to_bits(self, value: i32) -> u16 {
        (value as u16) & self.mask()
    }

    /// The value held by the field's bits (already shifted to bit 0).
    pub const fn from_bits(self, bits: u16) -> i32 {
        let bits = bits & self.mask();
        if self.is_signed() {
            let shift = 32 - self.width();
            ((bits as i32) << shift) >> shift
        } else {
            bits as i32
        }
    }

    /// A short human name for error messages: "a register", "a signed
    /// 8-bit offset".
    pub const fn description(self) -> &'static str {
        match self {
            OperandKind::Register => "a register (v0-v7)",
            OperandKind::SignedImmediate8 => "an 8-bit immediate (-128..255)",
            OperandKind::UnsignedImmediate8 => "an unsigned byte (0..255)",
            OperandKind::BranchOffset8 => "a branch target (label or offset -128..127)",
            OperandKind::JumpOffset11 => "a jump target (label or offset -1024..1023)",
            OperandKind::MemoryOffset5 => "a word offset (-16..15)",
            OperandKind::TableOffset5 => "a jump-table location (label or offset 0..31)",
            OperandKind::HandlerOffset3 => "a handler location (label or offset -4..3)",
            OperandKind::Family => "an effect family (0..15)",
            OperandKind::EffectOp => "an effect operation (0..15)",
            OperandKind::Layout => {
                "a layout (RECORD, ARRAY, CLOSURE_REC, CONT_REC, SUM, STRING or 0..15)"
            }
            OperandKind::Count4 => "a word count (0..15)",
            OperandKind::Tag => "a tag (INT, PTR, CONT, CLOSURE, UNIT, BOOL or 0..7)",
            OperandKind::UnsignedImmediate4 => "an unsigned immediate (0..15)",
            OperandKind::Slot6 => "a stack slot (0..63)",
            OperandKind::ControlRegister => {
                "a control register (SP, HP, ETB, CORE, SPILLBASE, SPILLEND, STACKBASE, GP or 0..63)"
            }
        }
    }
}

/// One field of an instruction in the table: its name, kind and position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperandField {
    /// The field's name in the book's notation (`vd`, `imm8`, `family`).
    pub name: &'static str,
    /// What the field holds.
    pub kind: OperandKind,
    /// The bit position of the field's least significant bit.
    pub low_bit: u32,
}

impl OperandField {
    /// The field's mask in place in the instruction word.
    pub const fn mask_in_word(&self) -> u16 {
        self.kind.mask() << self.low_bit
    }

    /// The field's value in an instruction word.
    pub const fn extract(&self, word: u16) -> i32 {
        self.kind.from_bits(word >> self.low_bit)
    }

    /// The field's bits for a value, in place in the instruction word.
    pub const fn insert(&self, value: i32) -> u16 {
        self.kind.to_bits(value) << self.low_bit
    }
}
