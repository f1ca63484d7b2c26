//! What `--trace` shows: one record per issued instruction.

use cml_isa::{EffectId, Packet, Register};

use crate::fault::Fault;
use crate::value::Value;

/// One issued instruction and what it did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceRecord {
    /// The cycle count before it issued.
    pub cycle: u64,
    /// Its address.
    pub pc: u16,
    /// Its word and the next (for disassembly).
    pub words: [u16; 2],
    /// Registers whose contents changed, with their new contents.
    pub registers_written: Vec<(Register, Value)>,
    /// Effects dispatched, continuations resumed, handlers installed.
    pub events: Vec<Event>,
}

/// How a PERF was dispatched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dispatch {
    /// To a local handler, with a continuation captured.
    Captured {
        /// The handler's address.
        handler_pc: u16,
        /// The CONT_REC's address (the CONT value).
        continuation: u16,
    },
    /// To a tail-resumptive handler, called without capturing.
    TailResumptive {
        /// The handler's address.
        handler_pc: u16,
    },
    /// As a NoC packet.
    Remote {
        /// The packet.
        packet: Packet,
    },
}

/// Something the handler machinery did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// PERF (or a fault) performed an effect.
    Performed {
        /// The effect.
        effect: EffectId,
        /// Its argument.
        argument: Value,
        /// Where it went.
        dispatch: Dispatch,
    },
    /// RESU or RESUS resumed a continuation.
    Resumed {
        /// The CONT_REC's address.
        continuation: u16,
        /// Whether it was RESUS.
        shallow: bool,
    },
    /// INST or INSTT installed a handler.
    Installed {
        /// The effect.
        effect: EffectId,
        /// The frame's install-ID.
        install_id: u16,
        /// The handler's address.
        handler_pc: u16,
    },
    /// UNIN removed a handler.
    Uninstalled {
        /// The effect.
        effect: EffectId,
        /// The removed frame's install-ID.
        install_id: u16,
    },
    /// A fault was raised and is being delivered as effect (0xF, 0).
    FaultRaised {
        /// The fault.
        fault: Fault,
    },
}
