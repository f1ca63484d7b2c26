//! The device protocols of Appendix C.3 as data: every op code of every
//! kind of tile with its name, the Identify reply of C.6, and a packet
//! decoder for traces. Where C.3 is silent (the disk and network
//! interface have no table, the "release signal" op 0x06 of C.8 is
//! missing), the ops are the project's; `docs/soc-decisions.md` gives the
//! reasons.

use std::fmt;

use cml_isa::Packet;

use crate::tile::{tile_name, TileId, TileKind};

/// Identify (op 0x0F), which every device and core answers (C.3, C.6).
pub const OP_IDENTIFY: u8 = 0x0F;

/// UART op codes (C.3).
pub mod uart {
    /// core→UART: transmit the payload's low byte.
    pub const TRANSMIT: u8 = 0x01;
    /// UART→core: a received byte in the payload's low byte.
    pub const RECEIVED: u8 = 0x02;
    /// core→UART: configure (see `docs/soc-decisions.md` for the word);
    /// also binds received bytes to the configuring core.
    pub const CONFIGURE: u8 = 0x03;
    /// core→UART: status request; UART→core: status report.
    pub const STATUS: u8 = 0x04;
}

/// Keyboard interface device op codes (C.3).
pub mod keyboard {
    /// KID→core: a key event, the scancode with bit 7 set on release.
    pub const KEY_EVENT: u8 = 0x01;
    /// core→KID: bind future key events to the core in the payload.
    pub const BIND: u8 = 0x02;
    /// core→KID: request the modifier state; KID→core: the reply.
    pub const MODIFIERS: u8 = 0x03;
}

/// Timer op codes (C.3).
pub mod timer {
    /// core→timer: set the countdown reload value.
    pub const RELOAD: u8 = 0x01;
    /// core→timer: enable (payload non-zero) or disable the tick.
    pub const ENABLE: u8 = 0x02;
    /// timer→core: tick fired, payload the bound core's ID.
    pub const TICK: u8 = 0x03;
    /// core→timer: bind future ticks to the core in the payload.
    pub const BIND: u8 = 0x04;
}

/// Disk controller op codes (the project's; C.3 has no table).
pub mod disk {
    /// core→disk: select the sector for the next read or write.
    pub const SELECT_SECTOR: u8 = 0x01;
    /// core→disk: read the selected sector; payload the continuation
    /// handle to carry back.
    pub const READ: u8 = 0x02;
    /// disk→core: one 16-bit word of the sector being read (bits 0-15),
    /// with its index in the sector in bits 16-31.
    pub const DATA: u8 = 0x03;
    /// core→disk: append one 16-bit word to the write buffer.
    pub const WRITE_DATA: u8 = 0x04;
    /// core→disk: write the buffer to the selected sector; payload the
    /// continuation handle to carry back.
    pub const WRITE: u8 = 0x05;
    /// disk→core: the read or write finished; payload the request's
    /// continuation handle.
    pub const DONE: u8 = 0x06;
    /// disk→core: the read or write failed; payload the request's
    /// continuation handle (bits 0-15) and an error code (bits 16-23).
    pub const FAILED: u8 = 0x07;
    /// core→disk: status request; disk→core: the sector count.
    pub const STATUS: u8 = 0x08;
}

/// Network interface op codes (the project's; C.3 has no table).
pub mod network {
    /// core→NIC: append the payload's low byte to the frame being built.
    pub const TRANSMIT_BYTE: u8 = 0x01;
    /// core→NIC: end the frame being built and send it.
    pub const TRANSMIT_END: u8 = 0x02;
    /// NIC→core: a received byte (bits 0-7), bit 8 set on a frame's last.
    pub const RECEIVED: u8 = 0x03;
    /// core→NIC: bind received frames to the core in the payload.
    pub const BIND: u8 = 0x04;
    /// core→NIC: status request; NIC→core: the status word.
    pub const STATUS: u8 = 0x05;
}

/// Inter-core op codes (C.3, and 0x06 from C.8).
pub mod inter_core {
    /// Migrate a process: payload a continuation handle.
    pub const MIGRATE: u8 = 0x01;
    /// Steal request: payload a request ID.
    pub const STEAL_REQUEST: u8 = 0x02;
    /// Steal reply: payload a continuation handle or null.
    pub const STEAL_REPLY: u8 = 0x03;
    /// A generic IPC message.
    pub const MESSAGE: u8 = 0x04;
    /// A barrier signal: payload a barrier ID.
    pub const BARRIER: u8 = 0x05;
    /// The release signal of C.8 step 4: core 0 lets a waiting core start
    /// its kernel. Payload: reserved, zero.
    pub const RELEASE: u8 = 0x06;
}

/// Which way a packet travels relative to the device whose protocol gives
/// its op meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Towards {
    /// From a core to the device (a request).
    Device,
    /// From the device to a core (an event or a reply).
    Core,
}

/// The name of an op in the protocol of a tile of this kind, in the given
/// direction.
pub fn op_name(kind: TileKind, op: u8, towards: Towards) -> &'static str {
    use Towards::{Core, Device};
    if op == OP_IDENTIFY {
        return match towards {
            Device => "identify",
            Core => "identify reply",
        };
    }
    match (kind, op, towards) {
        (TileKind::Uart(_), uart::TRANSMIT, _) => "transmit byte",
        (TileKind::Uart(_), uart::RECEIVED, _) => "received byte",
        (TileKind::Uart(_), uart::CONFIGURE, _) => "configure",
        (TileKind::Uart(_), uart::STATUS, Device) => "status request",
        (TileKind::Uart(_), uart::STATUS, Core) => "status report",
        (TileKind::Keyboard(_), keyboard::KEY_EVENT, _) => "key event",
        (TileKind::Keyboard(_), keyboard::BIND, _) => "bind",
        (TileKind::Keyboard(_), keyboard::MODIFIERS, Device) => "modifier request",
        (TileKind::Keyboard(_), keyboard::MODIFIERS, Core) => "modifier state",
        (TileKind::Timer(_), timer::RELOAD, _) => "set reload",
        (TileKind::Timer(_), timer::ENABLE, _) => "enable",
        (TileKind::Timer(_), timer::TICK, _) => "tick",
        (TileKind::Timer(_), timer::BIND, _) => "bind",
        (TileKind::Disk(_), disk::SELECT_SECTOR, _) => "select sector",
        (TileKind::Disk(_), disk::READ, _) => "read sector",
        (TileKind::Disk(_), disk::DATA, _) => "data word",
        (TileKind::Disk(_), disk::WRITE_DATA, _) => "write word",
        (TileKind::Disk(_), disk::WRITE, _) => "write sector",
        (TileKind::Disk(_), disk::DONE, _) => "done",
        (TileKind::Disk(_), disk::FAILED, _) => "failed",
        (TileKind::Disk(_), disk::STATUS, Device) => "status request",
        (TileKind::Disk(_), disk::STATUS, Core) => "status report",
        (TileKind::NetworkInterface(_), network::TRANSMIT_BYTE, _) => "transmit byte",
        (TileKind::NetworkInterface(_), network::TRANSMIT_END, _) => "end of frame",
        (TileKind::NetworkInterface(_), network::RECEIVED, _) => "received byte",
        (TileKind::NetworkInterface(_), network::BIND, _) => "bind",
        (TileKind::NetworkInterface(_), network::STATUS, Device) => "status request",
        (TileKind::NetworkInterface(_), network::STATUS, Core) => "status report",
        (TileKind::Core(_), inter_core::MIGRATE, _) => "migrate",
        (TileKind::Core(_), inter_core::STEAL_REQUEST, _) => "steal request",
        (TileKind::Core(_), inter_core::STEAL_REPLY, _) => "steal reply",
        (TileKind::Core(_), inter_core::MESSAGE, _) => "message",
        (TileKind::Core(_), inter_core::BARRIER, _) => "barrier",
        (TileKind::Core(_), inter_core::RELEASE, _) => "release",
        _ => "unknown op",
    }
}

/// The name of a packet's op: in the protocol of the device it is sent to,
/// or else of the device that sent it, or else (core to core) the
/// inter-core protocol.
pub fn packet_op_name(packet: Packet) -> &'static str {
    let destination = TileId::from_packet_field(packet.destination);
    let source = TileId::from_packet_field(packet.source);
    if !destination.is_core() {
        op_name(destination.kind(), packet.op, Towards::Device)
    } else if !source.is_core() {
        op_name(source.kind(), packet.op, Towards::Core)
    } else {
        op_name(destination.kind(), packet.op, Towards::Device)
    }
}

/// A packet printed with its tiles and op named: `0x00 core0 -> 0x10 uart0
/// op 0x1 transmit byte, flags 0x0, payload 0x00000041`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodedPacket(pub Packet);

impl fmt::Display for DecodedPacket {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let packet = self.0;
        let source = TileId::from_packet_field(packet.source);
        let destination = TileId::from_packet_field(packet.destination);
        write!(
            formatter,
            "{:#04x} {} -> {:#04x} {} op {:#x} {}, flags {:#x}, payload {:#010x}",
            source.id(),
            tile_name(source),
            destination.id(),
            tile_name(destination),
            packet.op,
            packet_op_name(packet),
            packet.flags,
            packet.payload
        )
    }
}

/// The device kinds of C.6, plus the project's kind for cores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeviceKind {
    /// 0x00 (the project's; C.6 has no kind for cores): a core.
    Core,
    /// 0x01.
    Uart,
    /// 0x02.
    Keyboard,
    /// 0x03.
    Timer,
    /// 0x04.
    Disk,
    /// 0x05.
    NetworkInterface,
    /// 0x06 (C.6 lists it; this crate has none).
    DmaController,
    /// 0xFF, or any code C.6 does not list.
    Unknown(u8),
}

impl DeviceKind {
    /// The kind's code in the Identify reply.
    pub const fn code(self) -> u8 {
        match self {
            DeviceKind::Core => 0x00,
            DeviceKind::Uart => 0x01,
            DeviceKind::Keyboard => 0x02,
            DeviceKind::Timer => 0x03,
            DeviceKind::Disk => 0x04,
            DeviceKind::NetworkInterface => 0x05,
            DeviceKind::DmaController => 0x06,
            DeviceKind::Unknown(code) => code,
        }
    }

    /// The kind's name in reports ("UART", "keyboard").
    pub const fn name(self) -> &'static str {
        match self {
            DeviceKind::Core => "core",
            DeviceKind::Uart => "UART",
            DeviceKind::Keyboard => "keyboard",
            DeviceKind::Timer => "timer",
            DeviceKind::Disk => "disk",
            DeviceKind::NetworkInterface => "network interface",
            DeviceKind::DmaController => "DMA controller",
            DeviceKind::Unknown(_) => "unknown device",
        }
    }

    /// The kind with this code.
    pub const fn from_code(code: u8) -> DeviceKind {
        match code {
            0x00 => DeviceKind::Core,
            0x01 => DeviceKind::Uart,
            0x02 => DeviceKind::Keyboard,
            0x03 => DeviceKind::Timer,
            0x04 => DeviceKind::Disk,
            0x05 => DeviceKind::NetworkInterface,
            0x06 => DeviceKind::DmaController,
            other => DeviceKind::Unknown(other),
        }
    }
}

/// The payload of an Identify reply (C.6):
///
/// ```text
///  31           24 23           16 15            0
///  | device_kind  |   version    |  capabilities  |
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdentifyReply {
    /// What the device is.
    pub kind: DeviceKind,
    /// The protocol version of its kind.
    pub version: u8,
    /// The kind's capability bits.
    pub capabilities: u16,
}

impl IdentifyReply {
    /// The 32-bit payload.
    pub const fn encode(self) -> u32 {
        ((self.kind.code() as u32) << 24) | ((self.version as u32) << 16) | self.capabilities as u32
    }

    /// The reply a payload holds.
    pub const fn decode(payload: u32) -> IdentifyReply {
        IdentifyReply {
            kind: DeviceKind::from_code((payload >> 24) as u8),
            version: (payload >> 16) as u8,
            capabilities: payload as u16,
        }
    }

    /// A core's reply (C.3: "core_id, status"): kind 0x00, version 1,
    /// capabilities the status in bits 8-15 and the core ID in bits 0-7.
    pub const fn core(core_id: u8, status: u8) -> IdentifyReply {
        IdentifyReply {
            kind: DeviceKind::Core,
            version: 1,
            capabilities: ((status as u16) << 8) | core_id as u16,
        }
    }
}
