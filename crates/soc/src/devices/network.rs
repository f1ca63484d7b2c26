//! The network interface: frames from an in-memory incoming queue become
//! received-byte packets to the bound core; bytes a core sends build
//! frames that go to an in-memory transmitted queue.

use std::collections::VecDeque;

use cml_isa::Packet;

use super::{answer_identify, core_from_payload, RejectedPackets};
use crate::endpoint::{packet_to, Outbox};
use crate::error::DeviceError;
use crate::protocol::{network, DeviceKind, IdentifyReply};
use crate::tile::TileId;

/// Received-byte payload bit: this byte ends its frame.
pub const LAST_BYTE_BIT: u32 = 1 << 8;

/// A network interface at tiles 0x30-0x37.
///
/// Received frames are delivered one byte per packet, at most one byte
/// waiting in the outbox at a time (the receive register), only once a core
/// is bound; until then frames wait in the incoming queue.
#[derive(Clone, Debug)]
pub struct NetworkInterface {
    pub(crate) tile: TileId,
    pub(crate) outbox: Outbox,
    pub(crate) rejected: RejectedPackets,
    pub(crate) bound: Option<TileId>,
    incoming: VecDeque<Vec<u8>>,
    receiving: VecDeque<u8>,
    building: Vec<u8>,
    transmitted: Vec<Vec<u8>>,
}

impl NetworkInterface {
    /// Network interface `index` (0 to 7), at tile 0x30 + index, unbound,
    /// with empty queues.
    pub fn new(index: u8) -> NetworkInterface {
        NetworkInterface {
            tile: TileId::network_interface(index),
            outbox: Outbox::default(),
            rejected: RejectedPackets::default(),
            bound: None,
            incoming: VecDeque::new(),
            receiving: VecDeque::new(),
            building: Vec::new(),
            transmitted: Vec::new(),
        }
    }

    /// Queues a frame from the network, after those already queued.
    pub fn push_incoming(&mut self, frame: Vec<u8>) -> Result<(), DeviceError> {
        if frame.is_empty() {
            return Err(DeviceError::EmptyFrame);
        }
        self.incoming.push_back(frame);
        Ok(())
    }

    /// The frames transmitted so far, not yet taken.
    pub fn transmitted(&self) -> &[Vec<u8>] {
        &self.transmitted
    }

    /// Takes the transmitted frames.
    pub fn take_transmitted(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.transmitted)
    }

    /// The core received frames go to.
    pub fn bound_core(&self) -> Option<TileId> {
        self.bound
    }

    /// The Identify payload: kind 0x05, version 1, capabilities bit 0
    /// transmit, bit 1 receive.
    pub fn identify(&self) -> IdentifyReply {
        IdentifyReply {
            kind: DeviceKind::NetworkInterface,
            version: 1,
            capabilities: 0b11,
        }
    }

    /// The status word: bits 0-7 frames waiting to be received (at most
    /// 255), bit 8 a frame is being received, bit 9 a transmit frame is
    /// open, bit 10 a core is bound.
    pub fn status(&self) -> u32 {
        let waiting = self.incoming.len().min(255) as u32;
        waiting
            | (u32::from(!self.receiving.is_empty()) << 8)
            | (u32::from(!self.building.is_empty()) << 9)
            | (u32::from(self.bound.is_some()) << 10)
    }

    pub(crate) fn has_incoming(&self) -> bool {
        !self.incoming.is_empty() || !self.receiving.is_empty()
    }

    pub(crate) fn handle(&mut self, packet: Packet) {
        if answer_identify(packet, self.identify(), &mut self.outbox) {
            return;
        }
        let source = TileId::from_packet_field(packet.source);
        match packet.op {
            network::TRANSMIT_BYTE => self.building.push(packet.payload as u8),
            network::TRANSMIT_END => {
                if self.building.is_empty() {
                    self.rejected.reject(packet);
                } else {
                    self.transmitted.push(std::mem::take(&mut self.building));
                }
            }
            network::BIND => match core_from_payload(packet.payload) {
                Some(core) => self.bound = Some(core),
                None => self.rejected.reject(packet),
            },
            network::STATUS => self
                .outbox
                .push(packet_to(source, network::STATUS, self.status())),
            _ => self.rejected.reject(packet),
        }
    }

    /// Moves the next received byte into the outbox when the previous one
    /// has left.
    pub(crate) fn advance(&mut self) {
        let Some(core) = self.bound else { return };
        if self.outbox.holds_op(network::RECEIVED) {
            return;
        }
        if self.receiving.is_empty() {
            match self.incoming.pop_front() {
                Some(frame) => self.receiving = frame.into(),
                None => return,
            }
        }
        if let Some(byte) = self.receiving.pop_front() {
            let last = if self.receiving.is_empty() {
                LAST_BYTE_BIT
            } else {
                0
            };
            self.outbox
                .push(packet_to(core, network::RECEIVED, u32::from(byte) | last));
        }
    }
}
