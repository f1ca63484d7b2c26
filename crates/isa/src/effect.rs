//! Effects as the hardware sees them: the (family, op) name of an
//! operation (§3), the 32-bit effect-table entry (Appendix C.5) and the
//! 64-bit NoC packet a remote PERF emits (§13, Appendix C.1).

use std::fmt;

/// An effect operation's hardware name: a 4-bit family and a 4-bit op.
///
/// Invariant: both parts are below 16.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EffectId {
    family: u8,
    op: u8,
}

impl EffectId {
    /// The hardware fault effect (§17's proposal, adopted): family 0xF,
    /// op 0, with a fault code as the argument.
    pub const FAULT: EffectId = EffectId { family: 0xF, op: 0 };

    /// The effect with this family and op (each masked to four bits).
    pub const fn new(family: u8, op: u8) -> EffectId {
        EffectId {
            family: family & 15,
            op: op & 15,
        }
    }

    /// The effect with this 8-bit index (family in the high nibble).
    pub const fn from_index(index: u8) -> EffectId {
        EffectId {
            family: index >> 4,
            op: index & 15,
        }
    }

    /// The family, 0 to 15.
    pub const fn family(self) -> u8 {
        self.family
    }

    /// The op within the family, 0 to 15.
    pub const fn op(self) -> u8 {
        self.op
    }

    /// The effect's index in the 256-entry effect table.
    pub const fn index(self) -> usize {
        (self.family as usize) * 16 + self.op as usize
    }
}

impl fmt::Display for EffectId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "({:#x}, {})", self.family, self.op)
    }
}

/// One entry of the effect table (Appendix C.5), 32 bits held in two
/// memory words, high half first:
///
/// ```text
///  31       28 27    26 25  20 19         0
///  |---------|------|------|------------|
///  |   tag   | rsvd | op2  |    addr    |
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EffectTableEntry {
    /// Tag 0: performing the effect traps.
    Unhandled,
    /// Tag 1: dispatch locally to this handler pc when no installed handler
    /// matches, capturing a continuation.
    Local {
        /// The handler's code address.
        handler_pc: u16,
    },
    /// Tag 2: emit a NoC packet to `destination_tile` with op `device_op`.
    Remote {
        /// The destination tile (low 8 bits of addr).
        destination_tile: u8,
        /// The device op code (op2).
        device_op: u8,
    },
    /// Tag 3 (ISA v0.5 extension): dispatch locally to a tail-resumptive
    /// handler at this pc, without capturing (see `docs/isa-decisions.md`).
    LocalTailResumptive {
        /// The handler's code address.
        handler_pc: u16,
    },
    /// Tags 4..=15: not defined; performing the effect faults.
    Invalid {
        /// The raw 32-bit entry.
        raw: u32,
    },
}

impl EffectTableEntry {
    /// The entry's 32-bit encoding.
    pub const fn encode(self) -> u32 {
        match self {
            EffectTableEntry::Unhandled => 0,
            EffectTableEntry::Local { handler_pc } => (1 << 28) | handler_pc as u32,
            EffectTableEntry::Remote {
                destination_tile,
                device_op,
            } => (2 << 28) | (((device_op & 0x3F) as u32) << 20) | destination_tile as u32,
            EffectTableEntry::LocalTailResumptive { handler_pc } => (3 << 28) | handler_pc as u32,
            EffectTableEntry::Invalid { raw } => raw,
        }
    }

    /// The entry a 32-bit word holds. Bits the variant does not use are
    /// ignored, as C.5's "(ignored)" says.
    pub const fn decode(raw: u32) -> EffectTableEntry {
        match raw >> 28 {
            0 => EffectTableEntry::Unhandled,
            1 => EffectTableEntry::Local {
                handler_pc: raw as u16,
            },
            2 => EffectTableEntry::Remote {
                destination_tile: raw as u8,
                device_op: ((raw >> 20) & 0x3F) as u8,
            },
            3 => EffectTableEntry::LocalTailResumptive {
                handler_pc: raw as u16,
            },
            _ => EffectTableEntry::Invalid { raw },
        }
    }

    /// The two memory words of the entry, high half first.
    pub const fn to_words(self) -> [u16; 2] {
        let raw = self.encode();
        [(raw >> 16) as u16, raw as u16]
    }

    /// The entry held by two memory words, high half first.
    pub const fn from_words(high: u16, low: u16) -> EffectTableEntry {
        EffectTableEntry::decode(((high as u32) << 16) | low as u32)
    }
}

/// A 64-bit NoC packet (§13):
///
/// ```text
/// [63:58] dst  [57:52] src  [51:48] op  [47:44] flags  [43:12] payload  [11:0] reserved
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Packet {
    /// Destination tile, 6 bits.
    pub destination: u8,
    /// Source tile, 6 bits.
    pub source: u8,
    /// Operation code, 4 bits, meaningful to the destination.
    pub op: u8,
    /// Flags, 4 bits (priority, ack; none defined yet).
    pub flags: u8,
    /// Payload, 32 bits.
    pub payload: u32,
}

impl Packet {
    /// The packet's 64 bits. Fields wider than their slot are truncated.
    pub const fn encode(self) -> u64 {
        (((self.destination & 0x3F) as u64) << 58)
            | (((self.source & 0x3F) as u64) << 52)
            | (((self.op & 15) as u64) << 48)
            | (((self.flags & 15) as u64) << 44)
            | ((self.payload as u64) << 12)
    }

    /// The packet held by 64 bits (the 12 reserved bits are ignored).
    pub const fn decode(bits: u64) -> Packet {
        Packet {
            destination: ((bits >> 58) & 0x3F) as u8,
            source: ((bits >> 52) & 0x3F) as u8,
            op: ((bits >> 48) & 15) as u8,
            flags: ((bits >> 44) & 15) as u8,
            payload: (bits >> 12) as u32,
        }
    }
}

impl fmt::Display for Packet {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "packet {:#018x} (dst {:#04x}, src {:#04x}, op {:#x}, flags {:#x}, payload {:#010x})",
            self.encode(),
            self.destination,
            self.source,
            self.op,
            self.flags,
            self.payload
        )
    }
}
