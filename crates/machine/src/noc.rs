//! The core's side of the network-on-chip: the outbound packet queue and
//! the devices packets reach.
//!
//! In this single-core machine the NoC has no latency: a packet a remote
//! PERF emits is delivered to its tile's device before the next instruction,
//! so the outbound queue is empty between instructions. The multicore
//! system-on-chip replaces this with a mesh; devices keep this interface.

use cml_isa::Packet;

use crate::fault::Fault;
use crate::Machine;

/// The tile of the first UART (Appendix C.2).
pub const UART_TILE: u8 = 0x10;

/// What devices hand to the host: bytes for the console.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostOutput {
    /// Bytes written to the console, not yet taken.
    pub console: Vec<u8>,
}

/// A device attached to a NoC tile.
pub trait Device {
    /// The tile the device sits at.
    fn tile(&self) -> u8;
    /// A short name for reports ("UART").
    fn name(&self) -> &'static str;
    /// Receives one packet addressed to the device.
    fn receive(&mut self, packet: Packet, host: &mut HostOutput);
    /// Packets received so far, for devices that keep them.
    fn received(&self) -> &[Packet] {
        &[]
    }
}

/// A UART (Appendix C.3): op 0x01 transmits the payload's low byte to the
/// host console. Other ops are accepted and have no visible effect yet.
#[derive(Clone, Debug, Default)]
pub struct Uart;

impl Device for Uart {
    fn tile(&self) -> u8 {
        UART_TILE
    }

    fn name(&self) -> &'static str {
        "UART"
    }

    fn receive(&mut self, packet: Packet, host: &mut HostOutput) {
        if packet.op == 0x01 {
            host.console.push(packet.payload as u8);
        }
    }
}

/// A device that keeps every packet it receives, for tests and tools.
#[derive(Clone, Debug)]
pub struct PacketRecorder {
    tile: u8,
    packets: Vec<Packet>,
}

impl PacketRecorder {
    /// A recorder at a tile.
    pub fn new(tile: u8) -> PacketRecorder {
        PacketRecorder {
            tile,
            packets: Vec::new(),
        }
    }
}

impl Device for PacketRecorder {
    fn tile(&self) -> u8 {
        self.tile
    }

    fn name(&self) -> &'static str {
        "packet recorder"
    }

    fn receive(&mut self, packet: Packet, _host: &mut HostOutput) {
        self.packets.push(packet);
    }

    fn received(&self) -> &[Packet] {
        &self.packets
    }
}

impl Machine {
    /// Queues a packet and lets the NoC deliver it. A destination with no
    /// device is a fault of the sending PERF.
    pub(crate) fn send_packet(&mut self, packet: Packet) -> Result<(), Fault> {
        if self.nic.is_some() {
            return self.send_on_mesh(packet);
        }
        if !self
            .devices
            .iter()
            .any(|device| device.tile() == packet.destination)
        {
            return Err(Fault::NoDeviceAtTile {
                tile: packet.destination,
            });
        }
        self.outbound.push_back(packet);
        self.drain_outbound();
        Ok(())
    }

    /// Delivers every queued packet to its device.
    pub(crate) fn drain_outbound(&mut self) {
        if self.nic.is_some() {
            return;
        }
        while let Some(packet) = self.outbound.pop_front() {
            if let Some(device) = self
                .devices
                .iter_mut()
                .find(|device| device.tile() == packet.destination)
            {
                device.receive(packet, &mut self.host);
            }
        }
    }
}
