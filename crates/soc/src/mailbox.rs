//! A scripted stand-in for a core, for tests and tools: it sends packets at
//! given cycles (stalling and retrying like a PERF) and records every
//! packet it drains.

use std::collections::VecDeque;

use cml_isa::Packet;

use crate::endpoint::{Endpoint, Port};
use crate::mesh::SendResult;
use crate::tile::TileId;

/// A packet a [`Mailbox`] is to send, and the first cycle it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScriptedSend {
    /// The earliest cycle to send it.
    pub at_cycle: u64,
    /// The packet (its source is stamped by the port).
    pub packet: Packet,
}

/// A packet a [`Mailbox`] drained, with the cycle it drained it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Received {
    /// The cycle it was taken from the FIFO.
    pub cycle: u64,
    /// The packet.
    pub packet: Packet,
}

/// A scripted endpoint. Each cycle it drains its input FIFO (up to
/// `drain_per_cycle` packets, if the cycle is at or after `drain_from`)
/// and offers the next scripted packet whose time has come; a refused send
/// is offered again next cycle, and later sends wait behind it, as a
/// stalled PERF holds back the instructions after it.
#[derive(Clone, Debug)]
pub struct Mailbox {
    tile: TileId,
    script: VecDeque<ScriptedSend>,
    received: Vec<Received>,
    drain_per_cycle: usize,
    drain_from: Option<u64>,
    stalled_cycles: u64,
    errors: u64,
    sent: Vec<(u64, Packet)>,
}

impl Mailbox {
    /// A mailbox at `tile` that drains one packet per cycle.
    pub fn new(tile: TileId) -> Mailbox {
        Mailbox {
            tile,
            script: VecDeque::new(),
            received: Vec::new(),
            drain_per_cycle: 1,
            drain_from: Some(0),
            stalled_cycles: 0,
            errors: 0,
            sent: Vec::new(),
        }
    }

    /// Adds a packet to send at or after `at_cycle` (after every packet
    /// already scripted).
    pub fn send_at(&mut self, at_cycle: u64, destination: TileId, op: u8, payload: u32) {
        self.script.push_back(ScriptedSend {
            at_cycle,
            packet: Packet {
                destination: destination.id(),
                source: self.tile.id(),
                op,
                flags: 0,
                payload,
            },
        });
    }

    /// Drains up to this many packets per cycle (0: never drains).
    pub fn set_drain_per_cycle(&mut self, count: usize) {
        self.drain_per_cycle = count;
    }

    /// Drains only from this cycle on (`None`: never).
    pub fn set_drain_from(&mut self, cycle: Option<u64>) {
        self.drain_from = cycle;
    }

    /// Every packet drained so far.
    pub fn received(&self) -> &[Received] {
        &self.received
    }

    /// Every packet sent so far, with the cycle the mesh accepted it.
    pub fn sent(&self) -> &[(u64, Packet)] {
        &self.sent
    }

    /// Cycles a send was refused.
    pub fn stalled_cycles(&self) -> u64 {
        self.stalled_cycles
    }

    /// Sends the mesh rejected outright (no such tile).
    pub fn errors(&self) -> u64 {
        self.errors
    }
}

impl Endpoint for Mailbox {
    fn tile(&self) -> TileId {
        self.tile
    }

    fn step(&mut self, port: &mut Port<'_>) {
        let cycle = port.cycle();
        if self.drain_from.is_some_and(|from| cycle >= from) {
            for _ in 0..self.drain_per_cycle {
                let Some(packet) = port.receive() else { break };
                self.received.push(Received { cycle, packet });
            }
        }
        if let Some(next) = self.script.front().copied() {
            if next.at_cycle <= cycle {
                match port.send(next.packet) {
                    Ok(SendResult::Accepted) => {
                        self.script.pop_front();
                        self.sent.push((cycle, next.packet));
                    }
                    Ok(SendResult::Stalled) => self.stalled_cycles += 1,
                    Err(_) => {
                        self.script.pop_front();
                        self.errors += 1;
                    }
                }
            }
        }
    }

    fn is_quiet(&self) -> bool {
        self.script.is_empty()
    }
}
