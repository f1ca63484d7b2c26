//! Tile IDs (Appendix C.2): what sits at each address of the NoC.
//!
//! A packet names its source and destination in six bits (C.1), so a tile
//! ID is a number from 0x00 to 0x3F; C.2's "0x40 – 0xFF reserved for
//! future use" cannot be written in a packet and is not representable here.

use std::fmt;

use crate::error::PlacementError;

/// The address of one tile of the mesh: six bits (Appendix C.1, C.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId(u8);

/// The largest tile ID a packet can carry.
pub const MAXIMUM_TILE_ID: u8 = 0x3F;

impl TileId {
    /// Core 0, the bootstrap core (C.8).
    pub const BOOTSTRAP_CORE: TileId = TileId(0x00);

    /// The tile with this ID, or an error when the ID does not fit in the
    /// six bits of a packet.
    pub const fn new(id: u8) -> Result<TileId, PlacementError> {
        if id > MAXIMUM_TILE_ID {
            Err(PlacementError::TileIdOutOfRange { id })
        } else {
            Ok(TileId(id))
        }
    }

    /// The tile a packet's six-bit field names (the field is masked).
    pub const fn from_packet_field(field: u8) -> TileId {
        TileId(field & MAXIMUM_TILE_ID)
    }

    /// Core `index` (0 to 7) at tiles 0x00-0x07. Indices wrap within the
    /// range.
    pub const fn core(index: u8) -> TileId {
        TileId(index & 7)
    }

    /// UART `index` (0 to 7) at tiles 0x10-0x17.
    pub const fn uart(index: u8) -> TileId {
        TileId(0x10 | (index & 7))
    }

    /// Keyboard interface device `index` at tiles 0x18-0x1F.
    pub const fn keyboard(index: u8) -> TileId {
        TileId(0x18 | (index & 7))
    }

    /// Timer `index` at tiles 0x20-0x27.
    pub const fn timer(index: u8) -> TileId {
        TileId(0x20 | (index & 7))
    }

    /// Disk controller `index` at tiles 0x28-0x2F.
    pub const fn disk(index: u8) -> TileId {
        TileId(0x28 | (index & 7))
    }

    /// Network interface `index` at tiles 0x30-0x37.
    pub const fn network_interface(index: u8) -> TileId {
        TileId(0x30 | (index & 7))
    }

    /// The ID as a number.
    pub const fn id(self) -> u8 {
        self.0
    }

    /// What C.2 assigns this tile to.
    pub const fn kind(self) -> TileKind {
        let index = self.0 & 7;
        match self.0 >> 3 {
            0 => TileKind::Core(index),
            2 => TileKind::Uart(index),
            3 => TileKind::Keyboard(index),
            4 => TileKind::Timer(index),
            5 => TileKind::Disk(index),
            6 => TileKind::NetworkInterface(index),
            7 => TileKind::ReservedDevice(index),
            _ => TileKind::Unassigned,
        }
    }

    /// Whether the tile is one of the eight core tiles.
    pub const fn is_core(self) -> bool {
        matches!(self.kind(), TileKind::Core(_))
    }
}

impl fmt::Display for TileId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{:#04x} {}", self.0, self.kind().name(*self))
    }
}

/// The use C.2 assigns to a range of tile IDs, with the index within the
/// range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TileKind {
    /// A core, 0x00-0x07.
    Core(u8),
    /// A UART, 0x10-0x17.
    Uart(u8),
    /// A keyboard interface device, 0x18-0x1F.
    Keyboard(u8),
    /// A timer, 0x20-0x27.
    Timer(u8),
    /// A disk controller, 0x28-0x2F.
    Disk(u8),
    /// A network interface, 0x30-0x37.
    NetworkInterface(u8),
    /// A reserved device slot, 0x38-0x3F.
    ReservedDevice(u8),
    /// 0x08-0x0F, which C.2 does not list: unassigned.
    Unassigned,
}

impl TileKind {
    /// A short name for maps and traces: `core0`, `uart0`, `kid0`,
    /// `timer0`, `disk0`, `nic0`, `dev0x38`, `tile0x08`.
    pub fn name(self, tile: TileId) -> String {
        match self {
            TileKind::Core(index) => format!("core{index}"),
            TileKind::Uart(index) => format!("uart{index}"),
            TileKind::Keyboard(index) => format!("kid{index}"),
            TileKind::Timer(index) => format!("timer{index}"),
            TileKind::Disk(index) => format!("disk{index}"),
            TileKind::NetworkInterface(index) => format!("nic{index}"),
            TileKind::ReservedDevice(_) => format!("dev{:#04x}", tile.id()),
            TileKind::Unassigned => format!("tile{:#04x}", tile.id()),
        }
    }
}

/// The short name of a tile (`core0`, `uart0`).
pub fn tile_name(tile: TileId) -> String {
    tile.kind().name(tile)
}
