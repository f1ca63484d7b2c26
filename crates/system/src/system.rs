//! The runner: cores and the system-on-chip stepped together, one cycle at
//! a time.
//!
//! Each cycle, in core order (or, with a non-zero seed, an order drawn from
//! it), every core whose previous instruction has finished (its cycles are
//! spent) does one thing at its instruction boundary:
//!
//! 1. answers an Identify request waiting in its FIFO (in hardware), or
//! 2. surfaces the oldest waiting packet as a hardware PERF (0xF, op),
//!    provided it retired an instruction since the last one, or
//! 3. issues one instruction.
//!
//! A halted core wakes when a packet waits. Then the devices step and the
//! mesh moves packets, packets dropped for overflow raise NocOverflow on
//! the core that sent them, and the cycle ends. Everything is a function of
//! the inputs: the same inputs give the same trace, cycle for cycle.

use cml_image::Image;
use cml_isa::{EffectId, EffectTableEntry, IsaVersion, Packet};
use cml_machine::{
    CoreNocStats, Engine, Machine, RunOutcome, SharedMemory, Stats, TraceRecord, TrapReport,
};
use cml_soc::devices::{Disk, KeyEvent, Keyboard, NetworkInterface, Timer, Uart};
use cml_soc::protocol::{IdentifyReply, OP_IDENTIFY};
use cml_soc::{Device, HopRecord, MeshConfig, MeshStats, Soc, SocError, TileId};

use crate::layout::{self, Layout, BOOT_DATA, PARAMETERS, ROM_BASE};

/// How the cores start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BootMode {
    /// The boot ROM (C.8): every core starts at 0xFE00.
    #[default]
    Rom,
    /// No ROM: every core starts at the image's entry with effect (2, 0)
    /// bound to the first UART, as a bare program does.
    Bare,
}

/// What the system is made of.
#[derive(Clone, Debug)]
pub struct SystemConfig {
    /// Cores (1 to 8).
    pub cores: u8,
    /// The mesh's timing and buffers.
    pub mesh: MeshConfig,
    /// How the cores start.
    pub boot: BootMode,
    /// The ISA the cores run (the ROM needs v0.5).
    pub isa: IsaVersion,
    /// The machine implementation.
    pub engine: Engine,
    /// 0: cores act in ID order each cycle; otherwise the order of each
    /// cycle is drawn from this seed.
    pub seed: u64,
}

impl Default for SystemConfig {
    fn default() -> SystemConfig {
        SystemConfig {
            cores: 1,
            mesh: MeshConfig::default(),
            boot: BootMode::Rom,
            isa: IsaVersion::V0_5,
            engine: Engine::Fast,
            seed: 0,
        }
    }
}

/// What the host feeds the devices.
#[derive(Clone, Debug, Default)]
pub struct HostInputs {
    /// Bytes UART 0 receives.
    pub uart: Vec<u8>,
    /// Key events for keyboard 0.
    pub keys: Vec<KeyEvent>,
    /// Disk 0's image (empty: a disk with no sectors).
    pub disk: Vec<u8>,
    /// Frames network interface 0 receives.
    pub frames: Vec<Vec<u8>>,
}

/// Why a system cannot be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SystemError {
    /// The mesh or a device could not be set up.
    Soc(String),
    /// A segment reaches into the stacks' system areas or the ROM.
    ImageTooLarge {
        /// The segment's origin.
        origin: u16,
        /// One past its end.
        end: u32,
        /// The first word it may not reach.
        limit: u16,
    },
    /// The entry point is not inside the image.
    EntryOutsideImage {
        /// The entry point.
        entry: u16,
    },
    /// The boot ROM did not assemble (a bug of this crate).
    Rom(String),
    /// The boot ROM is v0.5 code.
    RomNeedsV05,
}

impl std::fmt::Display for SystemError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SystemError::Soc(message) | SystemError::Rom(message) => formatter.write_str(message),
            SystemError::ImageTooLarge { origin, end, limit } => write!(
                formatter,
                "the segment at {origin:#06x}..{end:#06x} runs into the stack and the cores' system areas, which start at {limit:#06x}"
            ),
            SystemError::EntryOutsideImage { entry } => {
                write!(formatter, "the entry point {entry:#06x} is not inside the image")
            }
            SystemError::RomNeedsV05 => formatter.write_str(
                "the boot ROM uses ISA v0.5 control registers; run v0.4 programs with --boot bare",
            ),
        }
    }
}

impl std::error::Error for SystemError {}

impl From<SocError> for SystemError {
    fn from(error: SocError) -> SystemError {
        SystemError::Soc(error.to_string())
    }
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SystemOutcome {
    /// Every core halted, nothing in flight, every device quiet.
    Halted,
    /// The cycle limit came first.
    CycleLimit,
    /// A core stopped on a fault nothing handled.
    Trapped {
        /// The core.
        core: u8,
        /// The report.
        report: Box<TrapReport>,
    },
}

/// One core and the runner's bookkeeping for it.
struct Core {
    machine: Machine,
    tile: TileId,
    /// The first global cycle it may issue again.
    ready_at: u64,
    /// Global cycles it spent halted.
    halted_cycles: u64,
    /// Its statistics and the global cycle when it entered the program.
    entered: Option<(Stats, u64)>,
    /// Identify requests answered in hardware.
    identify_answered: u64,
    /// Packets it sent that were dropped, NocOverflow not yet raised (it
    /// waits, as a packet does, until the core takes hardware effects).
    overflows: std::collections::VecDeque<Packet>,
}

/// Per-core figures for `--stats`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoreReport {
    /// The core's ID.
    pub core: u8,
    /// Its statistics since it entered the program (all of them when it
    /// never did).
    pub program: Stats,
    /// Cycles the boot ROM took on it, if it entered the program.
    pub boot_cycles: Option<u64>,
    /// Global cycles it was busy (issuing, stalled or in a hardware PERF).
    pub busy_cycles: u64,
    /// Global cycles it was halted.
    pub halted_cycles: u64,
    /// Its NoC interface.
    pub noc: CoreNocStats,
    /// Identify requests it answered.
    pub identify_answered: u64,
}

/// The whole system: cores, their shared memory, the mesh and devices.
pub struct System {
    soc: Soc,
    cores: Vec<Core>,
    memory: SharedMemory,
    layout: Layout,
    /// Whether the cores boot from the ROM.
    rom: bool,
    order: Vec<usize>,
    seed: u64,
    reachable: u64,
    trace: Vec<HopRecord>,
    tracing: bool,
    /// Whether each core's program instructions are traced (from its
    /// entry on; the ROM's are not).
    tracing_instructions: bool,
    instruction_trace: Vec<(u8, TraceRecord)>,
}

impl System {
    /// A system running `image` with the standard placement and devices.
    pub fn new(
        config: &SystemConfig,
        image: &Image,
        inputs: HostInputs,
    ) -> Result<System, SystemError> {
        let mut soc = Soc::new(
            config.mesh,
            cml_soc::Placement::standard(config.cores)
                .map_err(|error| SystemError::Soc(error.to_string()))?,
        )?;
        let mut uart = Uart::new(0);
        uart.push_input(&inputs.uart);
        let mut keyboard = Keyboard::new(0);
        keyboard.push_events(&inputs.keys);
        let mut network = NetworkInterface::new(0);
        for frame in inputs.frames {
            network
                .push_incoming(frame)
                .map_err(|error| SystemError::Soc(error.to_string()))?;
        }
        for device in [
            Device::Uart(uart),
            Device::Keyboard(keyboard),
            Device::Timer(Timer::new(0)),
            Device::Disk(Disk::new(0, inputs.disk)),
            Device::NetworkInterface(network),
        ] {
            soc.attach_device(device)
                .map_err(|error| SystemError::Soc(error.to_string()))?;
        }
        System::with_soc(config, image, soc)
    }

    /// A system running `image` on a system-on-chip the caller built (its
    /// placement must hold tiles 0x00.. for the cores).
    pub fn with_soc(config: &SystemConfig, image: &Image, soc: Soc) -> Result<System, SystemError> {
        let cores = config.cores.clamp(1, 8);
        let rom_boot = config.boot == BootMode::Rom;
        if rom_boot && config.isa < IsaVersion::V0_5 {
            return Err(SystemError::RomNeedsV05);
        }
        let layout0 = Layout::new(cores, 0);
        let limit = layout0.system_bottom();
        let image_end = layout::image_end(image, limit)
            .map_err(|(origin, end)| SystemError::ImageTooLarge { origin, end, limit })?;
        if !image.segments.is_empty() && image.word_at(image.entry).is_none() {
            return Err(SystemError::EntryOutsideImage { entry: image.entry });
        }
        let layout = Layout::new(cores, image_end);
        let mut memory = SharedMemory::new();
        for segment in &image.segments {
            for (offset, &word) in segment.words.iter().enumerate() {
                memory.write(segment.origin.wrapping_add(offset as u16), word);
            }
        }
        let placement = soc.mesh().placement().clone();
        let reachable = placement
            .tiles()
            .fold(0u64, |mask, (tile, _)| mask | (1u64 << tile.id()));
        let rom = if rom_boot {
            let mut words = layout::rom_words().map_err(SystemError::Rom)?.to_vec();
            let hops = u64::from(placement.width()) + u64::from(placement.height());
            let timeout_cycles = 256 + 8 * hops * u64::from(config.mesh.hop_latency);
            let iterations = (timeout_cycles / 4).min(0x7FFF) as u16;
            let block = layout.parameter_block(image.entry, iterations);
            let at = (PARAMETERS - ROM_BASE) as usize;
            words[at..at + block.len()].copy_from_slice(&block);
            for (offset, &word) in words.iter().enumerate() {
                memory.write(ROM_BASE + offset as u16, word);
            }
            true
        } else {
            false
        };
        let mut machines = Vec::new();
        for core in 0..cores {
            let mut machine = Machine::new(config.isa);
            machine.set_engine(config.engine);
            machine.join_mesh(core, reachable);
            machine.set_memory_map(layout.memory_map(core));
            machine.set_heap_start(layout.heap_start(core));
            if rom_boot {
                machine.set_pc(ROM_BASE);
                machine.set_rom_base(ROM_BASE);
            } else {
                machine.set_pc(image.entry);
                machine.exchange_memory(&mut memory);
                machine.set_effect_table_entry(
                    EffectId::new(2, 0),
                    EffectTableEntry::Remote {
                        destination_tile: TileId::uart(0).id(),
                        device_op: 0x01,
                    },
                );
                machine.exchange_memory(&mut memory);
            }
            machines.push(Core {
                machine,
                tile: TileId::core(core),
                ready_at: 0,
                halted_cycles: 0,
                entered: None,
                identify_answered: 0,
                overflows: std::collections::VecDeque::new(),
            });
        }
        if !rom_boot {
            for core in &mut machines {
                core.entered = Some((core.machine.core_stats(), 0));
            }
        }
        Ok(System {
            soc,
            order: (0..machines.len()).collect(),
            cores: machines,
            memory,
            layout,
            rom,
            seed: config.seed,
            reachable,
            trace: Vec::new(),
            tracing: false,
            tracing_instructions: false,
            instruction_trace: Vec::new(),
        })
    }

    /// Turns `--trace noc` on: every packet movement is kept for
    /// [`System::take_trace`].
    pub fn set_tracing(&mut self, on: bool) {
        self.tracing = on;
        self.soc.mesh_mut().set_tracing(on);
    }

    /// Turns instruction tracing on: one record per instruction each core
    /// issues in the program (not in the boot ROM), for
    /// [`System::take_instruction_trace`].
    pub fn set_instruction_tracing(&mut self, on: bool) {
        self.tracing_instructions = on;
    }

    /// The instruction records since the last call, with their core.
    pub fn take_instruction_trace(&mut self) -> Vec<(u8, TraceRecord)> {
        std::mem::take(&mut self.instruction_trace)
    }

    /// The hop records since the last call.
    pub fn take_trace(&mut self) -> Vec<HopRecord> {
        std::mem::take(&mut self.trace)
    }

    /// The system-on-chip (placement, devices, mesh statistics).
    pub fn soc(&self) -> &Soc {
        &self.soc
    }

    /// The system-on-chip, to feed or drain devices.
    pub fn soc_mut(&mut self) -> &mut Soc {
        &mut self.soc
    }

    /// The memory layout.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The global cycle.
    pub fn cycle(&self) -> u64 {
        self.soc.cycle()
    }

    /// A word of the shared memory.
    pub fn read(&self, address: u16) -> u16 {
        self.memory.read(address)
    }

    /// A core's machine (registers, pc, statistics). Its memory is not the
    /// shared one: read memory with [`System::read`].
    pub fn core(&self, core: u8) -> Option<&Machine> {
        self.cores.get(core as usize).map(|core| &core.machine)
    }

    /// The global cycle at which a core entered the program (0 for a bare
    /// boot), once it has.
    pub fn entry_cycle(&self, core: u8) -> Option<u64> {
        self.cores
            .get(core as usize)
            .and_then(|core| core.entered.as_ref().map(|(_, cycle)| *cycle))
    }

    /// How many cores.
    pub fn core_count(&self) -> u8 {
        self.cores.len() as u8
    }

    /// Bytes the UARTs transmitted since the last call.
    pub fn take_console_output(&mut self) -> Vec<u8> {
        self.soc.take_console_output()
    }

    /// The mesh's statistics.
    pub fn mesh_stats(&self) -> &MeshStats {
        self.soc.mesh().stats()
    }

    /// Per-core figures.
    pub fn core_reports(&self) -> Vec<CoreReport> {
        let now = self.cycle();
        self.cores
            .iter()
            .enumerate()
            .map(|(index, core)| {
                let stats = core.machine.core_stats();
                let (program, boot_cycles) = match &core.entered {
                    Some((at_entry, cycle)) => {
                        (subtract(&stats, at_entry), self.rom.then_some(*cycle))
                    }
                    None => (stats.clone(), None),
                };
                CoreReport {
                    core: index as u8,
                    program,
                    boot_cycles,
                    busy_cycles: now.saturating_sub(core.halted_cycles).min(stats.cycles),
                    halted_cycles: core.halted_cycles,
                    noc: core.machine.noc_stats(),
                    identify_answered: core.identify_answered,
                }
            })
            .collect()
    }

    /// The device map the boot ROM built: (tile, Identify reply) for every
    /// tile that answered.
    pub fn device_map(&self) -> Vec<(TileId, IdentifyReply)> {
        (0..64u8)
            .filter_map(|tile| {
                let kind = self.memory.read(layout::DEVICE_MAP + tile as u16);
                if kind == 0 {
                    return None;
                }
                let capabilities = self.memory.read(layout::DEVICE_CAPABILITIES + tile as u16);
                let payload = ((kind as u32) << 16) | capabilities as u32;
                Some((
                    TileId::from_packet_field(tile),
                    IdentifyReply::decode(payload),
                ))
            })
            .collect()
    }

    /// Whether every core halted with nothing in flight and every device
    /// is quiet.
    pub fn is_finished(&self) -> bool {
        self.cores.iter().all(|core| {
            core.machine.is_halted()
                && core.overflows.is_empty()
                && self.soc.mesh().waiting(core.tile) == 0
        }) && self.soc.is_quiet()
    }

    /// Runs until every core halted with nothing in flight, a fault goes
    /// unhandled, or the global cycle reaches `max_cycles`.
    pub fn run(&mut self, max_cycles: u64) -> SystemOutcome {
        loop {
            if self.is_finished() {
                return SystemOutcome::Halted;
            }
            if self.cycle() >= max_cycles {
                return SystemOutcome::CycleLimit;
            }
            self.skip_idle_cycles(max_cycles);
            if self.cycle() >= max_cycles {
                return SystemOutcome::CycleLimit;
            }
            if let Some(trap) = self.step() {
                return trap;
            }
        }
    }

    /// When no core can act (each is halted with nothing waiting for it,
    /// or stopped), advances the global cycle straight to the next cycle
    /// at which the system-on-chip has something to do (a packet in
    /// flight, a timer tick, a scripted key), or to `max_cycles`: what
    /// stepping every cycle in between would have done, and nothing else.
    fn skip_idle_cycles(&mut self, max_cycles: u64) {
        let idle = self.cores.iter().all(|core| {
            core.machine.is_stopped()
                || (core.machine.is_halted()
                    && core.overflows.is_empty()
                    && self.soc.mesh().waiting(core.tile) == 0)
        });
        if !idle {
            return;
        }
        let now = self.cycle();
        let target = self
            .soc
            .next_event_cycle()
            .map_or(max_cycles, |due| due.min(max_cycles));
        if target <= now || !self.soc.skip_idle_cycles(target - now) {
            return;
        }
        for core in &mut self.cores {
            if core.machine.is_halted() {
                core.halted_cycles += target - now;
            }
        }
        // A seeded order is shuffled afresh from the last one each cycle.
        if self.seed != 0 && self.order.len() >= 2 {
            for cycle in now..target {
                self.choose_order(cycle);
            }
        }
    }

    /// Runs one global cycle. Returns the outcome when a core trapped.
    pub fn step(&mut self) -> Option<SystemOutcome> {
        let cycle = self.cycle();
        self.choose_order(cycle);
        for position in 0..self.order.len() {
            let index = self.order[position];
            if let Some(report) = self.step_core(index, cycle) {
                return Some(SystemOutcome::Trapped {
                    core: index as u8,
                    report,
                });
            }
        }
        self.soc.step();
        for overflow in self.soc.take_overflows() {
            let sender = overflow.sender();
            if let Some(core) = self.cores.iter_mut().find(|core| core.tile == sender) {
                core.overflows.push_back(overflow.packet);
            }
        }
        if self.tracing {
            self.trace.extend(self.soc.mesh_mut().take_trace());
        }
        None
    }

    /// The order the cores act in this cycle.
    fn choose_order(&mut self, cycle: u64) {
        if self.seed == 0 || self.order.len() < 2 {
            return;
        }
        // A Fisher-Yates shuffle driven by a splitmix of (seed, cycle).
        let mut state = self.seed ^ cycle.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for index in (1..self.order.len()).rev() {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut mixed = state;
            mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            mixed ^= mixed >> 31;
            let other = (mixed % (index as u64 + 1)) as usize;
            self.order.swap(index, other);
        }
    }

    /// One core's turn in `cycle`.
    fn step_core(&mut self, index: usize, cycle: u64) -> Option<Box<TrapReport>> {
        let core = &mut self.cores[index];
        if core.machine.is_stopped() {
            return None;
        }
        let tile = core.tile;
        // Identify requests (payload 0) are answered by the NoC interface.
        if let Some(packet) = self.soc.mesh().peek(tile) {
            if packet.op == OP_IDENTIFY && packet.payload == 0 {
                let status = if core.machine.is_halted() { 1 } else { 0 };
                let reply = Packet {
                    destination: packet.source,
                    source: tile.id(),
                    op: OP_IDENTIFY,
                    flags: 0,
                    payload: IdentifyReply::core(tile.id(), status).encode(),
                };
                if self.soc.mesh().can_send(tile) {
                    let mut port = self.soc.port(tile);
                    let _ = port.receive();
                    let _ = port.send(reply);
                    core.identify_answered += 1;
                }
            }
        }
        let waiting = self.soc.mesh().waiting(tile) + core.overflows.len();
        if core.machine.is_halted() {
            if waiting == 0 {
                core.halted_cycles += 1;
                return None;
            }
            core.machine.wake();
            core.ready_at = core.ready_at.max(cycle);
        }
        if core.ready_at > cycle {
            return None;
        }
        let room = self.soc.mesh().injection_room(tile);
        core.machine.exchange_memory(&mut self.memory);
        core.machine.set_outbound_room(room);
        let before = core.machine.cycles();
        let mut trap = None;
        let mut delivered = false;
        if waiting > 0 && core.machine.can_take_packet() {
            if let Some(packet) = core.overflows.pop_front() {
                delivered = true;
                trap = core.machine.raise_noc_overflow(packet);
            } else if let Some(packet) = self.soc.port(tile).receive() {
                delivered = true;
                if let Err(report) = core.machine.deliver_packet(packet) {
                    trap = Some(report);
                }
            }
        }
        if !delivered {
            if self.tracing_instructions && core.entered.is_some() {
                match core.machine.step() {
                    Ok(record) => self.instruction_trace.push((index as u8, record)),
                    Err(RunOutcome::Trapped(report)) => trap = Some(report),
                    Err(_) => {}
                }
            } else if let RunOutcome::Trapped(report) = core.machine.issue_one() {
                trap = Some(report);
            }
        }
        core.machine.exchange_memory(&mut self.memory);
        let spent = core.machine.cycles().saturating_sub(before).max(1);
        core.ready_at = cycle + spent;
        if core.entered.is_none() && core.machine.pc() < BOOT_DATA && !core.machine.is_stopped() {
            // The ROM reset HP before the jump; what it allocated (and the
            // continuation free list threading it) is discarded, and the
            // heap's peak is measured from here.
            let hp = core.machine.hp();
            core.machine.set_heap_start(hp);
            core.entered = Some((core.machine.core_stats(), cycle + 1));
        }
        while let Some(packet) = core.machine.take_outbound() {
            // Room was checked, and unreachable tiles faulted the PERF.
            let _ = self.soc.port(tile).send(packet);
        }
        trap
    }

    /// Bit `t` set: tile `t` is on the mesh.
    pub fn reachable_tiles(&self) -> u64 {
        self.reachable
    }
}

/// `after - before` for the counters; peaks are kept from `after`.
fn subtract(after: &Stats, before: &Stats) -> Stats {
    Stats {
        instructions: after.instructions - before.instructions,
        cycles: after.cycles - before.cycles,
        performs_local: after.performs_local - before.performs_local,
        performs_tail_resumptive: after.performs_tail_resumptive - before.performs_tail_resumptive,
        performs_remote: after.performs_remote - before.performs_remote,
        cam_hits: after.cam_hits - before.cam_hits,
        cam_misses: after.cam_misses - before.cam_misses,
        spill_inspections: after.spill_inspections - before.spill_inspections,
        spills: after.spills - before.spills,
        spill_promotions: after.spill_promotions - before.spill_promotions,
        effect_table_lookups: after.effect_table_lookups - before.effect_table_lookups,
        allocations: after.allocations - before.allocations,
        allocated_words: after.allocated_words - before.allocated_words,
        continuations_captured: after.continuations_captured - before.continuations_captured,
        continuations_recycled: after.continuations_recycled - before.continuations_recycled,
        resumes: after.resumes - before.resumes,
        faults: after.faults - before.faults,
        install_id_renumberings: after.install_id_renumberings - before.install_id_renumberings,
        peak_stack_words: after.peak_stack_words,
        peak_heap_words: after.peak_heap_words,
    }
}
