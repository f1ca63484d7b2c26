//! The mesh network-on-chip (C.1-C.4): input-buffered routers on a grid,
//! dimension-ordered XY routing, per-endpoint input FIFOs, backpressure and
//! the overflow rule, stepped one cycle at a time.
//!
//! The model, cycle by cycle:
//!
//! * Every router has five input buffers: one per neighbour direction
//!   (depth `router_buffer_depth`) and the local one, which is the tile's
//!   injection queue (depth `injection_queue_depth`). Only the head of a
//!   buffer may move (first in, first out).
//! * A packet entering a buffer in cycle `c` (or sent while the mesh is at
//!   cycle `c`) may leave it from cycle `c + hop_latency` on.
//! * In each cycle, each output of each router (north, east, south, west,
//!   local) grants at most one ready head that XY routing sends there,
//!   choosing round-robin among its inputs, provided the buffer it leads
//!   to had room at the start of the cycle. All grants of a cycle are
//!   decided before any is applied, so the order routers are visited in
//!   does not matter.
//! * The local output leads to the endpoint's input FIFO. A ready head that
//!   finds the FIFO full waits; if the FIFO is still full `overflow_threshold`
//!   cycles after the head first found it full, the packet is dropped and
//!   reported as an [`Overflow`] (C.4).
//!
//! Ordering between two endpoints follows: all packets from A to B enter
//! A's injection queue in send order, take the same path, and pass through
//! the same first-in first-out buffers, where nothing overtakes.

use std::collections::VecDeque;

use cml_isa::Packet;

use crate::config::MeshConfig;
use crate::error::{ConfigError, SendError};
use crate::placement::Placement;
use crate::route::{xy_next_hop, Direction, NextHop, Position};
use crate::stats::{Link, MeshStats};
use crate::tile::TileId;
use crate::trace::{HopRecord, Movement, Overflow};

/// The local port's index among a router's five inputs and outputs.
const LOCAL: usize = 4;

/// Whether a send was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum SendResult {
    /// The packet is in the tile's injection queue: the sending PERF
    /// retires.
    Accepted,
    /// The injection queue is full: the packet was not taken. The sender
    /// stalls (its PERF does not retire) and sends again next cycle.
    Stalled,
}

/// A packet inside a router buffer.
#[derive(Clone, Copy, Debug)]
struct InFlight {
    packet: Packet,
    destination: Position,
    /// The first cycle it may leave the buffer.
    ready_at: u64,
    /// The cycle it first found its destination FIFO full, while that FIFO
    /// has stayed full since.
    blocked_since: Option<u64>,
}

/// One router: five input buffers and the round-robin pointer of each
/// output.
#[derive(Clone, Debug, Default)]
struct Router {
    inputs: [VecDeque<InFlight>; 5],
    next_priority: [usize; 5],
}

/// What the first phase of a cycle decided for one input buffer's head.
#[derive(Clone, Copy, Debug)]
enum Decision {
    Forward {
        router: usize,
        input: usize,
        direction: Direction,
    },
    Deliver {
        router: usize,
        input: usize,
    },
    Drop {
        router: usize,
        input: usize,
        waited: u64,
    },
}

/// The mesh: routers, endpoint input FIFOs, the cycle count, the hop trace,
/// the overflow reports and the statistics.
#[derive(Clone, Debug)]
pub struct Mesh {
    config: MeshConfig,
    placement: Placement,
    cycle: u64,
    routers: Vec<Router>,
    endpoint_fifos: Vec<VecDeque<Packet>>,
    packets_in_routers: usize,
    trace: Vec<HopRecord>,
    overflows: Vec<Overflow>,
    stats: MeshStats,
}

impl Mesh {
    /// A mesh with this configuration and placement, at cycle 0, empty.
    pub fn new(config: MeshConfig, placement: Placement) -> Result<Mesh, ConfigError> {
        let config = config.validate()?;
        let routers = vec![Router::default(); placement.router_count()];
        let endpoint_fifos = vec![VecDeque::new(); placement.router_count()];
        Ok(Mesh {
            config,
            placement,
            cycle: 0,
            routers,
            endpoint_fifos,
            packets_in_routers: 0,
            trace: Vec::new(),
            overflows: Vec::new(),
            stats: MeshStats::default(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &MeshConfig {
        &self.config
    }

    /// The placement.
    pub fn placement(&self) -> &Placement {
        &self.placement
    }

    /// The current cycle: the number of [`Mesh::step`]s taken.
    pub fn cycle(&self) -> u64 {
        self.cycle
    }

    /// Turns hop tracing on or off.
    pub fn set_tracing(&mut self, on: bool) {
        self.config.trace = on;
    }

    /// Offers a packet to the mesh at its source tile, in the current cycle.
    /// `Stalled` when the source's injection queue is full; an error when
    /// the source or destination is not a tile of this mesh.
    pub fn send(&mut self, packet: Packet) -> Result<SendResult, SendError> {
        let source = TileId::from_packet_field(packet.source);
        let destination = TileId::from_packet_field(packet.destination);
        let source_position = self
            .placement
            .position_of(source)
            .ok_or(SendError::NoTileAtSource { source })?;
        let destination_position = self
            .placement
            .position_of(destination)
            .ok_or(SendError::NoTileAtDestination { destination })?;
        let router = self.placement.index_of(source_position);
        let queue = &mut self.routers[router].inputs[LOCAL];
        if queue.len() >= self.config.injection_queue_depth {
            self.stats.tile_mut(source).refused += 1;
            return Ok(SendResult::Stalled);
        }
        queue.push_back(InFlight {
            packet,
            destination: destination_position,
            ready_at: self.cycle + u64::from(self.config.hop_latency),
            blocked_since: None,
        });
        self.packets_in_routers += 1;
        self.stats.tile_mut(source).injected += 1;
        self.record(router, Movement::Injected, packet);
        Ok(SendResult::Accepted)
    }

    /// Takes the oldest packet from a tile's input FIFO.
    pub fn receive(&mut self, tile: TileId) -> Option<Packet> {
        let position = self.placement.position_of(tile)?;
        let index = self.placement.index_of(position);
        self.endpoint_fifos[index].pop_front()
    }

    /// The oldest packet in a tile's input FIFO, left in place.
    pub fn peek(&self, tile: TileId) -> Option<Packet> {
        let position = self.placement.position_of(tile)?;
        self.endpoint_fifos[self.placement.index_of(position)]
            .front()
            .copied()
    }

    /// How many packets wait in a tile's input FIFO.
    pub fn waiting(&self, tile: TileId) -> usize {
        match self.placement.position_of(tile) {
            Some(position) => self.endpoint_fifos[self.placement.index_of(position)].len(),
            None => 0,
        }
    }

    /// How many packets are in the routers (sent, neither delivered nor
    /// dropped).
    pub fn packets_in_flight(&self) -> usize {
        self.packets_in_routers
    }

    /// Whether the tile's injection queue has room for a send.
    pub fn can_send(&self, tile: TileId) -> bool {
        match self.placement.position_of(tile) {
            Some(position) => {
                self.routers[self.placement.index_of(position)].inputs[LOCAL].len()
                    < self.config.injection_queue_depth
            }
            None => false,
        }
    }

    /// How many more packets the tile's injection queue takes now (0 for a
    /// tile that is not placed).
    pub fn injection_room(&self, tile: TileId) -> usize {
        match self.placement.position_of(tile) {
            Some(position) => self.config.injection_queue_depth.saturating_sub(
                self.routers[self.placement.index_of(position)].inputs[LOCAL].len(),
            ),
            None => 0,
        }
    }

    /// The hop records since the last call (empty unless tracing is on).
    pub fn take_trace(&mut self) -> Vec<HopRecord> {
        std::mem::take(&mut self.trace)
    }

    /// The hop records so far, left in place.
    pub fn trace(&self) -> &[HopRecord] {
        &self.trace
    }

    /// The packets dropped since the last call, for NocOverflow on their
    /// senders.
    pub fn take_overflows(&mut self) -> Vec<Overflow> {
        std::mem::take(&mut self.overflows)
    }

    /// The statistics so far.
    pub fn stats(&self) -> &MeshStats {
        &self.stats
    }

    /// Runs one cycle: every router moves what it can, then the cycle count
    /// advances. With no packet in the routers nothing can move, and the
    /// cycle only advances.
    pub fn step(&mut self) {
        if self.packets_in_routers > 0 {
            let decisions = self.decide();
            self.apply(&decisions);
        }
        self.cycle += 1;
    }

    /// Advances the cycle count by `cycles` with no packet in the routers:
    /// exactly what as many [`Mesh::step`]s would do. Returns false, and
    /// does nothing, when packets are in flight.
    pub fn skip_idle_cycles(&mut self, cycles: u64) -> bool {
        if self.packets_in_routers > 0 {
            return false;
        }
        self.cycle += cycles;
        true
    }

    /// Phase one: which heads move where, and which are dropped, judged on
    /// the buffers as they are at the start of the cycle.
    fn decide(&mut self) -> Vec<Decision> {
        let cycle = self.cycle;
        let width = self.placement.width();
        let height = self.placement.height();
        let mut decisions = Vec::new();
        for router in 0..self.routers.len() {
            if self.routers[router].inputs.iter().all(VecDeque::is_empty) {
                continue;
            }
            let here = self.placement.position_at_index(router);
            // The output each ready head is routed to, computed once.
            let mut wanted = [None; 5];
            for (input, buffer) in self.routers[router].inputs.iter().enumerate() {
                if let Some(head) = buffer.front() {
                    if head.ready_at <= cycle {
                        wanted[input] = Some(output_index(xy_next_hop(here, head.destination)));
                    }
                }
            }
            for output in 0..5 {
                if !wanted.contains(&Some(output)) {
                    continue;
                }
                let room = if output == LOCAL {
                    self.endpoint_fifos[router].len() < self.config.endpoint_fifo_depth
                } else {
                    let direction = Direction::ALL[output];
                    match here.neighbour(direction, width, height) {
                        Some(next) => {
                            let next_index = self.placement.index_of(next);
                            self.routers[next_index].inputs[direction.opposite().index()].len()
                                < self.config.router_buffer_depth
                        }
                        None => false,
                    }
                };
                let threshold = self.config.overflow_threshold;
                let state = &mut self.routers[router];
                let start = state.next_priority[output];
                let mut granted = None;
                for offset in 0..5 {
                    let input = (start + offset) % 5;
                    if wanted[input] != Some(output) {
                        continue;
                    }
                    let Some(head) = state.inputs[input].front_mut() else {
                        continue;
                    };
                    if output == LOCAL && !room {
                        let since = *head.blocked_since.get_or_insert(cycle);
                        let waited = cycle - since;
                        if waited >= threshold {
                            decisions.push(Decision::Drop {
                                router,
                                input,
                                waited,
                            });
                        }
                        continue;
                    }
                    head.blocked_since = None;
                    if room && granted.is_none() {
                        granted = Some(input);
                    }
                }
                if let Some(input) = granted {
                    state.next_priority[output] = (input + 1) % 5;
                    decisions.push(if output == LOCAL {
                        Decision::Deliver { router, input }
                    } else {
                        Decision::Forward {
                            router,
                            input,
                            direction: Direction::ALL[output],
                        }
                    });
                }
            }
        }
        decisions
    }

    /// Phase two: every head decided on leaves its buffer, then enters the
    /// next buffer, the endpoint FIFO, or the overflow reports.
    fn apply(&mut self, decisions: &[Decision]) {
        let cycle = self.cycle;
        let mut leaving = Vec::with_capacity(decisions.len());
        for decision in decisions {
            let (router, input) = match *decision {
                Decision::Forward { router, input, .. }
                | Decision::Deliver { router, input }
                | Decision::Drop { router, input, .. } => (router, input),
            };
            let in_flight = self.routers[router].inputs[input].pop_front();
            leaving.push(in_flight);
        }
        for (decision, in_flight) in decisions.iter().zip(leaving) {
            let Some(in_flight) = in_flight else { continue };
            let packet = in_flight.packet;
            match *decision {
                Decision::Forward {
                    router, direction, ..
                } => {
                    let here = self.placement.position_at_index(router);
                    let Some(next) =
                        here.neighbour(direction, self.placement.width(), self.placement.height())
                    else {
                        continue;
                    };
                    let next_index = self.placement.index_of(next);
                    self.routers[next_index].inputs[direction.opposite().index()].push_back(
                        InFlight {
                            ready_at: cycle + u64::from(self.config.hop_latency),
                            blocked_since: None,
                            ..in_flight
                        },
                    );
                    *self
                        .stats
                        .links
                        .entry(Link {
                            from: here,
                            direction,
                        })
                        .or_insert(0) += 1;
                    self.record(router, Movement::Hop(direction), packet);
                }
                Decision::Deliver { router, .. } => {
                    self.endpoint_fifos[router].push_back(packet);
                    self.packets_in_routers -= 1;
                    self.stats
                        .tile_mut(TileId::from_packet_field(packet.destination))
                        .delivered += 1;
                    self.record(router, Movement::Delivered, packet);
                }
                Decision::Drop { router, waited, .. } => {
                    self.packets_in_routers -= 1;
                    self.stats
                        .tile_mut(TileId::from_packet_field(packet.destination))
                        .dropped += 1;
                    self.overflows.push(Overflow {
                        cycle,
                        packet,
                        waited,
                    });
                    self.record(router, Movement::Dropped { waited }, packet);
                }
            }
        }
    }

    fn record(&mut self, router: usize, movement: Movement, packet: Packet) {
        if !self.config.trace {
            return;
        }
        let position = self.placement.position_at_index(router);
        self.trace.push(HopRecord {
            cycle: self.cycle,
            position,
            tile: self.placement.tile_at(position),
            movement,
            packet,
        });
    }
}

/// The output index XY routing picks: a direction's index, or `LOCAL`.
fn output_index(next_hop: NextHop) -> usize {
    match next_hop {
        NextHop::Neighbour(direction) => direction.index(),
        NextHop::Local => LOCAL,
    }
}
