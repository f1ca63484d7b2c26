//! Whatever sits at a tile: the [`Endpoint`] trait, the [`Port`] through
//! which an endpoint reaches the mesh, and the [`Outbox`] devices use to
//! send through backpressure.

use std::collections::VecDeque;

use cml_isa::Packet;

use crate::error::SendError;
use crate::mesh::{Mesh, SendResult};
use crate::tile::TileId;

/// Something at a tile: a device now, a core later. Each cycle the
/// system-on-chip calls [`Endpoint::step`] once, before the mesh moves
/// packets; the endpoint drains its input FIFO and sends through the port.
pub trait Endpoint {
    /// The tile it sits at.
    fn tile(&self) -> TileId;
    /// Runs one cycle.
    fn step(&mut self, port: &mut Port<'_>);
    /// Whether it has nothing left to do on its own: no packet waiting to
    /// be sent, no scripted event still to come. Used to end runs.
    fn is_quiet(&self) -> bool;
}

/// One tile's view of the mesh for one cycle.
pub struct Port<'mesh> {
    mesh: &'mesh mut Mesh,
    tile: TileId,
}

impl<'mesh> Port<'mesh> {
    /// The port of `tile` on `mesh`.
    pub fn new(mesh: &'mesh mut Mesh, tile: TileId) -> Port<'mesh> {
        Port { mesh, tile }
    }

    /// The tile this port belongs to.
    pub fn tile(&self) -> TileId {
        self.tile
    }

    /// The current cycle.
    pub fn cycle(&self) -> u64 {
        self.mesh.cycle()
    }

    /// Takes the oldest packet from the tile's input FIFO.
    pub fn receive(&mut self) -> Option<Packet> {
        self.mesh.receive(self.tile)
    }

    /// The oldest packet in the input FIFO, left in place.
    pub fn peek(&self) -> Option<Packet> {
        self.mesh.peek(self.tile)
    }

    /// How many packets wait in the input FIFO.
    pub fn waiting(&self) -> usize {
        self.mesh.waiting(self.tile)
    }

    /// Sends a packet from this tile. The NoC interface stamps the source:
    /// the packet's `source` field is replaced by this tile.
    pub fn send(&mut self, packet: Packet) -> Result<SendResult, SendError> {
        self.mesh.send(Packet {
            source: self.tile.id(),
            ..packet
        })
    }
}

/// Packets a device has produced and not yet got into the mesh. Each cycle
/// [`Outbox::flush`] offers the oldest one; a refusal leaves it for the
/// next cycle, so a device stalls exactly as a core does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outbox {
    queue: VecDeque<Packet>,
    undeliverable: u64,
    stalled_cycles: u64,
}

impl Outbox {
    /// Queues a packet.
    pub fn push(&mut self, packet: Packet) {
        self.queue.push_back(packet);
    }

    /// Offers the oldest packet to the mesh (at most one per cycle). A
    /// packet to a tile the mesh does not have is discarded and counted.
    pub fn flush(&mut self, port: &mut Port<'_>) {
        let Some(&packet) = self.queue.front() else {
            return;
        };
        match port.send(packet) {
            Ok(SendResult::Accepted) => {
                self.queue.pop_front();
            }
            Ok(SendResult::Stalled) => self.stalled_cycles += 1,
            Err(_) => {
                self.queue.pop_front();
                self.undeliverable += 1;
            }
        }
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// How many packets wait.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether a packet with this op waits.
    pub fn holds_op(&self, op: u8) -> bool {
        self.queue.iter().any(|packet| packet.op == op)
    }

    /// Packets discarded because their destination is not on the mesh.
    pub fn undeliverable(&self) -> u64 {
        self.undeliverable
    }

    /// Cycles the oldest packet was refused.
    pub fn stalled_cycles(&self) -> u64 {
        self.stalled_cycles
    }
}

/// A packet to a device or core, as a device builds it (source stamped by
/// the port).
pub(crate) fn packet_to(destination: TileId, op: u8, payload: u32) -> Packet {
    Packet {
        destination: destination.id(),
        source: 0,
        op,
        flags: 0,
        payload,
    }
}
