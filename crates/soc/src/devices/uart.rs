//! The UART (C.3): transmits bytes to a host-output buffer, delivers bytes
//! from a scripted input list, keeps a configuration and reports status.

use std::collections::VecDeque;

use cml_isa::Packet;

use super::{answer_identify, RejectedPackets};
use crate::endpoint::{packet_to, Outbox};
use crate::protocol::{uart, DeviceKind, IdentifyReply};
use crate::tile::TileId;

/// Parity, as the configuration word sets it (bits 12-13).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Parity {
    /// 0: no parity bit.
    #[default]
    None,
    /// 1: odd parity.
    Odd,
    /// 2: even parity.
    Even,
}

/// The UART's line settings. In the emulator both ends of the line are
/// ideal, so parity and stop bits are kept and reported but change
/// nothing; the character time paces received bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UartConfig {
    /// Cycles between received bytes (bits 0-11 of the word; 0 reads as 1).
    pub cycles_per_character: u16,
    /// Parity (bits 12-13; 3 is invalid).
    pub parity: Parity,
    /// Two stop bits instead of one (bit 14).
    pub two_stop_bits: bool,
}

impl Default for UartConfig {
    fn default() -> UartConfig {
        UartConfig {
            cycles_per_character: 1,
            parity: Parity::None,
            two_stop_bits: false,
        }
    }
}

impl UartConfig {
    /// The settings a configuration word holds, or `None` for parity 3.
    pub fn decode(word: u32) -> Option<UartConfig> {
        let parity = match (word >> 12) & 3 {
            0 => Parity::None,
            1 => Parity::Odd,
            2 => Parity::Even,
            _ => return None,
        };
        Some(UartConfig {
            cycles_per_character: ((word & 0xFFF) as u16).max(1),
            parity,
            two_stop_bits: word & (1 << 14) != 0,
        })
    }
}

/// Status word bit: scripted input bytes are still to be received.
pub const STATUS_RECEIVE_PENDING: u32 = 1 << 0;
/// Status word bit: the last configuration word was invalid (parity 3).
pub const STATUS_CONFIGURATION_ERROR: u32 = 1 << 2;
/// Status word bit: the receiver is bound to a core.
pub const STATUS_BOUND: u32 = 1 << 3;

/// A UART at tiles 0x10-0x17.
#[derive(Clone, Debug)]
pub struct Uart {
    pub(crate) tile: TileId,
    pub(crate) outbox: Outbox,
    pub(crate) rejected: RejectedPackets,
    pub(crate) bound: Option<TileId>,
    output: Vec<u8>,
    input: VecDeque<u8>,
    config: UartConfig,
    configuration_error: bool,
    next_receive_cycle: u64,
}

impl Uart {
    /// UART `index` (0 to 7), at tile 0x10 + index, with no input.
    pub fn new(index: u8) -> Uart {
        Uart {
            tile: TileId::uart(index),
            outbox: Outbox::default(),
            rejected: RejectedPackets::default(),
            bound: None,
            output: Vec::new(),
            input: VecDeque::new(),
            config: UartConfig::default(),
            configuration_error: false,
            next_receive_cycle: 0,
        }
    }

    /// Adds bytes to the scripted input, to be received after those
    /// already there.
    pub fn push_input(&mut self, bytes: &[u8]) {
        self.input.extend(bytes);
    }

    /// The bytes transmitted so far, not yet taken.
    pub fn output(&self) -> &[u8] {
        &self.output
    }

    /// Takes the transmitted bytes.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.output)
    }

    /// The current line settings.
    pub fn config(&self) -> UartConfig {
        self.config
    }

    /// The core received bytes go to (set by the last configure).
    pub fn bound_core(&self) -> Option<TileId> {
        self.bound
    }

    /// The Identify payload: kind 0x01, version 1, capabilities bit 0
    /// transmit, bit 1 receive, bit 2 configurable.
    pub fn identify(&self) -> IdentifyReply {
        IdentifyReply {
            kind: DeviceKind::Uart,
            version: 1,
            capabilities: 0b111,
        }
    }

    /// The status word.
    pub fn status(&self) -> u32 {
        let mut status = 0;
        if !self.input.is_empty() {
            status |= STATUS_RECEIVE_PENDING;
        }
        if self.configuration_error {
            status |= STATUS_CONFIGURATION_ERROR;
        }
        if self.bound.is_some() {
            status |= STATUS_BOUND;
        }
        status
    }

    pub(crate) fn has_input(&self) -> bool {
        !self.input.is_empty()
    }

    /// When `advance` next moves an input byte out, if it ever will.
    pub(crate) fn next_receive(&self) -> Option<u64> {
        (self.bound.is_some() && self.has_input()).then_some(self.next_receive_cycle)
    }

    pub(crate) fn handle(&mut self, packet: Packet) {
        if answer_identify(packet, self.identify(), &mut self.outbox) {
            return;
        }
        let source = TileId::from_packet_field(packet.source);
        match packet.op {
            uart::TRANSMIT => self.output.push(packet.payload as u8),
            uart::CONFIGURE => match UartConfig::decode(packet.payload) {
                Some(config) => {
                    self.config = config;
                    self.configuration_error = false;
                    self.bound = Some(source);
                }
                None => {
                    self.configuration_error = true;
                    self.rejected.reject(packet);
                }
            },
            uart::STATUS => self
                .outbox
                .push(packet_to(source, uart::STATUS, self.status())),
            _ => self.rejected.reject(packet),
        }
    }

    /// Receives the next scripted byte when the character time has passed
    /// and the previous byte has left the outbox.
    pub(crate) fn advance(&mut self, cycle: u64) {
        let Some(core) = self.bound else { return };
        if cycle < self.next_receive_cycle || self.outbox.holds_op(uart::RECEIVED) {
            return;
        }
        if let Some(byte) = self.input.pop_front() {
            self.outbox
                .push(packet_to(core, uart::RECEIVED, u32::from(byte)));
            self.next_receive_cycle = cycle + u64::from(self.config.cycles_per_character);
        }
    }
}
