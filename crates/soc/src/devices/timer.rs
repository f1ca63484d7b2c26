//! The timer (C.3): a countdown that reloads itself and sends a tick to the
//! bound core each time it reaches zero.

use cml_isa::Packet;

use super::{answer_identify, core_from_payload, RejectedPackets};
use crate::endpoint::{packet_to, Outbox};
use crate::protocol::{timer, DeviceKind, IdentifyReply};
use crate::tile::TileId;

/// A timer at tiles 0x20-0x27.
///
/// It counts while it is enabled and its reload value is not zero: enabling
/// it, or setting the reload value while it is enabled, at cycle `c` with
/// reload `r` makes it fire at `c + r`, `c + 2r`, and so on. A tick goes to
/// the bound core with the core's ID as payload; a tick that finds the
/// previous one still in the outbox, or no core bound, is not sent and is
/// counted as missed (ticks coalesce, as an interrupt line does).
#[derive(Clone, Debug)]
pub struct Timer {
    pub(crate) tile: TileId,
    pub(crate) outbox: Outbox,
    pub(crate) rejected: RejectedPackets,
    bound: Option<TileId>,
    reload: u32,
    enabled: bool,
    next_tick: Option<u64>,
    fired: u64,
    missed: u64,
}

impl Timer {
    /// Timer `index` (0 to 7), at tile 0x20 + index: disabled, reload 0,
    /// unbound.
    pub fn new(index: u8) -> Timer {
        Timer {
            tile: TileId::timer(index),
            outbox: Outbox::default(),
            rejected: RejectedPackets::default(),
            bound: None,
            reload: 0,
            enabled: false,
            next_tick: None,
            fired: 0,
            missed: 0,
        }
    }

    /// The Identify payload: kind 0x03, version 1, capabilities bit 0
    /// periodic reload, bit 1 maskable.
    pub fn identify(&self) -> IdentifyReply {
        IdentifyReply {
            kind: DeviceKind::Timer,
            version: 1,
            capabilities: 0b11,
        }
    }

    /// The core ticks go to.
    pub fn bound_core(&self) -> Option<TileId> {
        self.bound
    }

    /// The cycle of the next tick, if it is counting.
    pub fn next_tick(&self) -> Option<u64> {
        self.next_tick
    }

    /// Ticks sent.
    pub fn fired(&self) -> u64 {
        self.fired
    }

    /// Ticks that came due but were not sent.
    pub fn missed(&self) -> u64 {
        self.missed
    }

    /// Whether it will tick again by itself.
    pub(crate) fn is_counting(&self) -> bool {
        self.next_tick.is_some() && self.bound.is_some()
    }

    pub(crate) fn handle(&mut self, packet: Packet, cycle: u64) {
        if answer_identify(packet, self.identify(), &mut self.outbox) {
            return;
        }
        match packet.op {
            timer::RELOAD => {
                self.reload = packet.payload;
                self.restart(cycle);
            }
            timer::ENABLE => {
                self.enabled = packet.payload != 0;
                self.restart(cycle);
            }
            timer::BIND => match core_from_payload(packet.payload) {
                Some(core) => self.bound = Some(core),
                None => self.rejected.reject(packet),
            },
            _ => self.rejected.reject(packet),
        }
    }

    fn restart(&mut self, cycle: u64) {
        self.next_tick = (self.enabled && self.reload != 0).then(|| cycle + u64::from(self.reload));
    }

    /// Fires when the countdown reaches zero.
    pub(crate) fn advance(&mut self, cycle: u64) {
        let Some(due) = self.next_tick else { return };
        if cycle < due {
            return;
        }
        self.next_tick = Some(due + u64::from(self.reload));
        match self.bound {
            Some(core) if !self.outbox.holds_op(timer::TICK) => {
                self.outbox
                    .push(packet_to(core, timer::TICK, u32::from(core.id())));
                self.fired += 1;
            }
            _ => self.missed += 1,
        }
    }
}
