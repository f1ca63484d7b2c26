//! The system-on-chip of Appendix C: a mesh network-on-chip of tiles,
//! each holding a core or a device, and the devices themselves.
//!
//! Input: a [`Placement`] (which tile sits where on the grid), a
//! [`MeshConfig`] (hop latency, buffer depths, the overflow threshold),
//! the devices with their scripts and images (bytes a UART will receive,
//! timestamped key events, a disk image, network frames), and, cycle by
//! cycle, the packets the cores send through their [`Port`]s. Output: the
//! packets delivered into each tile's input FIFO, whether each send was
//! taken or must stall ([`SendResult`]), the packets dropped at a full
//! FIFO for NocOverflow ([`Overflow`]), the devices' host-side buffers (the
//! UART's transmitted bytes, the disk image, transmitted frames), a hop
//! trace ([`HopRecord`]) and per-link counts ([`MeshStats`]).
//!
//! This crate must not know about files, terminals or sockets: it is pure,
//! and every byte from or to the host passes through in-memory buffers the
//! CLI fills and empties. Nor does it know how a core executes: a core is
//! whatever drives a port.
//!
//! ```
//! use cml_isa::Packet;
//! use cml_soc::{Device, MeshConfig, Soc, TileId};
//! // Chapter 9: core 0 sends (dst 0x10, op 0x01, payload 0x41); the UART
//! // prints "A".
//! let mut soc = Soc::standard(4, MeshConfig::default()).unwrap();
//! let packet = Packet { destination: 0x10, source: 0x00, op: 0x01, flags: 0, payload: 0x41 };
//! let _ = soc.port(TileId::core(0)).send(packet).unwrap();
//! assert!(soc.run_until_quiet(100));
//! assert_eq!(soc.take_console_output(), b"A");
//! ```

#![forbid(unsafe_code)]

mod config;
pub mod devices;
mod endpoint;
mod error;
mod mailbox;
mod mesh;
mod placement;
pub mod protocol;
mod route;
mod soc;
mod stats;
mod tile;
mod trace;

pub use config::MeshConfig;
pub use devices::Device;
pub use endpoint::{Endpoint, Outbox, Port};
pub use error::{AttachError, ConfigError, DeviceError, PlacementError, SendError, SocError};
pub use mailbox::{Mailbox, Received, ScriptedSend};
pub use mesh::{Mesh, SendResult};
pub use placement::{standard_devices, Placement, MAXIMUM_SIDE};
pub use protocol::{DecodedPacket, DeviceKind, IdentifyReply};
pub use route::{xy_next_hop, xy_path, Direction, NextHop, Position};
pub use soc::Soc;
pub use stats::{Link, MeshStats, TileCounts};
pub use tile::{tile_name, TileId, TileKind, MAXIMUM_TILE_ID};
pub use trace::{HopRecord, Movement, Overflow};
