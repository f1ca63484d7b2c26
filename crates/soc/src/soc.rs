//! The system-on-chip: the mesh with the endpoints attached to its tiles,
//! stepped together one cycle at a time.

use crate::config::MeshConfig;
use crate::devices::{Device, Disk, Keyboard, NetworkInterface, Timer, Uart};
use crate::endpoint::{Endpoint, Port};
use crate::error::{AttachError, SocError};
use crate::mesh::Mesh;
use crate::placement::Placement;
use crate::tile::TileId;
use crate::trace::Overflow;

/// What sits at an attached tile.
enum Attached {
    Device(Device),
    Other(Box<dyn Endpoint>),
}

impl Attached {
    fn endpoint(&self) -> &dyn Endpoint {
        match self {
            Attached::Device(device) => device,
            Attached::Other(endpoint) => endpoint.as_ref(),
        }
    }

    fn endpoint_mut(&mut self) -> &mut dyn Endpoint {
        match self {
            Attached::Device(device) => device,
            Attached::Other(endpoint) => endpoint.as_mut(),
        }
    }
}

/// The mesh and the endpoints it owns.
///
/// Endpoints the system-on-chip does not own (the cores, driven by the
/// machine) take part through [`Soc::port`]: in each cycle they act on
/// their port first, then [`Soc::step`] steps every owned endpoint in tile
/// order and then the mesh.
pub struct Soc {
    mesh: Mesh,
    attached: Vec<Attached>,
}

impl Soc {
    /// A system-on-chip with nothing attached.
    pub fn new(config: MeshConfig, placement: Placement) -> Result<Soc, SocError> {
        Ok(Soc {
            mesh: Mesh::new(config, placement)?,
            attached: Vec::new(),
        })
    }

    /// The standard system for `cores` cores (1 to 8): the standard
    /// placement ([`Placement::standard`]) with UART 0, keyboard interface
    /// 0, timer 0, an empty disk 0 and network interface 0 attached. The
    /// cores' tiles are left for the caller to drive through
    /// [`Soc::port`].
    pub fn standard(cores: u8, config: MeshConfig) -> Result<Soc, SocError> {
        let mut soc = Soc::new(config, Placement::standard(cores)?)?;
        for device in [
            Device::Uart(Uart::new(0)),
            Device::Keyboard(Keyboard::new(0)),
            Device::Timer(Timer::new(0)),
            Device::Disk(Disk::new(0, Vec::new())),
            Device::NetworkInterface(NetworkInterface::new(0)),
        ] {
            soc.attach_device(device)?;
        }
        Ok(soc)
    }

    /// Attaches a device at its tile.
    pub fn attach_device(&mut self, device: Device) -> Result<(), AttachError> {
        self.attach(Attached::Device(device))
    }

    /// Attaches any other endpoint at its tile.
    pub fn attach_endpoint(&mut self, endpoint: Box<dyn Endpoint>) -> Result<(), AttachError> {
        self.attach(Attached::Other(endpoint))
    }

    fn attach(&mut self, attached: Attached) -> Result<(), AttachError> {
        let tile = attached.endpoint().tile();
        if self.mesh.placement().position_of(tile).is_none() {
            return Err(AttachError::TileNotPlaced { tile });
        }
        match self
            .attached
            .binary_search_by_key(&tile, |other| other.endpoint().tile())
        {
            Ok(_) => Err(AttachError::TileOccupied { tile }),
            Err(index) => {
                self.attached.insert(index, attached);
                Ok(())
            }
        }
    }

    /// The mesh.
    pub fn mesh(&self) -> &Mesh {
        &self.mesh
    }

    /// The mesh, to send and receive directly.
    pub fn mesh_mut(&mut self) -> &mut Mesh {
        &mut self.mesh
    }

    /// The current cycle.
    pub fn cycle(&self) -> u64 {
        self.mesh.cycle()
    }

    /// The port of a tile the caller drives (a core), for this cycle.
    pub fn port(&mut self, tile: TileId) -> Port<'_> {
        Port::new(&mut self.mesh, tile)
    }

    /// The device at a tile.
    pub fn device(&self, tile: TileId) -> Option<&Device> {
        match self.find(tile)? {
            Attached::Device(device) => Some(device),
            Attached::Other(_) => None,
        }
    }

    /// The device at a tile, to feed or inspect.
    pub fn device_mut(&mut self, tile: TileId) -> Option<&mut Device> {
        let index = self.index_of(tile)?;
        match &mut self.attached[index] {
            Attached::Device(device) => Some(device),
            Attached::Other(_) => None,
        }
    }

    /// The endpoint at a tile (a device or another attached endpoint).
    pub fn endpoint(&self, tile: TileId) -> Option<&dyn Endpoint> {
        self.find(tile).map(Attached::endpoint)
    }

    fn index_of(&self, tile: TileId) -> Option<usize> {
        self.attached
            .binary_search_by_key(&tile, |other| other.endpoint().tile())
            .ok()
    }

    fn find(&self, tile: TileId) -> Option<&Attached> {
        self.index_of(tile).map(|index| &self.attached[index])
    }

    /// Runs one cycle with endpoints the caller owns (the cores): each of
    /// them steps on its port, in the order given, then every attached
    /// endpoint in tile order, then the mesh.
    pub fn step_with<E: Endpoint>(&mut self, external: &mut [E]) {
        for endpoint in external.iter_mut() {
            let mut port = Port::new(&mut self.mesh, endpoint.tile());
            endpoint.step(&mut port);
        }
        self.step();
    }

    /// Runs [`Soc::step_with`] until the system and the caller's endpoints
    /// are quiet (see [`Soc::is_quiet`]), or until `limit` more cycles have
    /// passed. Returns whether it became quiet.
    pub fn run_until_quiet_with<E: Endpoint>(&mut self, external: &mut [E], limit: u64) -> bool {
        let quiet = |soc: &Soc, external: &[E]| {
            soc.is_quiet()
                && external
                    .iter()
                    .all(|endpoint| endpoint.is_quiet() && soc.mesh.waiting(endpoint.tile()) == 0)
        };
        for _ in 0..limit {
            if quiet(self, external) {
                return true;
            }
            self.step_with(external);
        }
        quiet(self, external)
    }

    /// Runs one cycle: every attached endpoint in tile order, then the mesh.
    pub fn step(&mut self) {
        for attached in &mut self.attached {
            let endpoint = attached.endpoint_mut();
            let mut port = Port::new(&mut self.mesh, endpoint.tile());
            endpoint.step(&mut port);
        }
        self.mesh.step();
    }

    /// Runs until nothing is in flight and every attached endpoint is quiet
    /// with nothing waiting in its FIFO, or until `limit` more cycles have
    /// passed. Returns whether it became quiet.
    pub fn run_until_quiet(&mut self, limit: u64) -> bool {
        for _ in 0..limit {
            if self.is_quiet() {
                return true;
            }
            self.step();
        }
        self.is_quiet()
    }

    /// Whether nothing is in flight and every attached endpoint is quiet
    /// with an empty input FIFO.
    pub fn is_quiet(&self) -> bool {
        self.mesh.packets_in_flight() == 0
            && self.attached.iter().all(|attached| {
                let endpoint = attached.endpoint();
                endpoint.is_quiet() && self.mesh.waiting(endpoint.tile()) == 0
            })
    }

    /// The first cycle, from the current one on, at which stepping can
    /// change anything: the current cycle while a packet is in flight, an
    /// attached endpoint's FIFO holds a packet or a device has a packet to
    /// send or work to do; otherwise the earliest cycle a device's timed
    /// work falls due (a timer tick, a scripted key, a UART byte); `None`
    /// when nothing will ever happen without a new packet. Endpoints the
    /// system-on-chip does not own are the caller's to account for.
    pub fn next_event_cycle(&self) -> Option<u64> {
        let now = self.cycle();
        if self.mesh.packets_in_flight() > 0 {
            return Some(now);
        }
        let mut next: Option<u64> = None;
        for attached in &self.attached {
            let endpoint = attached.endpoint();
            let due = if self.mesh.waiting(endpoint.tile()) > 0 {
                Some(now)
            } else {
                match attached {
                    Attached::Device(device) => device.next_event_cycle(now),
                    // Not a device: stepped every cycle unless quiet.
                    Attached::Other(other) => (!other.is_quiet()).then_some(now),
                }
            };
            if let Some(due) = due {
                next = Some(next.map_or(due, |next: u64| next.min(due)));
            }
        }
        next
    }

    /// Advances `cycles` cycles in which, by [`Soc::next_event_cycle`],
    /// nothing can change: exactly what as many [`Soc::step`]s would do.
    /// Returns false, and does nothing, if something is due before then.
    pub fn skip_idle_cycles(&mut self, cycles: u64) -> bool {
        let now = self.cycle();
        if self
            .next_event_cycle()
            .is_some_and(|due| due < now + cycles)
        {
            return false;
        }
        self.mesh.skip_idle_cycles(cycles)
    }

    /// Takes the bytes every UART transmitted, in tile order.
    pub fn take_console_output(&mut self) -> Vec<u8> {
        let mut output = Vec::new();
        for attached in &mut self.attached {
            if let Attached::Device(Device::Uart(uart)) = attached {
                output.extend(uart.take_output());
            }
        }
        output
    }

    /// The packets dropped since the last call (see [`Mesh::take_overflows`]).
    pub fn take_overflows(&mut self) -> Vec<Overflow> {
        self.mesh.take_overflows()
    }
}
