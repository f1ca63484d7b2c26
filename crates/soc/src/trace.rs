//! What `--trace noc` shows: one record per packet movement, as data.

use std::fmt;

use cml_isa::Packet;

use crate::protocol::DecodedPacket;
use crate::route::{Direction, Position};
use crate::tile::{tile_name, TileId};

/// One movement of one packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HopRecord {
    /// The cycle it happened in.
    pub cycle: u64,
    /// The router where it happened.
    pub position: Position,
    /// The tile at that router, if one is placed there.
    pub tile: Option<TileId>,
    /// What happened.
    pub movement: Movement,
    /// The packet.
    pub packet: Packet,
}

/// What a packet did at a router.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Movement {
    /// It entered the mesh from the tile's endpoint (into the injection
    /// queue).
    Injected,
    /// It left the router towards the neighbour in this direction.
    Hop(Direction),
    /// It left the router into the tile's endpoint input FIFO.
    Delivered,
    /// It waited at a full destination FIFO past the threshold and was
    /// dropped (C.4); the sender is to be told.
    Dropped {
        /// Cycles it waited.
        waited: u64,
    },
}

impl fmt::Display for HopRecord {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = match self.tile {
            Some(tile) => format!("{:#04x} {}", tile.id(), tile_name(tile)),
            None => "router".to_string(),
        };
        let movement = match self.movement {
            Movement::Injected => "inject".to_string(),
            Movement::Hop(direction) => format!("hop {}", direction.letter()),
            Movement::Delivered => "deliver".to_string(),
            Movement::Dropped { waited } => format!("DROP after {waited} cycles"),
        };
        write!(
            formatter,
            "cycle {:>6}  {:<12} {:<7} {:<10} {}",
            self.cycle,
            place,
            self.position.to_string(),
            movement,
            DecodedPacket(self.packet)
        )
    }
}

/// A packet dropped at a full destination FIFO (C.4): the system must raise
/// NocOverflow on the packet's source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overflow {
    /// The cycle it was dropped in.
    pub cycle: u64,
    /// The packet; its `source` is the tile to tell.
    pub packet: Packet,
    /// Cycles it waited at the full FIFO.
    pub waited: u64,
}

impl Overflow {
    /// The tile that sent the dropped packet.
    pub fn sender(&self) -> TileId {
        TileId::from_packet_field(self.packet.source)
    }
}
