//! The effects-native machine: one core of ISA v0.4 (and the project's
//! v0.5 extensions), its memory, its handler CAM, and the devices its
//! remote PERFs reach.
//!
//! Input: an [`Image`] to load and a cycle budget to run for. Output: the
//! machine's state (registers, memory, [`Stats`]), bytes the devices wrote
//! for the host (the UART's console), a [`RunOutcome`], and, when asked,
//! one [`TraceRecord`] per retired instruction.
//!
//! This crate must not know about assembly text, source languages, files or
//! terminals: it takes images and gives back data. Disassembly for traces
//! and trap reports is the caller's business (the CLI uses `cml-asm`).
//!
//! How it runs: every memory word has a pre-decoded [`decoded::Op`] slot,
//! filled lazily from the ISA table's decoder and reset by every store. The
//! dispatch loop in `execute.rs` is a plain `loop { match }` over those
//! slots with tag and value packed in one `u32` per register; PERF, RESU,
//! MATCH and faults leave the loop for cold functions in `effects.rs`,
//! `handlers.rs` and `faults.rs`. The observable behaviour (registers,
//! memory, cycles) never depends on how the loop is made fast.
//!
//! ```
//! use cml_machine::{Machine, RunOutcome};
//! use cml_image::{Image, Segment};
//! use cml_isa::IsaVersion;
//! // LI v0, 0x41 / PERF family=2, op=0, v0 / HALT: chapter 9 prints "A".
//! let mut image = Image::new(IsaVersion::V0_4);
//! image.segments.push(Segment { origin: 0, words: vec![0x0041, 0x7900, 0x9800] });
//! let mut machine = Machine::boot_bare_program(&image, IsaVersion::V0_4).unwrap();
//! assert_eq!(machine.run(1_000), RunOutcome::Halted);
//! assert_eq!(machine.take_console_output(), b"A");
//! ```

#![forbid(unsafe_code)]

mod boot;
mod continuation;
mod cost;
mod decoded;
mod effects;
mod execute;
mod fault;
mod handlers;
mod multicore;
mod noc;
mod reference;
mod stats;
mod trace;
mod value;

use std::collections::VecDeque;

use cml_image::Image;
use cml_isa::{IsaVersion, Packet, Register};

pub use boot::{LoadError, MemoryMap};
pub use cost::*;
pub use fault::Fault;
pub use handlers::HandlerFrame;
pub use multicore::{CoreNocStats, SharedMemory};
pub use noc::{Device, HostOutput, PacketRecorder, Uart, UART_TILE};
pub use stats::Stats;
pub use trace::{Dispatch, Event, TraceRecord};
pub use value::Value;

use decoded::Op;
use handlers::HandlerStack;

/// Words of memory: the whole 16-bit address space.
pub const MEMORY_WORDS: usize = 1 << 16;

/// Memory words: one per address, and two past the end that no address
/// reaches and that stay zero, so that the dispatch loop can index a
/// three-word stack frame at any u16 sp without a bounds test.
pub(crate) const WORD_SLOTS: usize = MEMORY_WORDS + 2;

/// Pre-decoded slots: one per word, and two past the end that are never
/// decoded, so that the dispatch loop can read a fused sequence's later
/// instructions at `pc + 1` and `pc + 2` without wrapping (no sequence
/// runs past the last word).
pub(crate) const DECODED_SLOTS: usize = MEMORY_WORDS + 2;

/// How many packets the core's outbound NoC queue holds.
pub const OUTBOUND_QUEUE_CAPACITY: usize = 16;

/// How a call to [`Machine::run`] ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunOutcome {
    /// The core halted and nothing is in flight: the program ended.
    Halted,
    /// The cycle count reached the limit given to `run`.
    CycleLimit,
    /// A fault went unhandled; the machine stopped.
    Trapped(Box<TrapReport>),
}

/// Everything a person needs to act on an unhandled fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrapReport {
    /// The fault.
    pub fault: Fault,
    /// Whether it happened while delivering another fault.
    pub double_fault: bool,
    /// The address of the instruction that faulted.
    pub pc: u16,
    /// The word there, and the word after it (for disassembly).
    pub words: [u16; 2],
    /// The registers when it faulted.
    pub registers: [Value; 8],
    /// The stack pointer.
    pub sp: u16,
    /// The heap pointer.
    pub hp: u16,
    /// The cycle count.
    pub cycle: u64,
}

/// Which implementation executes instructions. Both give the same
/// registers, memory, cycles and outcome; `Reference` is slower and exists
/// to check `Fast` against and to debug it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// The dispatch loop's fast path, falling back to the reference
    /// implementation for everything unusual.
    #[default]
    Fast,
    /// The reference implementation alone (`reference.rs`).
    Reference,
}

/// Whether the core is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CoreState {
    Running,
    Halted,
    Stopped,
}

/// One core with its memory and devices.
///
/// Invariants: `decoded[a]` is `Op::NotDecoded` or the decoding of
/// `words[a]` at address `a`; `hp <= sp <= stack_base`;
/// `attempts + extra_cycles` is the cycle count.
pub struct Machine {
    pub(crate) registers: [u32; 8],
    pub(crate) pc: u16,
    pub(crate) sp: u16,
    pub(crate) hp: u16,
    /// Where the heap started when the image was loaded.
    pub(crate) heap_start: u16,
    pub(crate) map: MemoryMap,
    pub(crate) core_id: u8,
    /// Control register 7, GP: the address of this core's block of
    /// top-level values (v0.5, `docs/isa-decisions.md`, "The globals
    /// pointer"). The machine only keeps it; software gives it meaning.
    pub(crate) globals_pointer: u16,
    pub(crate) isa: IsaVersion,
    pub(crate) engine: Engine,
    pub(crate) words: Box<[u16; WORD_SLOTS]>,
    pub(crate) decoded: Box<[Op; DECODED_SLOTS]>,
    /// Every slot ever decoded lies in `decoded_start..decoded_end`
    /// (empty while both are 0); the range never shrinks. A store outside
    /// it has no slot to reset, which lets the dispatch loop's stack
    /// stores skip the reset (the stack lies above the code).
    pub(crate) decoded_start: usize,
    pub(crate) decoded_end: usize,
    /// Whether pre-decoding fuses pairs (always, but for the tests that
    /// check fusing changes nothing observable).
    pub(crate) fusion: bool,
    pub(crate) handlers: HandlerStack,
    /// The first consumed CONT_REC available for reuse.
    pub(crate) continuation_free_list: Option<u16>,
    pub(crate) outbound: VecDeque<Packet>,
    pub(crate) devices: Vec<Box<dyn Device>>,
    pub(crate) host: HostOutput,
    pub(crate) stats: Stats,
    /// Instructions issued (retired or not): one cycle each.
    pub(crate) attempts: u64,
    /// Issued instructions that did not retire (faults).
    pub(crate) not_retired: u64,
    /// Cycles beyond one per issued instruction.
    pub(crate) extra_cycles: u64,
    /// `attempts` may not reach this: the cycle limit less `extra_cycles`.
    pub(crate) attempt_limit: u64,
    /// `attempts` limit for [`Machine::step`], set by `set_cycle_limit`.
    pub(crate) step_limit: u64,
    pub(crate) lowest_sp: u16,
    pub(crate) state: CoreState,
    /// Whether a fault is being delivered (a fault now is a double fault).
    pub(crate) delivering_fault: bool,
    /// Events of the current instruction, collected only when tracing.
    pub(crate) events: Option<Vec<Event>>,
    /// The NoC interface, once the core joined a mesh (`multicore.rs`).
    pub(crate) nic: Option<Box<multicore::NocInterface>>,
    /// Stores to this address and above fault `RomWrite` (the boot ROM,
    /// [`Machine::set_rom_base`]); 0x10000 when nothing is read-only.
    pub(crate) write_limit: u32,
}

impl Machine {
    /// A machine with zeroed memory, the default memory map, no devices,
    /// an empty effect table (every entry Unhandled) and pc 0.
    pub fn new(isa: IsaVersion) -> Machine {
        let map = MemoryMap::default();
        Machine {
            registers: [0; 8],
            pc: 0,
            sp: map.stack_base,
            hp: 0,
            heap_start: 0,
            map,
            core_id: 0,
            globals_pointer: 0,
            isa,
            engine: Engine::Fast,
            words: vec![0u16; WORD_SLOTS]
                .into_boxed_slice()
                .try_into()
                .expect("65538 words"),
            decoded: vec![Op::NOT_DECODED; DECODED_SLOTS]
                .into_boxed_slice()
                .try_into()
                .expect("65538 slots"),
            decoded_start: 0,
            decoded_end: 0,
            fusion: true,
            handlers: HandlerStack::default(),
            continuation_free_list: None,
            outbound: VecDeque::with_capacity(OUTBOUND_QUEUE_CAPACITY),
            devices: Vec::new(),
            host: HostOutput::default(),
            stats: Stats::default(),
            attempts: 0,
            not_retired: 0,
            extra_cycles: 0,
            attempt_limit: 0,
            step_limit: u64::MAX,
            lowest_sp: map.stack_base,
            state: CoreState::Running,
            delivering_fault: false,
            events: None,
            nic: None,
            write_limit: MEMORY_WORDS as u32,
        }
    }

    /// The ISA version the machine runs.
    pub fn isa(&self) -> IsaVersion {
        self.isa
    }

    /// Chooses the implementation that executes instructions.
    pub fn set_engine(&mut self, engine: Engine) {
        self.engine = engine;
    }

    /// A register's contents.
    pub fn register(&self, register: Register) -> Value {
        Value(self.registers[register.index()])
    }

    /// All eight registers.
    pub fn registers(&self) -> [Value; 8] {
        self.registers.map(Value)
    }

    /// Sets a register.
    pub fn set_register(&mut self, register: Register, value: Value) {
        self.registers[register.index()] = value.0;
    }

    /// The program counter.
    pub fn pc(&self) -> u16 {
        self.pc
    }

    /// Sets the program counter.
    pub fn set_pc(&mut self, pc: u16) {
        self.pc = pc;
    }

    /// The stack pointer.
    pub fn sp(&self) -> u16 {
        self.sp
    }

    /// The heap pointer.
    pub fn hp(&self) -> u16 {
        self.hp
    }

    /// The memory map in force.
    pub fn memory_map(&self) -> MemoryMap {
        self.map
    }

    /// A memory word.
    pub fn read(&self, address: u16) -> u16 {
        self.words[address as usize]
    }

    /// Writes a memory word (as a store would: the word's decoded slot is
    /// reset).
    pub fn write(&mut self, address: u16, value: u16) {
        self.write_word(address, value);
    }

    /// The statistics so far.
    pub fn stats(&self) -> Stats {
        let mut stats = self.stats.clone();
        stats.cycles = self.cycles();
        stats.instructions = self.attempts - self.not_retired;
        stats.peak_stack_words = self.map.stack_base.saturating_sub(self.lowest_sp) as u32;
        stats
    }

    /// The cycle count so far.
    pub fn cycles(&self) -> u64 {
        self.attempts + self.extra_cycles
    }

    /// Whether the core has halted.
    pub fn is_halted(&self) -> bool {
        self.state == CoreState::Halted
    }

    /// Attaches a device at its tile.
    pub fn attach_device(&mut self, device: Box<dyn Device>) {
        self.devices
            .retain(|existing| existing.tile() != device.tile());
        self.devices.push(device);
    }

    /// The attached device at a tile, if any.
    pub fn device(&self, tile: u8) -> Option<&dyn Device> {
        self.devices
            .iter()
            .find(|device| device.tile() == tile)
            .map(|device| device.as_ref())
    }

    /// Takes the bytes devices have written to the host console so far.
    pub fn take_console_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.host.console)
    }

    /// The installed handler frames, oldest first (CAM and spill together).
    pub fn handler_frames(&self) -> Vec<HandlerFrame> {
        self.all_frames_in_install_order()
    }

    /// Loads an image: writes its segments, sets pc to its entry and the
    /// heap to start after the highest loaded word below the stack.
    pub fn load_image(&mut self, image: &Image) -> Result<(), LoadError> {
        boot::load_image(self, image)
    }

    /// A machine set up for a bare program, as `cml run` starts one until
    /// the boot ROM exists: a UART at tile 0x10 writing to the host
    /// console, effect (2, 0) bound to Remote(0x10, 0x01) (the book's
    /// chapter 9 example), and the image loaded, running `isa` (which may
    /// differ from the version the image was assembled for).
    pub fn boot_bare_program(image: &Image, isa: IsaVersion) -> Result<Machine, LoadError> {
        boot::boot_bare_program(image, isa)
    }

    /// Charges cycles beyond issue, keeping the cycle limit in force.
    #[inline]
    pub(crate) fn charge(&mut self, cycles: u64) {
        self.extra_cycles += cycles;
        self.attempt_limit = self.attempt_limit.saturating_sub(cycles);
        self.step_limit = self.step_limit.saturating_sub(cycles);
    }

    /// Writes a word and makes the decoded slots that depend on it forget
    /// it: its own, and the one before, which may be a fused pair whose
    /// second half is this word (`decoded::forget_word`).
    #[inline(always)]
    pub(crate) fn write_word(&mut self, address: u16, value: u16) {
        self.words[address as usize] = value;
        decoded::forget_word(&mut self.decoded, address as usize);
    }

    /// Records a trace event when tracing.
    #[inline]
    pub(crate) fn record(&mut self, event: impl FnOnce() -> Event) {
        if let Some(events) = &mut self.events {
            events.push(event());
        }
    }
}

impl std::fmt::Debug for Machine {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Machine")
            .field("pc", &self.pc)
            .field("sp", &self.sp)
            .field("hp", &self.hp)
            .field("registers", &self.registers())
            .field("cycles", &self.cycles())
            .finish_non_exhaustive()
    }
}
