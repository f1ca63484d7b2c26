//! What `--stats` shows of the mesh: packets per link and per tile.

use std::collections::BTreeMap;
use std::fmt;

use crate::route::{Direction, Position};
use crate::tile::{tile_name, TileId};

/// A directed link: the router it leaves and the direction it points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Link {
    /// The router the link leaves.
    pub from: Position,
    /// Its direction.
    pub direction: Direction,
}

/// Per-tile counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TileCounts {
    /// Packets the tile sent into the mesh.
    pub injected: u64,
    /// Sends refused because the injection queue was full (stall cycles).
    pub refused: u64,
    /// Packets delivered into the tile's input FIFO.
    pub delivered: u64,
    /// Packets addressed to the tile that were dropped at its full FIFO.
    pub dropped: u64,
}

/// Packet counts of a mesh run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeshStats {
    /// Packets that crossed each link.
    pub links: BTreeMap<Link, u64>,
    /// Counts per tile.
    pub tiles: BTreeMap<TileId, TileCounts>,
}

impl MeshStats {
    /// Packets that crossed the link leaving `from` towards `direction`.
    pub fn link_count(&self, from: Position, direction: Direction) -> u64 {
        self.links
            .get(&Link { from, direction })
            .copied()
            .unwrap_or(0)
    }

    /// The counts of one tile (all zero if it never took part).
    pub fn tile(&self, tile: TileId) -> TileCounts {
        self.tiles.get(&tile).copied().unwrap_or_default()
    }

    /// Total packets delivered.
    pub fn delivered(&self) -> u64 {
        self.tiles.values().map(|counts| counts.delivered).sum()
    }

    /// Total packets dropped.
    pub fn dropped(&self) -> u64 {
        self.tiles.values().map(|counts| counts.dropped).sum()
    }

    pub(crate) fn tile_mut(&mut self, tile: TileId) -> &mut TileCounts {
        self.tiles.entry(tile).or_default()
    }
}

impl fmt::Display for MeshStats {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            formatter,
            "NoC tiles: injected, refused (stall cycles), delivered, dropped"
        )?;
        for (tile, counts) in &self.tiles {
            writeln!(
                formatter,
                "  {:#04x} {:<8} {:>8} {:>8} {:>8} {:>8}",
                tile.id(),
                tile_name(*tile),
                counts.injected,
                counts.refused,
                counts.delivered,
                counts.dropped
            )?;
        }
        writeln!(formatter, "NoC links: packets")?;
        for (link, count) in &self.links {
            writeln!(
                formatter,
                "  {} {} {:>8}",
                link.from,
                link.direction.letter(),
                count
            )?;
        }
        Ok(())
    }
}
