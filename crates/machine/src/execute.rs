//! The dispatch loop and the instructions that need nothing but registers
//! and memory.
//!
//! `run` is a plain `loop { match }` over pre-decoded slots. Each issued
//! instruction costs one cycle, counted in `attempts`; the loop stops when
//! `attempts` reaches `attempt_limit` (the cycle limit less the extra cycles
//! cold paths have charged), so `--max-cycles` is exact without a second
//! counter in the hot path. An instruction either retires completely or
//! faults before changing anything (§15), which is why every check below
//! comes before the first write.

use cml_isa::Tag;

use crate::decoded::{Kind, Op, Reg};
use crate::fault::Fault;
use crate::trace::TraceRecord;
use crate::value::Value;
use crate::{CoreState, Engine, Machine, RunOutcome, MEMORY_WORDS};

/// Why an instruction left the loop.
pub(crate) enum Exit {
    /// The instruction faulted and did not retire.
    Fault(Fault),
    /// HALT retired.
    Halt,
}

const TAG_SHIFT: u32 = 16;
const VALUE_MASK: u32 = 0xFFFF;
const ADDRESS_MASK: usize = 0xFFFF;
const PTR: u32 = (Tag::PTR.code() as u32) << TAG_SHIFT;
const CLOSURE: u32 = (Tag::CLOSURE.code() as u32) << TAG_SHIFT;
const BOOL: u32 = (Tag::BOOL.code() as u32) << TAG_SHIFT;

/// A tag-mismatch fault for a register holding `value`.
#[cold]
fn tag_mismatch(register: Reg, value: u32, expected: &'static str) -> Fault {
    Fault::TagMismatch {
        register: cml_isa::Register::from_low_bits(register as u16),
        expected,
        found: Value(value).tag(),
    }
}

impl Machine {
    #[inline(always)]
    pub(crate) fn reg(&self, register: Reg) -> u32 {
        self.registers[register as usize]
    }

    #[inline(always)]
    pub(crate) fn set_reg(&mut self, register: Reg, value: u32) {
        self.registers[register as usize] = value;
    }

    /// A tag-mismatch fault for a register.
    #[cold]
    pub(crate) fn tag_fault(&self, register: Reg, expected: &'static str) -> Exit {
        Exit::Fault(tag_mismatch(register, self.reg(register), expected))
    }

    /// Runs until the core halts with nothing in flight, a fault goes
    /// unhandled, or the cycle count reaches `cycle_limit`.
    pub fn run(&mut self, cycle_limit: u64) -> RunOutcome {
        self.attempt_limit = cycle_limit.saturating_sub(self.extra_cycles);
        self.run_until_limit()
    }

    /// Issues one instruction and returns what it did, for traces: one
    /// record per issued instruction (a HALT's record comes before the
    /// run's end). `Err` when the machine has stopped: halted, trapped (the
    /// trapping instruction's report), or at the cycle limit given to
    /// [`Machine::set_cycle_limit`].
    pub fn step(&mut self) -> Result<TraceRecord, RunOutcome> {
        if self.state != CoreState::Running {
            return Err(self.stopped_outcome());
        }
        if self.attempts >= self.step_limit {
            return Err(RunOutcome::CycleLimit);
        }
        let cycle = self.cycles();
        let pc = self.pc;
        let words = [self.read(pc), self.read(pc.wrapping_add(1))];
        let before = self.registers;
        self.attempt_limit = self.attempts + 1;
        self.events = Some(Vec::new());
        let outcome = self.run_until_limit();
        let events = self.events.take().unwrap_or_default();
        if let RunOutcome::Trapped(report) = outcome {
            return Err(RunOutcome::Trapped(report));
        }
        let registers_written = (0..8)
            .filter(|&index| self.registers[index] != before[index])
            .map(|index| {
                (
                    cml_isa::Register::from_low_bits(index as u16),
                    Value(self.registers[index]),
                )
            })
            .collect();
        Ok(TraceRecord {
            cycle,
            pc,
            words,
            registers_written,
            events,
        })
    }

    /// Sets the cycle count at which [`Machine::step`] stops.
    pub fn set_cycle_limit(&mut self, cycle_limit: u64) {
        self.step_limit = cycle_limit.saturating_sub(self.extra_cycles);
    }

    #[cold]
    fn stopped_outcome(&mut self) -> RunOutcome {
        match self.state {
            CoreState::Halted => {
                self.drain_outbound();
                RunOutcome::Halted
            }
            CoreState::Stopped | CoreState::Running => RunOutcome::CycleLimit,
        }
    }

    /// The outer loop: runs [`hot_loop`] until it stops at something it
    /// does not do itself, has the reference implementation do that one
    /// instruction with the whole machine at hand, and goes round again.
    /// With [`Engine::Reference`] every instruction takes the second path.
    fn run_until_limit(&mut self) -> RunOutcome {
        loop {
            if self.state != CoreState::Running {
                return self.stopped_outcome();
            }
            match self.engine {
                Engine::Fast => {
                    if let HotExit::Limit = self.run_hot_loop() {
                        return RunOutcome::CycleLimit;
                    }
                }
                Engine::Reference => {
                    if self.fuel() == 0 {
                        return RunOutcome::CycleLimit;
                    }
                    self.attempts += 1;
                }
            }
            // One issued instruction, at pc, for the reference path.
            let pc = self.pc;
            let op = self.decoded[pc as usize];
            self.pc = pc.wrapping_add(1);
            match self.execute_instruction(op, pc) {
                Ok(()) => {}
                Err(Exit::Halt) => {
                    self.state = CoreState::Halted;
                    return self.stopped_outcome();
                }
                Err(Exit::Fault(fault)) => {
                    if let Some(outcome) = self.fail(fault, pc) {
                        return outcome;
                    }
                }
            }
        }
    }

    /// Runs [`hot_loop`] from the machine's state and writes its state back.
    fn run_hot_loop(&mut self) -> HotExit {
        let mut hot = HotState {
            pc: self.pc as usize,
            sp: self.sp as usize,
            registers: self.registers,
            fuel: self.fuel(),
            hp: self.hp as usize,
            stack_base: self.map.stack_base as usize,
            lowest_sp: self.lowest_sp as usize,
        };
        let exit = hot_loop(&mut self.words, &mut self.decoded, &mut hot);
        self.pc = hot.pc as u16;
        self.sp = hot.sp as u16;
        self.registers = hot.registers;
        self.attempts = self.attempt_limit - hot.fuel;
        self.lowest_sp = hot.lowest_sp as u16;
        exit
    }

    /// Issues left before the limit, never negative: a limit already passed
    /// (a cold path charged past it) is moved up to the issue count.
    fn fuel(&mut self) -> u64 {
        self.attempt_limit = self.attempt_limit.max(self.attempts);
        self.attempt_limit - self.attempts
    }

    /// A fault of the instruction at `pc`, with the machine's state saved:
    /// delivers it, or stops the machine when nothing handles it.
    #[cold]
    #[inline(never)]
    fn fail(&mut self, fault: Fault, pc: u16) -> Option<RunOutcome> {
        self.not_retired += 1;
        self.pc = pc;
        let report = self.deliver_fault(fault, pc)?;
        self.state = CoreState::Stopped;
        Some(RunOutcome::Trapped(report))
    }

    /// Checks that `words` more words fit on the stack above the heap.
    #[inline(always)]
    pub(crate) fn reserve_stack(&self, words: u16) -> Result<(), Fault> {
        if (self.sp as u32) < self.hp as u32 + words as u32 {
            return Err(Fault::StackOverflow);
        }
        Ok(())
    }

    #[inline(always)]
    pub(crate) fn note_stack_depth(&mut self) {
        if self.sp < self.lowest_sp {
            self.lowest_sp = self.sp;
        }
    }

    /// Pushes CALL's three words: return pc, v6 value, v6 tag.
    #[inline(always)]
    pub(crate) fn push_call_frame(
        &mut self,
        return_pc: u16,
        environment: u32,
    ) -> Result<(), Fault> {
        self.reserve_stack(3)?;
        let sp = self.sp;
        self.write_word(sp - 1, return_pc);
        self.write_word(sp - 2, environment as u16);
        self.write_word(sp - 3, (environment >> TAG_SHIFT) as u16);
        self.sp = sp - 3;
        self.note_stack_depth();
        Ok(())
    }
}

/// The loop's state while [`hot_loop`] runs, kept in locals there.
#[derive(Clone, Copy)]
struct HotState {
    pc: usize,
    sp: usize,
    registers: [u32; 8],
    fuel: u64,
    hp: usize,
    stack_base: usize,
    lowest_sp: usize,
}

/// Why [`hot_loop`] returned.
enum HotExit {
    /// The fuel ran out; `HotState::pc` is the next instruction to issue.
    Limit,
    /// The instruction at `HotState::pc` (already issued: its fuel is
    /// spent) is one the hot loop leaves to [`Machine::execute_instruction`]:
    /// an instruction it never executes, or the unusual case (a fault) of
    /// one it does.
    Slow,
}

/// The dispatch loop: a plain `loop { match }` over pre-decoded slots for
/// the instructions that need only registers, memory and the stack. Memory
/// and its decoded slots arrive as separate `&mut` arrays, so the compiler
/// knows a store to one cannot move the other, and everything else lives in
/// locals. Addresses are `usize` values below 0x10000, so indexing the
/// 65,536-entry arrays needs no bounds check after `& ADDRESS_MASK`.
#[inline(never)]
fn hot_loop(
    words: &mut [u16; MEMORY_WORDS],
    decoded: &mut [Op; MEMORY_WORDS],
    state: &mut HotState,
) -> HotExit {
    // Only the program counter, stack pointer and fuel live in locals; the
    // registers and the rarely used rest stay in `state`, which no other
    // reference can reach.
    let mut pc = state.pc as u16;
    let mut sp = state.sp;
    let mut fuel = state.fuel;

    // Anything but the plain case (a tag to check against, a stack bound)
    // goes to the reference implementation, which finds the fault.
    macro_rules! slow_path {
        ($op:expr) => {{
            state.pc = pc as usize;
            state.sp = sp;
            state.fuel = fuel;
            let _ = $op;
            return HotExit::Slow;
        }};
    }
    macro_rules! reg {
        ($register:expr) => {
            state.registers[$register as usize]
        };
    }
    macro_rules! write {
        ($address:expr, $value:expr) => {{
            let address = ($address) as usize & ADDRESS_MASK;
            words[address] = $value;
            decoded[address] = Op::NOT_DECODED;
        }};
    }
    macro_rules! alu {
        ($op:expr, |$x:ident, $y:ident| $result:expr) => {{
            let ($x, $y) = (reg!($op.b), reg!($op.c));
            if ($x | $y) >> TAG_SHIFT != 0 {
                slow_path!($op);
            }
            reg!($op.a) = $result;
        }};
    }

    loop {
        if fuel == 0 {
            state.pc = pc as usize;
            state.sp = sp;
            state.fuel = fuel;
            return HotExit::Limit;
        }
        fuel -= 1;
        let op = decoded[pc as usize];
        let next = pc.wrapping_add(1);
        match op.kind {
            Kind::Li => reg!(op.a) = op.imm as u32,
            Kind::Add => alu!(op, |x, y| (x + y) & VALUE_MASK),
            Kind::Sub => alu!(op, |x, y| x.wrapping_sub(y) & VALUE_MASK),
            Kind::And => alu!(op, |x, y| x & y),
            Kind::Or => alu!(op, |x, y| x | y),
            Kind::Xor => alu!(op, |x, y| x ^ y),
            Kind::Shl => alu!(op, |x, y| (x << (y & 15)) & VALUE_MASK),
            Kind::Shr => alu!(op, |x, y| x >> (y & 15)),
            Kind::Mul => alu!(op, |x, y| x.wrapping_mul(y) & VALUE_MASK),
            Kind::Slt => alu!(op, |x, y| BOOL
                | ((x as u16 as i16) < (y as u16 as i16)) as u32),
            Kind::Bz => {
                if reg!(op.a) & VALUE_MASK == 0 {
                    pc = op.imm;
                    continue;
                }
            }
            Kind::Jmp => {
                pc = op.imm;
                continue;
            }
            Kind::Ld => {
                let base = reg!(op.b);
                if base & !VALUE_MASK != PTR {
                    slow_path!(op);
                }
                let address = (base as usize).wrapping_add(op.imm as i16 as usize) & ADDRESS_MASK;
                reg!(op.a) = words[address] as u32;
            }
            Kind::St => {
                let base = reg!(op.b);
                if base & !VALUE_MASK != PTR {
                    slow_path!(op);
                }
                write!(
                    (base as usize).wrapping_add(op.imm as i16 as usize),
                    reg!(op.a) as u16
                );
            }
            Kind::Mov => reg!(op.a) = reg!(op.b),
            Kind::Call => {
                let closure = reg!(op.a);
                if closure & !VALUE_MASK != CLOSURE || sp < state.hp + 3 {
                    slow_path!(op);
                }
                let environment = state.registers[6];
                sp -= 3;
                write!(sp + 2, next);
                write!(sp + 1, environment as u16);
                write!(sp, (environment >> TAG_SHIFT) as u16);
                if sp < state.lowest_sp {
                    state.lowest_sp = sp;
                }
                state.registers[0] = reg!(op.b);
                state.registers[6] = closure;
                pc = words[(closure & VALUE_MASK) as usize];
                continue;
            }
            Kind::Ret => {
                if sp + 3 > state.stack_base {
                    slow_path!(op);
                }
                let tag = words[sp & ADDRESS_MASK] as u32 & 7;
                let environment = words[(sp + 1) & ADDRESS_MASK] as u32;
                pc = words[(sp + 2) & ADDRESS_MASK];
                sp += 3;
                state.registers[0] = reg!(op.b);
                state.registers[6] = (tag << TAG_SHIFT) | environment;
                continue;
            }
            Kind::Lds => {
                let address = sp + 2 * op.imm as usize;
                if address + 2 > state.stack_base {
                    slow_path!(op);
                }
                let value = words[address & ADDRESS_MASK] as u32;
                let tag = words[(address + 1) & ADDRESS_MASK] as u32 & 7;
                reg!(op.a) = (tag << TAG_SHIFT) | value;
            }
            Kind::Sts => {
                let address = sp + 2 * op.imm as usize;
                if address + 2 > state.stack_base {
                    slow_path!(op);
                }
                let value = reg!(op.a);
                write!(address, value as u16);
                write!(address + 1, (value >> TAG_SHIFT) as u16);
            }
            Kind::NotDecoded
            | Kind::Illegal
            | Kind::Lih
            | Kind::Div
            | Kind::Rem
            | Kind::Jmpa
            | Kind::Alloc
            | Kind::Tcall
            | Kind::Match
            | Kind::Inst
            | Kind::Instt
            | Kind::Unin
            | Kind::Perf
            | Kind::Resu
            | Kind::Resus
            | Kind::Setv
            | Kind::Settag
            | Kind::Halt
            | Kind::Inc
            | Kind::Dec
            | Kind::Enter
            | Kind::Leave
            | Kind::Csrr
            | Kind::Csrw => slow_path!(op),
        }
        pc = next;
    }
}
