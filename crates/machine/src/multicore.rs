//! The machine as one core of a multicore system-on-chip: the API a
//! system runner (`cml-system`) drives it through.
//!
//! Several cores share one memory (the book's chapter 14 "ship pointers,
//! shared memory" simplification). Each [`Machine`] owns its memory boxes,
//! so that its dispatch loop stays exactly as it is; a runner keeps the one
//! real memory in a [`SharedMemory`] and lends it to each core for its time
//! slice with [`Machine::exchange_memory`], an O(1) swap of the boxes (and
//! of the range of decoded slots, which belongs to the memory).
//!
//! A core that has joined a mesh ([`Machine::join_mesh`]) sends its remote
//! PERFs into its outbound queue instead of to the single-core devices:
//! the runner says how much room the tile's injection queue has
//! ([`Machine::set_outbound_room`]) and takes the packets after the slice
//! ([`Machine::take_outbound`]). A remote PERF that finds no room stalls:
//! it does not retire, pc stays on it, and it is issued again the next
//! cycle (each attempt costs a cycle and is counted in
//! [`CoreNocStats::stall_cycles`]); between attempts the core stays
//! preemptible. A packet that arrives is surfaced by the runner at the next
//! instruction boundary with [`Machine::deliver_packet`] as the hardware
//! PERF (0xF, op): v0 = payload (bits 0-15, INT), v1 = the continuation,
//! v7 = op (INT), and, the project's answer to spec gap 19, v2 = the tile
//! that sent it (INT) and v3 = payload bits 16-31 (INT). The interrupted
//! code's v2 and v3 are in the continuation, so resuming it changes no
//! register. `docs/soc-decisions.md` records the alternatives.

use cml_isa::{EffectId, Packet};

use crate::decoded::{self, Op};
use crate::fault::Fault;
use crate::value::Value;
use crate::{
    cost, CoreState, Machine, MemoryMap, RunOutcome, Stats, TrapReport, DECODED_SLOTS, WORD_SLOTS,
};

/// Set in the saved v0's tag word of a continuation captured by a hardware
/// PERF: RESU then restores v0 as saved instead of delivering its value,
/// since the interrupted code performed nothing and expects no value. The
/// tag word's bits above the 3-bit tag are otherwise unused.
pub(crate) const HARDWARE_MARK: u16 = 0x8000;

/// The one memory the cores of a system share, while no core holds it.
///
/// Invariant (as for a machine's own memory): `decoded[a]` is not decoded
/// or is the decoding of `words[a]`, and every decoded slot lies in
/// `decoded_start..decoded_end`.
pub struct SharedMemory {
    words: Box<[u16; WORD_SLOTS]>,
    decoded: Box<[Op; DECODED_SLOTS]>,
    decoded_start: usize,
    decoded_end: usize,
}

impl SharedMemory {
    /// 65,536 zeroed words, nothing decoded.
    pub fn new() -> SharedMemory {
        SharedMemory {
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
        }
    }

    /// A word.
    pub fn read(&self, address: u16) -> u16 {
        self.words[address as usize]
    }

    /// Writes a word as a store would (the slots that depend on it forget
    /// it).
    pub fn write(&mut self, address: u16, value: u16) {
        self.words[address as usize] = value;
        decoded::forget_word(&mut self.decoded, address as usize);
    }

    /// Whether the words from `start` on equal `expected`.
    pub fn holds(&self, start: u16, expected: &[u16]) -> bool {
        let start = start as usize;
        self.words
            .get(start..start + expected.len())
            .is_some_and(|words| words == expected)
    }

    /// The addresses from `start` on where memory differs from `expected`.
    pub fn differences(&self, start: u16, expected: &[u16]) -> Vec<u16> {
        expected
            .iter()
            .enumerate()
            .filter(|&(offset, &word)| self.read(start.wrapping_add(offset as u16)) != word)
            .map(|(offset, _)| start.wrapping_add(offset as u16))
            .collect()
    }
}

impl Default for SharedMemory {
    fn default() -> SharedMemory {
        SharedMemory::new()
    }
}

impl std::fmt::Debug for SharedMemory {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SharedMemory")
            .field("decoded_start", &self.decoded_start)
            .field("decoded_end", &self.decoded_end)
            .finish_non_exhaustive()
    }
}

/// What a core's NoC interface did, counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CoreNocStats {
    /// Packets remote PERFs put in the outbound queue.
    pub packets_sent: u64,
    /// Cycles remote PERFs stalled on a full injection queue.
    pub stall_cycles: u64,
    /// Packets surfaced as hardware PERFs.
    pub packets_received: u64,
    /// Hardware PERFs whose effect-table entry forwards them (Remote) but
    /// found the outbound queue full: dropped, as a hardware PERF cannot
    /// stall the code it interrupts.
    pub forwards_dropped: u64,
    /// NocOverflow faults raised on this core.
    pub overflows_raised: u64,
}

/// The state of a core's NoC interface, present once it joined a mesh.
#[derive(Clone, Debug, Default)]
pub(crate) struct NocInterface {
    /// Packets the tile's injection queue can still take this slice.
    room: usize,
    /// Bit `t` set: tile `t` is on the mesh.
    reachable: u64,
    /// A hardware PERF is being dispatched (its Remote entry must not
    /// stall).
    in_hardware_perform: bool,
    /// While a surfaced packet's handler runs: the RESU count when it was
    /// surfaced. No other packet is surfaced until a RESU or RESUS
    /// retires (the count grows) or the core halts.
    masked_at_resumes: Option<u64>,
    /// Stalled attempts, counted by `perform` as remote PERFs.
    stalled_performs: u64,
    stats: CoreNocStats,
}

impl Machine {
    /// Makes the words from `base` to the end of memory read-only (the
    /// boot ROM): every store the machine makes there, for an instruction
    /// (ST, STS, SETV, CAS, CALL's frame, ALLOC's header) or on its behalf
    /// (a continuation record, RESU's stack slice), faults `RomWrite`
    /// before the instruction changes anything, and a spill region may not
    /// end above `base` (CSRW SPILLEND faults `RomWrite`). The memory map
    /// in force must already lie below `base`.
    pub fn set_rom_base(&mut self, base: u16) {
        self.write_limit = base as u32;
    }

    /// Issues one instruction (or, when the core is not running, nothing),
    /// as `run` to one cycle more would, but straight through the
    /// reference implementation: the dispatch loop needs three issues to
    /// enter any slot, so for one issue it would only hand the
    /// instruction over, after setting itself up twice. A system
    /// interleaving cores one instruction at a time calls this.
    pub fn issue_one(&mut self) -> RunOutcome {
        let engine = std::mem::replace(&mut self.engine, crate::Engine::Reference);
        let outcome = self.run(self.cycles() + 1);
        self.engine = engine;
        outcome
    }

    /// Joins a mesh as core `core_id`: from now on remote PERFs go to the
    /// outbound queue ([`Machine::take_outbound`]) for tiles whose bit is
    /// set in `reachable_tiles`, and fault `NoDeviceAtTile` for the others.
    pub fn join_mesh(&mut self, core_id: u8, reachable_tiles: u64) {
        self.core_id = core_id;
        self.nic = Some(Box::new(NocInterface {
            reachable: reachable_tiles,
            ..NocInterface::default()
        }));
    }

    /// This core's ID (the CORE control register).
    pub fn core_id(&self) -> u8 {
        self.core_id
    }

    /// Sets the core's ID (the CORE control register).
    pub fn set_core_id(&mut self, core_id: u8) {
        self.core_id = core_id;
    }

    /// Puts the control registers of a memory map in force (stack base,
    /// spill region, effect-table base) and empties the stack. Meant for
    /// reset, before any handler frame is spilled.
    pub fn set_memory_map(&mut self, map: MemoryMap) {
        self.map = map;
        self.sp = map.stack_base;
        self.lowest_sp = map.stack_base;
    }

    /// Starts the heap at `start` (the HP control register and the base
    /// `--stats` measures the heap's peak from), discarding what was
    /// allocated: the free list of consumed continuation records is
    /// emptied.
    pub fn set_heap_start(&mut self, start: u16) {
        self.hp = start;
        self.heap_start = start;
        self.stats.peak_heap_words = 0;
        self.continuation_free_list = None;
    }

    /// Swaps the machine's memory (words, decoded slots and their range)
    /// with `memory`: O(1). A runner lends the shared memory to a core for
    /// its slice and takes it back with a second call.
    pub fn exchange_memory(&mut self, memory: &mut SharedMemory) {
        std::mem::swap(&mut self.words, &mut memory.words);
        std::mem::swap(&mut self.decoded, &mut memory.decoded);
        std::mem::swap(&mut self.decoded_start, &mut memory.decoded_start);
        std::mem::swap(&mut self.decoded_end, &mut memory.decoded_end);
    }

    /// Says how many packets the tile's injection queue takes this slice.
    pub fn set_outbound_room(&mut self, room: usize) {
        if let Some(nic) = &mut self.nic {
            nic.room = room;
        }
    }

    /// The oldest packet a remote PERF queued, to hand to the mesh.
    pub fn take_outbound(&mut self) -> Option<Packet> {
        self.outbound.pop_front()
    }

    /// Whether the core runs (neither halted nor stopped by a trap).
    pub fn is_running(&self) -> bool {
        self.state == CoreState::Running
    }

    /// Whether the core stopped on an unhandled fault.
    pub fn is_stopped(&self) -> bool {
        self.state == CoreState::Stopped
    }

    /// Wakes a halted core (a packet arrived): it goes on after its HALT,
    /// ready to take packets.
    pub fn wake(&mut self) {
        if self.state == CoreState::Halted {
            self.state = CoreState::Running;
            if let Some(nic) = &mut self.nic {
                nic.masked_at_resumes = None;
            }
        }
    }

    /// Whether a packet may be surfaced now: the core runs, and the handler
    /// of the last packet it surfaced has resumed something (RESU or
    /// RESUS) or halted since. Until then packets wait in the FIFO, and
    /// backpressure reaches their senders (`docs/soc-decisions.md`).
    pub fn can_take_packet(&self) -> bool {
        let resumes = self.stats.resumes;
        self.state == CoreState::Running
            && self
                .nic
                .as_ref()
                .is_some_and(|nic| nic.masked_at_resumes.is_none_or(|at| resumes > at))
    }

    /// Surfaces a packet as the hardware PERF (0xF, op) at the current
    /// instruction boundary (see the module documentation for the
    /// registers). The continuation resumes at the instruction that was
    /// about to issue. An error is the trap report when the PERF faulted
    /// and nothing handled the fault: the core has stopped.
    pub fn deliver_packet(&mut self, packet: Packet) -> Result<(), Box<TrapReport>> {
        let effect = EffectId::new(0xF, packet.op & 0xF);
        let pc = self.pc;
        let captured_before = self.stats.continuations_captured;
        self.charge(cost::ISSUE);
        if let Some(nic) = &mut self.nic {
            nic.in_hardware_perform = true;
        }
        let resumes = self.stats.resumes;
        let result = self.perform(effect, Value::int(packet.payload as u16), pc);
        if let Some(nic) = &mut self.nic {
            nic.in_hardware_perform = false;
            nic.masked_at_resumes = Some(resumes);
            nic.stats.packets_received += 1;
        }
        match result {
            Ok(()) => {
                if self.mark_hardware_capture(captured_before) {
                    self.registers[2] = Value::int(packet.source as u16).0;
                    self.registers[3] = Value::int((packet.payload >> 16) as u16).0;
                }
                Ok(())
            }
            Err(fault) => match self.raise_fault(fault, pc) {
                Some(report) => Err(report),
                None => Ok(()),
            },
        }
    }

    /// Raises a fault at the instruction boundary `pc` (the instruction
    /// there did not retire): delivers it as (0xF, 0), or stops the core
    /// and returns the report when nothing handles it.
    pub fn raise_fault(&mut self, fault: Fault, pc: u16) -> Option<Box<TrapReport>> {
        self.pc = pc;
        let report = self.deliver_fault(fault, pc)?;
        self.state = CoreState::Stopped;
        Some(report)
    }

    /// Raises NocOverflow for a packet this core sent that was dropped at
    /// its full destination FIFO (C.4).
    pub fn raise_noc_overflow(&mut self, packet: Packet) -> Option<Box<TrapReport>> {
        if let Some(nic) = &mut self.nic {
            nic.stats.overflows_raised += 1;
        }
        self.wake();
        if self.state != CoreState::Running {
            return None;
        }
        let fault = Fault::NocOverflow {
            tile: packet.destination,
            op: packet.op,
        };
        let captured_before = self.stats.continuations_captured;
        let resumes = self.stats.resumes;
        self.charge(cost::ISSUE);
        let report = self.raise_fault(fault, self.pc);
        if let Some(nic) = &mut self.nic {
            nic.masked_at_resumes = Some(resumes);
        }
        if report.is_none() && self.mark_hardware_capture(captured_before) {
            self.registers[2] = Value::int(packet.destination as u16).0;
            self.registers[3] = Value::int(packet.op as u16).0;
        }
        report
    }

    /// After a hardware PERF: if it captured a continuation (v1), marks it
    /// so that RESU restores v0 ([`HARDWARE_MARK`]). Returns whether it did.
    fn mark_hardware_capture(&mut self, captured_before: u64) -> bool {
        if self.stats.continuations_captured == captured_before {
            return false;
        }
        let handle = self.registers[1] as u16;
        let tag_word = handle.wrapping_add(7);
        let marked = self.words[tag_word as usize] | HARDWARE_MARK;
        self.write_word(tag_word, marked);
        true
    }

    /// What the NoC interface did.
    pub fn noc_stats(&self) -> CoreNocStats {
        self.nic.as_ref().map(|nic| nic.stats).unwrap_or_default()
    }

    /// The statistics so far, with stalled remote PERF attempts not counted
    /// as PERFs (they did not retire).
    pub fn core_stats(&self) -> Stats {
        let mut stats = self.stats();
        if let Some(nic) = &self.nic {
            stats.performs_remote = stats.performs_remote.saturating_sub(nic.stalled_performs);
        }
        stats
    }

    /// The heap's start (see [`Machine::set_heap_start`]).
    pub fn heap_start(&self) -> u16 {
        self.heap_start
    }

    /// A remote PERF's packet, on a mesh: into the outbound queue if the
    /// injection queue has room; otherwise the PERF stalls (pc back on it,
    /// not retired). Called from `send_packet`.
    pub(crate) fn send_on_mesh(&mut self, packet: Packet) -> Result<(), Fault> {
        let Some(nic) = &mut self.nic else {
            return Ok(());
        };
        let tile = packet.destination & 0x3F;
        if nic.reachable & (1u64 << tile) == 0 {
            return Err(Fault::NoDeviceAtTile { tile });
        }
        if self.outbound.len() < nic.room {
            self.outbound.push_back(packet);
            nic.stats.packets_sent += 1;
        } else if nic.in_hardware_perform {
            nic.stats.forwards_dropped += 1;
        } else {
            nic.stats.stall_cycles += 1;
            nic.stalled_performs += 1;
            self.pc = self.pc.wrapping_sub(1);
            self.not_retired += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cml_isa::{EffectTableEntry, IsaVersion};

    fn packet(op: u8, payload: u32) -> Packet {
        Packet {
            destination: 0,
            source: 0x18,
            op,
            flags: 0,
            payload,
        }
    }

    #[test]
    fn exchanging_memory_is_a_swap() {
        let mut machine = Machine::new(IsaVersion::V0_5);
        let mut memory = SharedMemory::new();
        memory.write(5, 0x1234);
        machine.exchange_memory(&mut memory);
        assert_eq!(machine.read(5), 0x1234);
        assert_eq!(memory.read(5), 0);
        machine.write(6, 7);
        machine.exchange_memory(&mut memory);
        assert_eq!(memory.read(6), 7);
        assert!(memory.holds(5, &[0x1234, 7]));
        assert_eq!(memory.differences(5, &[0x1234, 8]), vec![6]);
    }

    #[test]
    fn a_packet_becomes_a_hardware_perform_with_the_source_in_v2() {
        // Handler at 10 (table Local); the interrupted code is at 0.
        let mut machine = Machine::new(IsaVersion::V0_5);
        machine.join_mesh(0, u64::MAX);
        machine.set_effect_table_entry(
            EffectId::new(0xF, 1),
            EffectTableEntry::Local { handler_pc: 10 },
        );
        machine.set_register(cml_isa::Register::new(2).unwrap(), Value::int(99));
        machine.deliver_packet(packet(1, 0x0002_0041)).unwrap();
        let registers = machine.registers();
        assert_eq!(machine.pc(), 10);
        assert_eq!(registers[0], Value::int(0x41));
        assert_eq!(registers[1].tag(), cml_isa::Tag::CONT);
        assert_eq!(registers[2], Value::int(0x18));
        assert_eq!(registers[3], Value::int(2));
        assert_eq!(registers[7], Value::int(1));
        // Not again before the handler resumes something.
        assert!(!machine.can_take_packet());
    }

    #[test]
    fn resuming_a_hardware_perform_changes_no_register() {
        // The handler clobbers v0, v2, v4 and resumes with v4: the
        // interrupted code gets every register back, v0 included.
        let source = "HALT\n.org 10\nLI v4, 1\nLI v2, 3\nRESU v1, v4\n";
        let image = cml_asm::assemble(source, &cml_asm::AssembleOptions::default())
            .unwrap()
            .image;
        let mut machine = Machine::boot_bare_program(&image, IsaVersion::V0_5).unwrap();
        machine.join_mesh(0, u64::MAX);
        machine.set_memory_map(MemoryMap::default());
        machine.set_heap_start(0x100);
        machine.set_effect_table_entry(
            EffectId::new(0xF, 3),
            EffectTableEntry::Local { handler_pc: 10 },
        );
        for index in 0..8 {
            let register = cml_isa::Register::new(index).unwrap();
            machine.set_register(register, Value::int(100 + index as u16));
        }
        let before = machine.registers();
        machine.deliver_packet(packet(3, 0)).unwrap();
        assert_eq!(machine.run(10_000), crate::RunOutcome::Halted);
        assert_eq!(machine.registers(), before);
        assert_eq!(machine.sp(), MemoryMap::default().stack_base);
    }

    #[test]
    fn stores_into_the_rom_fault_before_anything_changes() {
        // The ROM from 0xFE00 (where a bare program's effect table lies:
        // (0xF, 0) is Unhandled, so the fault stops the machine). The
        // instruction before each HALT stores into the ROM.
        let cases = [
            // ST: one word at 0xFE00 + 2.
            ("LI v7, 0\nLIH v7, 0xFE\nSETTAG v7, PTR\nLI v1, 5\nST v1, v7, 2\nHALT\n", 0xFE02),
            // STS at sp = 0xFDFF (stack base 0xFE02): the slot's tag word
            // is 0xFE00.
            ("LI v1, 0xFF\nLIH v1, 0xFD\nCSRW v1, SP\nLI v2, 2\nLIH v2, 0xFE\nCSRW v2, STACKBASE\nSTS v1, 0\nHALT\n", 0xFE00),
            // CALL with sp inside the ROM: the frame would be 0xFE7D..0xFE7F.
            ("LI v1, 0x80\nLIH v1, 0xFE\nCSRW v1, SP\nALLOC v5, CLOSURE_REC, 1\nSETTAG v5, CLOSURE\nCALL v5, v1\nHALT\n", 0xFE7D),
            // CAS at a ROM address, whether or not it would store.
            ("LI v7, 0\nLIH v7, 0xFE\nSETTAG v7, PTR\nLI v1, 9\nLI v4, 0\nCAS v4, v7, v1\nHALT\n", 0xFE00),
        ];
        for (program, address) in cases {
            let image = cml_asm::assemble(program, &cml_asm::AssembleOptions::default())
                .unwrap()
                .image;
            for engine in [crate::Engine::Fast, crate::Engine::Reference] {
                let mut machine = Machine::boot_bare_program(&image, IsaVersion::V0_5).unwrap();
                machine.set_engine(engine);
                machine.set_heap_start(0x100);
                machine.set_rom_base(0xFE00);
                let rom_before: Vec<u16> = (0xFE00..=0xFFFF).map(|a| machine.read(a)).collect();
                let outcome = machine.run(1_000);
                let crate::RunOutcome::Trapped(report) = outcome else {
                    panic!("{program:?} on {engine:?}: {outcome:?}");
                };
                assert_eq!(report.fault, Fault::RomWrite { address }, "{program:?}");
                // The faulting instruction is the one before HALT; nothing
                // it would have changed has changed.
                let rom_after: Vec<u16> = (0xFE00..=0xFFFF).map(|a| machine.read(a)).collect();
                assert!(rom_before == rom_after, "{program:?}: the ROM changed");
                let halt = image.segments[0].words.len() as u16 - 1;
                assert_eq!(report.pc, halt - 1, "{program:?}");
                assert_eq!(machine.pc(), halt - 1);
                assert_eq!(machine.stats().instructions as u16, halt - 1);
            }
        }
    }

    #[test]
    fn an_unhandled_packet_traps() {
        let mut machine = Machine::new(IsaVersion::V0_5);
        machine.join_mesh(0, u64::MAX);
        let report = machine.deliver_packet(packet(3, 0)).unwrap_err();
        assert!(matches!(report.fault, Fault::UnhandledEffect { .. }));
        assert!(machine.is_stopped());
    }
}
