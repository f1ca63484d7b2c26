//! Grid positions, the four directions of a 4-local mesh (C.1), and
//! dimension-ordered XY routing (C.4): X first, then Y.

use std::fmt;

/// A router's place in the grid. `x` grows to the east, `y` to the south;
/// (0, 0) is the north-west corner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position {
    /// The column, from the west edge.
    pub x: u8,
    /// The row, from the north edge.
    pub y: u8,
}

impl Position {
    /// The position at column `x`, row `y`.
    pub const fn new(x: u8, y: u8) -> Position {
        Position { x, y }
    }

    /// The neighbouring position one step in `direction`, if it exists on a
    /// grid of this size.
    pub fn neighbour(self, direction: Direction, width: u8, height: u8) -> Option<Position> {
        let Position { x, y } = self;
        match direction {
            Direction::North => y.checked_sub(1).map(|y| Position { x, y }),
            Direction::South => (y + 1 < height).then_some(Position { x, y: y + 1 }),
            Direction::West => x.checked_sub(1).map(|x| Position { x, y }),
            Direction::East => (x + 1 < width).then_some(Position { x: x + 1, y }),
        }
    }

    /// The number of hops between two positions under XY routing (the
    /// Manhattan distance).
    pub fn hops_to(self, other: Position) -> u32 {
        u32::from(self.x.abs_diff(other.x)) + u32::from(self.y.abs_diff(other.y))
    }
}

impl fmt::Display for Position {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "({},{})", self.x, self.y)
    }
}

/// One of the four neighbours of a 4-local mesh router.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// Towards row 0.
    North,
    /// Towards higher columns.
    East,
    /// Towards higher rows.
    South,
    /// Towards column 0.
    West,
}

impl Direction {
    /// The four directions, in the order routers arbitrate them.
    pub const ALL: [Direction; 4] = [
        Direction::North,
        Direction::East,
        Direction::South,
        Direction::West,
    ];

    /// The direction pointing back.
    pub const fn opposite(self) -> Direction {
        match self {
            Direction::North => Direction::South,
            Direction::East => Direction::West,
            Direction::South => Direction::North,
            Direction::West => Direction::East,
        }
    }

    /// One letter: `N`, `E`, `S`, `W`.
    pub const fn letter(self) -> char {
        match self {
            Direction::North => 'N',
            Direction::East => 'E',
            Direction::South => 'S',
            Direction::West => 'W',
        }
    }

    pub(crate) const fn index(self) -> usize {
        match self {
            Direction::North => 0,
            Direction::East => 1,
            Direction::South => 2,
            Direction::West => 3,
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.letter())
    }
}

/// Where a router sends a packet next: to a neighbour, or out of its local
/// port into the endpoint's input FIFO.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NextHop {
    /// To the neighbour in this direction.
    Neighbour(Direction),
    /// Into the local endpoint's input FIFO: the packet has arrived.
    Local,
}

/// Dimension-ordered routing: move along X until the column matches, then
/// along Y, then deliver.
pub fn xy_next_hop(here: Position, destination: Position) -> NextHop {
    if destination.x > here.x {
        NextHop::Neighbour(Direction::East)
    } else if destination.x < here.x {
        NextHop::Neighbour(Direction::West)
    } else if destination.y > here.y {
        NextHop::Neighbour(Direction::South)
    } else if destination.y < here.y {
        NextHop::Neighbour(Direction::North)
    } else {
        NextHop::Local
    }
}

/// The full XY path from one position to another: each router passed and
/// the direction the packet leaves it by. The destination router, which
/// delivers locally, is not listed.
pub fn xy_path(source: Position, destination: Position) -> Vec<(Position, Direction)> {
    let mut path = Vec::new();
    let mut here = source;
    while let NextHop::Neighbour(direction) = xy_next_hop(here, destination) {
        path.push((here, direction));
        here = match direction {
            Direction::North => Position::new(here.x, here.y - 1),
            Direction::South => Position::new(here.x, here.y + 1),
            Direction::West => Position::new(here.x - 1, here.y),
            Direction::East => Position::new(here.x + 1, here.y),
        };
    }
    path
}
