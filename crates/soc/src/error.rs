//! Everything that can go wrong building or using the system-on-chip, as
//! data. Nothing in this crate panics on bad input.

use std::fmt;

use crate::route::Position;
use crate::tile::TileId;

/// Why a mesh or its placement cannot be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlacementError {
    /// A tile ID does not fit in the six bits of a packet.
    TileIdOutOfRange {
        /// The ID asked for.
        id: u8,
    },
    /// The grid has no rows or no columns, or more than 16 of either.
    GridSizeOutOfRange {
        /// The columns asked for.
        width: u8,
        /// The rows asked for.
        height: u8,
    },
    /// A tile was placed outside the grid.
    PositionOutsideGrid {
        /// The tile.
        tile: TileId,
        /// Where it was to go.
        position: Position,
    },
    /// Two tiles were placed at the same position.
    PositionTaken {
        /// The tile already there.
        occupant: TileId,
        /// The tile that was to go there too.
        tile: TileId,
        /// The position.
        position: Position,
    },
    /// A tile was placed twice.
    TilePlacedTwice {
        /// The tile.
        tile: TileId,
    },
    /// More tiles were given than the grid has positions.
    TooManyTiles {
        /// How many tiles were given.
        tiles: usize,
        /// How many positions the grid has.
        positions: usize,
    },
    /// The standard placement was asked for a core count outside 1 to 8.
    CoreCountOutOfRange {
        /// The count asked for.
        cores: u8,
    },
}

impl fmt::Display for PlacementError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlacementError::TileIdOutOfRange { id } => {
                write!(
                    formatter,
                    "tile ID {id:#04x} does not fit in a packet's six bits"
                )
            }
            PlacementError::GridSizeOutOfRange { width, height } => write!(
                formatter,
                "a {width}x{height} mesh is not allowed: each side must be 1 to 16 tiles"
            ),
            PlacementError::PositionOutsideGrid { tile, position } => {
                write!(
                    formatter,
                    "tile {tile} is placed at {position}, outside the grid"
                )
            }
            PlacementError::PositionTaken {
                occupant,
                tile,
                position,
            } => write!(
                formatter,
                "tile {tile} is placed at {position}, where tile {occupant} already is"
            ),
            PlacementError::TilePlacedTwice { tile } => {
                write!(formatter, "tile {tile} is placed twice")
            }
            PlacementError::TooManyTiles { tiles, positions } => write!(
                formatter,
                "{tiles} tiles do not fit in a grid of {positions} positions"
            ),
            PlacementError::CoreCountOutOfRange { cores } => {
                write!(formatter, "{cores} cores: the tile map has room for 1 to 8")
            }
        }
    }
}

impl std::error::Error for PlacementError {}

/// Why a mesh configuration is not usable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// The per-hop latency is zero: a packet would cross the whole mesh in
    /// one cycle.
    ZeroHopLatency,
    /// A buffer depth is zero: nothing could ever move.
    ZeroDepth {
        /// Which buffer (`router buffer`, `injection queue`, `endpoint FIFO`).
        buffer: &'static str,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::ZeroHopLatency => {
                formatter.write_str("the per-hop latency must be at least one cycle")
            }
            ConfigError::ZeroDepth { buffer } => {
                write!(formatter, "the {buffer} depth must be at least one packet")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

/// Why a packet cannot enter the mesh at all. (A full injection queue is
/// not an error: it is [`crate::SendResult::Stalled`].)
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendError {
    /// The packet's destination is not a tile of this mesh.
    NoTileAtDestination {
        /// The destination the packet names.
        destination: TileId,
    },
    /// The packet's source is not a tile of this mesh.
    NoTileAtSource {
        /// The source the packet names.
        source: TileId,
    },
}

impl fmt::Display for SendError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::NoTileAtDestination { destination } => {
                write!(formatter, "no tile {destination} on the mesh")
            }
            SendError::NoTileAtSource { source } => {
                write!(formatter, "the sending tile {source} is not on the mesh")
            }
        }
    }
}

impl std::error::Error for SendError {}

/// Why an endpoint cannot be attached to the system-on-chip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttachError {
    /// The endpoint's tile is not placed on the mesh.
    TileNotPlaced {
        /// The tile.
        tile: TileId,
    },
    /// Something is already attached at the tile.
    TileOccupied {
        /// The tile.
        tile: TileId,
    },
}

impl fmt::Display for AttachError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttachError::TileNotPlaced { tile } => {
                write!(formatter, "tile {tile} is not placed on the mesh")
            }
            AttachError::TileOccupied { tile } => {
                write!(formatter, "something is already attached at tile {tile}")
            }
        }
    }
}

impl std::error::Error for AttachError {}

/// Any error of building a system-on-chip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SocError {
    /// The placement is invalid.
    Placement(PlacementError),
    /// The configuration is invalid.
    Config(ConfigError),
    /// An endpoint could not be attached.
    Attach(AttachError),
}

impl fmt::Display for SocError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SocError::Placement(error) => error.fmt(formatter),
            SocError::Config(error) => error.fmt(formatter),
            SocError::Attach(error) => error.fmt(formatter),
        }
    }
}

impl std::error::Error for SocError {}

impl From<PlacementError> for SocError {
    fn from(error: PlacementError) -> SocError {
        SocError::Placement(error)
    }
}

impl From<ConfigError> for SocError {
    fn from(error: ConfigError) -> SocError {
        SocError::Config(error)
    }
}

impl From<AttachError> for SocError {
    fn from(error: AttachError) -> SocError {
        SocError::Attach(error)
    }
}

/// Why a device cannot be built or fed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeviceError {
    /// A disk sector size must be a power of two from 2 to 32,768 bytes.
    SectorSizeInvalid {
        /// The size asked for.
        bytes: usize,
    },
    /// A network frame must hold at least one byte.
    EmptyFrame,
}

impl fmt::Display for DeviceError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceError::SectorSizeInvalid { bytes } => write!(
                formatter,
                "a sector of {bytes} bytes: sectors are a power of two from 2 to 32768 bytes"
            ),
            DeviceError::EmptyFrame => {
                formatter.write_str("a network frame must hold at least one byte")
            }
        }
    }
}

impl std::error::Error for DeviceError {}
