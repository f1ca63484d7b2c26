//! Faults: everything that stops an instruction from retiring.
//!
//! A fault is delivered as the hardware effect (0xF, 0) with [`Fault::code`]
//! as the argument (see `docs/isa-decisions.md`); when nothing handles that
//! effect the run stops with a trap report.

use std::fmt;

use cml_isa::{EffectId, Register, Tag};

/// Why an instruction did not retire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// An operand's tag is not one the instruction accepts.
    TagMismatch {
        /// The register holding the operand.
        register: Register,
        /// The tags the instruction accepts, in words.
        expected: &'static str,
        /// The tag it found.
        found: Tag,
    },
    /// PERF found no installed handler and the effect table says Unhandled.
    UnhandledEffect {
        /// The effect performed.
        effect: EffectId,
    },
    /// RESU on a continuation whose used flag is already set.
    ContinuationResumedTwice {
        /// The continuation's address.
        address: u16,
    },
    /// MATCH's index has no entry: the entry is the missing marker, or the
    /// table ends before it.
    MatchMissingEntry {
        /// The index MATCH dispatched on.
        index: u16,
    },
    /// The word is not an instruction (in the running ISA version).
    IllegalInstruction {
        /// The word.
        word: u16,
    },
    /// The heap would run into the stack.
    HeapExhausted {
        /// Words requested.
        requested: u32,
        /// Words free between the heap pointer and the stack pointer.
        available: u32,
    },
    /// A push would run the stack into the heap.
    StackOverflow,
    /// A pop would go above the stack base.
    StackUnderflow,
    /// INST (or RESU reinstalling frames) found the spill region full.
    HandlerSpillFull,
    /// UNIN for an effect with no installed handler.
    UninstallWithoutHandler {
        /// The effect.
        effect: EffectId,
    },
    /// DIV or REM by zero.
    DivideByZero,
    /// SETTAG to one of the reserved tags 6 and 7.
    ReservedTag {
        /// The tag code.
        tag: u8,
    },
    /// RESU on a CONT whose record is not a well-formed CONT_REC.
    BadContinuation {
        /// The continuation's address.
        address: u16,
    },
    /// The effect table entry has an undefined kind (or a v0.5 kind in
    /// v0.4 mode), or routes the fault effect remotely.
    BadEffectTableEntry {
        /// The effect.
        effect: EffectId,
        /// The raw 32-bit entry.
        raw: u32,
    },
    /// The selected handler's prompt is below the stack pointer: the code
    /// that installed it returned without UNIN.
    StaleHandlerFrame {
        /// The effect.
        effect: EffectId,
    },
    /// CSRR/CSRW named a register that does not exist or cannot be written.
    BadControlRegister {
        /// The register number.
        register: u8,
    },
    /// CSRW tried to move the spill region while frames are spilled.
    SpillRegionBusy,
    /// A remote PERF addressed a tile with no device.
    NoDeviceAtTile {
        /// The destination tile.
        tile: u8,
    },
    /// A store wrote into the boot ROM (found and undone by the system).
    RomWrite {
        /// The first ROM address written.
        address: u16,
    },
    /// A packet this core sent waited at a full FIFO past the threshold and was dropped (C.4).
    NocOverflow {
        /// The dropped packet's destination.
        tile: u8,
        /// Its op.
        op: u8,
    },
}

impl Fault {
    /// The fault code delivered in v0 with the (0xF, 0) fault effect.
    pub const fn code(&self) -> u16 {
        match self {
            Fault::TagMismatch { .. } => 1,
            Fault::UnhandledEffect { .. } => 2,
            Fault::ContinuationResumedTwice { .. } => 3,
            Fault::MatchMissingEntry { .. } => 4,
            Fault::IllegalInstruction { .. } => 5,
            Fault::HeapExhausted { .. } => 6,
            Fault::StackOverflow => 7,
            Fault::StackUnderflow => 8,
            Fault::HandlerSpillFull => 9,
            Fault::UninstallWithoutHandler { .. } => 10,
            Fault::DivideByZero => 11,
            Fault::ReservedTag { .. } => 12,
            Fault::BadContinuation { .. } => 13,
            Fault::BadEffectTableEntry { .. } => 14,
            Fault::StaleHandlerFrame { .. } => 15,
            Fault::BadControlRegister { .. } => 16,
            Fault::SpillRegionBusy => 17,
            Fault::NoDeviceAtTile { .. } => 18,
            Fault::RomWrite { .. } => 19,
            Fault::NocOverflow { .. } => 20,
        }
    }

    /// A short name for the fault, as in trap reports (`tag mismatch`).
    pub const fn title(&self) -> &'static str {
        match self {
            Fault::TagMismatch { .. } => "tag mismatch",
            Fault::UnhandledEffect { .. } => "unhandled effect",
            Fault::ContinuationResumedTwice { .. } => "continuation resumed twice",
            Fault::MatchMissingEntry { .. } => "MATCH has no entry for this index",
            Fault::IllegalInstruction { .. } => "illegal instruction",
            Fault::HeapExhausted { .. } => "heap exhausted",
            Fault::StackOverflow => "stack overflow",
            Fault::StackUnderflow => "stack underflow",
            Fault::HandlerSpillFull => "handler spill region full",
            Fault::UninstallWithoutHandler { .. } => "UNIN without an installed handler",
            Fault::DivideByZero => "division by zero",
            Fault::ReservedTag { .. } => "reserved tag",
            Fault::BadContinuation { .. } => "malformed continuation record",
            Fault::BadEffectTableEntry { .. } => "bad effect table entry",
            Fault::StaleHandlerFrame { .. } => "stale handler frame",
            Fault::BadControlRegister { .. } => "bad control register",
            Fault::SpillRegionBusy => "spill region busy",
            Fault::NoDeviceAtTile { .. } => "no device at tile",
            Fault::RomWrite { .. } => "store into the boot ROM",
            Fault::NocOverflow { .. } => "NoC overflow",
        }
    }

    /// What to do about it, for trap reports.
    pub const fn hint(&self) -> &'static str {
        match self {
            Fault::TagMismatch { .. } => {
                "a value of the wrong type reached this instruction; check how the register was last written (SETTAG sets a tag)"
            }
            Fault::UnhandledEffect { .. } => {
                "install a handler (INST) around the PERF, or bind the effect in the effect table"
            }
            Fault::ContinuationResumedTwice { .. } => {
                "continuations are one-shot: resume each at most once"
            }
            Fault::MatchMissingEntry { .. } => {
                "add a `.table` entry for this index (or handle the case before the MATCH)"
            }
            Fault::IllegalInstruction { .. } => {
                "execution reached data or a reserved encoding; v0.5 extensions trap under --isa v0.4"
            }
            Fault::HeapExhausted { .. } => {
                "the program allocates more than memory holds; free or reuse memory, or allocate less"
            }
            Fault::StackOverflow => "recursion too deep, or a loop that CALLs without RET",
            Fault::StackUnderflow => "RET or LEAVE without a matching CALL or ENTER",
            Fault::HandlerSpillFull => "too many handlers installed at once; UNIN what is no longer needed",
            Fault::UninstallWithoutHandler { .. } => "every UNIN needs a matching INST",
            Fault::DivideByZero => "check the divisor before DIV or REM",
            Fault::ReservedTag { .. } => "tags 6 and 7 are reserved",
            Fault::BadContinuation { .. } => "RESU's operand does not point at a CONT_REC made by PERF",
            Fault::BadEffectTableEntry { .. } => {
                "fix the effect table entry: kinds are 0 Unhandled, 1 Local, 2 Remote (3 LocalTailResumptive in v0.5); the fault effect must be handled locally"
            }
            Fault::StaleHandlerFrame { .. } => {
                "UNIN every handler before the code that installed it returns"
            }
            Fault::BadControlRegister { .. } => {
                "control registers: 0 SP, 1 HP, 2 ETB, 3 CORE (read-only), 4 SPILLBASE, 5 SPILLEND, 6 STACKBASE, 7 GP"
            }
            Fault::SpillRegionBusy => "move the spill region only while no handler frame is spilled",
            Fault::NoDeviceAtTile { .. } => {
                "the effect table routes this effect to a tile where nothing is attached"
            }
            Fault::RomWrite { .. } => "the boot ROM is read-only; the memory map is in docs/soc-decisions.md",
            Fault::NocOverflow { .. } => "the destination stopped draining its packets; a packet was dropped (C.4)",
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.title())?;
        match self {
            Fault::TagMismatch {
                register,
                expected,
                found,
            } => {
                write!(formatter, ": {register} holds {found}, expected {expected}")
            }
            Fault::UnhandledEffect { effect } => write!(formatter, ": {effect}"),
            Fault::ContinuationResumedTwice { address } | Fault::BadContinuation { address } => {
                write!(formatter, ": continuation at {address:#06x}")
            }
            Fault::MatchMissingEntry { index } => write!(formatter, ": index {index}"),
            Fault::IllegalInstruction { word } => write!(formatter, ": word {word:#06x}"),
            Fault::HeapExhausted {
                requested,
                available,
            } => {
                write!(formatter, ": {requested} words requested, {available} free")
            }
            Fault::UninstallWithoutHandler { effect } | Fault::StaleHandlerFrame { effect } => {
                write!(formatter, ": {effect}")
            }
            Fault::ReservedTag { tag } => write!(formatter, ": {tag}"),
            Fault::BadEffectTableEntry { effect, raw } => {
                write!(formatter, ": {effect} holds {raw:#010x}")
            }
            Fault::BadControlRegister { register } => write!(formatter, ": {register}"),
            Fault::NoDeviceAtTile { tile } => write!(formatter, ": {tile:#04x}"),
            Fault::RomWrite { address } => write!(formatter, ": address {address:#06x}"),
            Fault::NocOverflow { tile, op } => write!(
                formatter,
                ": a packet to {tile:#04x}, op {op:#x}, was dropped"
            ),
            _ => Ok(()),
        }
    }
}
