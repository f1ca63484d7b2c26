//! Which tile sits where on the grid, and the standard placement.

use std::collections::BTreeMap;
use std::fmt;

use crate::error::PlacementError;
use crate::route::Position;
use crate::tile::{tile_name, TileId};

/// The largest number of columns or rows a mesh may have.
pub const MAXIMUM_SIDE: u8 = 16;

/// A grid of routers and the tiles placed on it. A position may hold no
/// tile: its router still forwards packets.
///
/// Invariant: every placed tile is inside the grid, at most one tile per
/// position, each tile at most once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    width: u8,
    height: u8,
    cells: Vec<Option<TileId>>,
    positions: BTreeMap<TileId, Position>,
    /// `positions` as a table indexed by tile ID, for the per-cycle
    /// lookups of the mesh.
    lookup: [Option<Position>; 64],
}

impl Placement {
    /// An empty grid of `width` columns and `height` rows (1 to 16 each).
    pub fn new(width: u8, height: u8) -> Result<Placement, PlacementError> {
        if width == 0 || height == 0 || width > MAXIMUM_SIDE || height > MAXIMUM_SIDE {
            return Err(PlacementError::GridSizeOutOfRange { width, height });
        }
        Ok(Placement {
            width,
            height,
            cells: vec![None; usize::from(width) * usize::from(height)],
            positions: BTreeMap::new(),
            lookup: [None; 64],
        })
    }

    /// A grid with `tiles` placed in row-major order from the north-west
    /// corner.
    pub fn row_major(width: u8, height: u8, tiles: &[TileId]) -> Result<Placement, PlacementError> {
        let mut placement = Placement::new(width, height)?;
        if tiles.len() > placement.cells.len() {
            return Err(PlacementError::TooManyTiles {
                tiles: tiles.len(),
                positions: placement.cells.len(),
            });
        }
        for (index, &tile) in tiles.iter().enumerate() {
            let position = Position::new(
                (index % usize::from(width)) as u8,
                (index / usize::from(width)) as u8,
            );
            placement.place(tile, position)?;
        }
        Ok(placement)
    }

    /// The standard placement for `cores` cores (1 to 8): the cores, then
    /// one UART, keyboard interface, timer, disk controller and network
    /// interface (tiles 0x10, 0x18, 0x20, 0x28, 0x30), row-major on the
    /// smallest near-square grid: as many columns as the square root of
    /// the tile count rounded up, and as many rows as needed. Four cores
    /// give a full 3x3 grid:
    ///
    /// ```text
    /// mesh 3x3 (x grows east, y grows south)
    ///       x=0          x=1          x=2
    /// y=0   0x00 core0   0x01 core1   0x02 core2
    /// y=1   0x03 core3   0x10 uart0   0x18 kid0
    /// y=2   0x20 timer0  0x28 disk0   0x30 nic0
    /// ```
    pub fn standard(cores: u8) -> Result<Placement, PlacementError> {
        if cores == 0 || cores > 8 {
            return Err(PlacementError::CoreCountOutOfRange { cores });
        }
        let mut tiles: Vec<TileId> = (0..cores).map(TileId::core).collect();
        tiles.extend(standard_devices());
        let count = tiles.len();
        let mut width = 1usize;
        while width * width < count {
            width += 1;
        }
        let height = count.div_ceil(width);
        Placement::row_major(width as u8, height as u8, &tiles)
    }

    /// Puts `tile` at `position`.
    pub fn place(&mut self, tile: TileId, position: Position) -> Result<(), PlacementError> {
        if position.x >= self.width || position.y >= self.height {
            return Err(PlacementError::PositionOutsideGrid { tile, position });
        }
        if self.positions.contains_key(&tile) {
            return Err(PlacementError::TilePlacedTwice { tile });
        }
        let index = self.index_of(position);
        if let Some(occupant) = self.cells[index] {
            return Err(PlacementError::PositionTaken {
                occupant,
                tile,
                position,
            });
        }
        self.cells[index] = Some(tile);
        self.positions.insert(tile, position);
        self.lookup[usize::from(tile.id() & 0x3F)] = Some(position);
        Ok(())
    }

    /// The number of columns.
    pub fn width(&self) -> u8 {
        self.width
    }

    /// The number of rows.
    pub fn height(&self) -> u8 {
        self.height
    }

    /// Where a tile is, if it is placed.
    pub fn position_of(&self, tile: TileId) -> Option<Position> {
        self.lookup[usize::from(tile.id() & 0x3F)]
    }

    /// The tile at a position, if any.
    pub fn tile_at(&self, position: Position) -> Option<TileId> {
        if position.x >= self.width || position.y >= self.height {
            return None;
        }
        self.cells[self.index_of(position)]
    }

    /// Every placed tile with its position, in tile ID order.
    pub fn tiles(&self) -> impl Iterator<Item = (TileId, Position)> + '_ {
        self.positions
            .iter()
            .map(|(&tile, &position)| (tile, position))
    }

    /// The number of router positions (width times height).
    pub fn router_count(&self) -> usize {
        self.cells.len()
    }

    pub(crate) fn index_of(&self, position: Position) -> usize {
        usize::from(position.y) * usize::from(self.width) + usize::from(position.x)
    }

    pub(crate) fn position_at_index(&self, index: usize) -> Position {
        Position::new(
            (index % usize::from(self.width)) as u8,
            (index / usize::from(self.width)) as u8,
        )
    }

    /// The ASCII map of the grid: one line per row, each cell the tile's ID
    /// and short name, `.` where no tile is placed.
    pub fn render_map(&self) -> String {
        self.to_string()
    }
}

/// The devices of the standard placement, one of each kind.
pub fn standard_devices() -> [TileId; 5] {
    [
        TileId::uart(0),
        TileId::keyboard(0),
        TileId::timer(0),
        TileId::disk(0),
        TileId::network_interface(0),
    ]
}

impl fmt::Display for Placement {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        const CELL: usize = 13;
        writeln!(
            formatter,
            "mesh {}x{} (x grows east, y grows south)",
            self.width, self.height
        )?;
        let mut header = format!("{:6}", "");
        for x in 0..self.width {
            header.push_str(&format!("{:<CELL$}", format!("x={x}")));
        }
        writeln!(formatter, "{}", header.trim_end())?;
        for y in 0..self.height {
            let mut line = format!("{:<6}", format!("y={y}"));
            for x in 0..self.width {
                let cell = match self.tile_at(Position::new(x, y)) {
                    Some(tile) => format!("{:#04x} {}", tile.id(), tile_name(tile)),
                    None => ".".to_string(),
                };
                line.push_str(&format!("{cell:<CELL$}"));
            }
            writeln!(formatter, "{}", line.trim_end())?;
        }
        Ok(())
    }
}
