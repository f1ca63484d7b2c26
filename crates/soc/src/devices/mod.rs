//! The devices of Appendix C.3, each a pure state machine at its tile:
//! packets in through its input FIFO, packets out through an [`Outbox`],
//! host data in and out through in-memory buffers the caller fills and
//! empties. Each device takes at most one packet from its FIFO per cycle,
//! then does its timed work, then offers at most one packet to the mesh.

mod disk;
mod keyboard;
mod network;
mod timer;
mod uart;

use cml_isa::Packet;

pub use disk::{Disk, DiskFailure, DEFAULT_SECTOR_BYTES};
pub use keyboard::{KeyEvent, Keyboard, Modifier, RELEASE_BIT};
pub use network::NetworkInterface;
pub use timer::Timer;
pub use uart::{Parity, Uart, UartConfig};

use crate::endpoint::{packet_to, Endpoint, Outbox, Port};
use crate::protocol::{IdentifyReply, OP_IDENTIFY};
use crate::tile::TileId;

/// Packets a device did not understand: an unknown op, or a payload its
/// op does not accept. They are counted, never fatal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RejectedPackets {
    /// How many.
    pub count: u64,
    /// The most recent one.
    pub last: Option<Packet>,
}

impl RejectedPackets {
    pub(crate) fn reject(&mut self, packet: Packet) {
        self.count += 1;
        self.last = Some(packet);
    }
}

/// Any device of C.3.
#[derive(Clone, Debug)]
pub enum Device {
    /// A UART.
    Uart(Uart),
    /// A keyboard interface device.
    Keyboard(Keyboard),
    /// A timer.
    Timer(Timer),
    /// A disk controller.
    Disk(Disk),
    /// A network interface.
    NetworkInterface(NetworkInterface),
}

impl Device {
    /// The payload the device answers Identify with (C.6).
    pub fn identify(&self) -> IdentifyReply {
        match self {
            Device::Uart(device) => device.identify(),
            Device::Keyboard(device) => device.identify(),
            Device::Timer(device) => device.identify(),
            Device::Disk(device) => device.identify(),
            Device::NetworkInterface(device) => device.identify(),
        }
    }

    /// The packets the device rejected.
    pub fn rejected(&self) -> RejectedPackets {
        match self {
            Device::Uart(device) => device.rejected,
            Device::Keyboard(device) => device.rejected,
            Device::Timer(device) => device.rejected,
            Device::Disk(device) => device.rejected,
            Device::NetworkInterface(device) => device.rejected,
        }
    }

    /// The device's outbox.
    pub fn outbox(&self) -> &Outbox {
        match self {
            Device::Uart(device) => &device.outbox,
            Device::Keyboard(device) => &device.outbox,
            Device::Timer(device) => &device.outbox,
            Device::Disk(device) => &device.outbox,
            Device::NetworkInterface(device) => &device.outbox,
        }
    }
}

impl Device {
    /// The first cycle from `now` on at which stepping the device (with
    /// an empty input FIFO) does anything: `now` when it has a packet to
    /// send or untimed work, the due cycle of its timed work, or `None`.
    pub(crate) fn next_event_cycle(&self, now: u64) -> Option<u64> {
        if !self.outbox().is_empty() {
            return Some(now);
        }
        match self {
            Device::Uart(device) => device.next_receive().map(|due| due.max(now)),
            Device::Keyboard(device) => device.next_event().map(|due| due.max(now)),
            Device::Timer(device) => device.next_tick().map(|due| due.max(now)),
            Device::Disk(_) => None,
            Device::NetworkInterface(device) => {
                (device.bound.is_some() && device.has_incoming()).then_some(now)
            }
        }
    }
}

impl Endpoint for Device {
    fn tile(&self) -> TileId {
        match self {
            Device::Uart(device) => device.tile,
            Device::Keyboard(device) => device.tile,
            Device::Timer(device) => device.tile,
            Device::Disk(device) => device.tile,
            Device::NetworkInterface(device) => device.tile,
        }
    }

    fn step(&mut self, port: &mut Port<'_>) {
        let cycle = port.cycle();
        let arrived = port.receive();
        match self {
            Device::Uart(device) => {
                if let Some(packet) = arrived {
                    device.handle(packet);
                }
                device.advance(cycle);
                device.outbox.flush(port);
            }
            Device::Keyboard(device) => {
                if let Some(packet) = arrived {
                    device.handle(packet);
                }
                device.advance(cycle);
                device.outbox.flush(port);
            }
            Device::Timer(device) => {
                if let Some(packet) = arrived {
                    device.handle(packet, cycle);
                }
                device.advance(cycle);
                device.outbox.flush(port);
            }
            Device::Disk(device) => {
                if let Some(packet) = arrived {
                    device.handle(packet);
                }
                device.outbox.flush(port);
            }
            Device::NetworkInterface(device) => {
                if let Some(packet) = arrived {
                    device.handle(packet);
                }
                device.advance();
                device.outbox.flush(port);
            }
        }
    }

    fn is_quiet(&self) -> bool {
        let pending = match self {
            Device::Uart(device) => device.bound.is_some() && device.has_input(),
            Device::Keyboard(device) => device.has_script(),
            Device::Timer(device) => device.is_counting(),
            Device::Disk(_) => false,
            Device::NetworkInterface(device) => device.bound.is_some() && device.has_incoming(),
        };
        !pending && self.outbox().is_empty()
    }
}

/// Answers Identify: queues the reply to the asking tile. Returns whether
/// the packet was an Identify.
pub(crate) fn answer_identify(packet: Packet, reply: IdentifyReply, outbox: &mut Outbox) -> bool {
    if packet.op != OP_IDENTIFY {
        return false;
    }
    outbox.push(packet_to(
        TileId::from_packet_field(packet.source),
        OP_IDENTIFY,
        reply.encode(),
    ));
    true
}

/// The core a bind payload names: core IDs 0 to 7 (C.2), anything else is
/// not a core.
pub(crate) fn core_from_payload(payload: u32) -> Option<TileId> {
    (payload < 8).then(|| TileId::core(payload as u8))
}
