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

use crate::decoded::{with_fused_pairs, Kind, Op, Reg};
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
                        if self.fuel() == 0 {
                            return RunOutcome::CycleLimit;
                        }
                        continue;
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
        let hp = self.hp as usize;
        let lowest_sp = self.lowest_sp as usize;
        let mut hot = HotState {
            pc: self.pc as usize,
            sp: self.sp as usize,
            registers: self.registers,
            // Below 2^63, as `hot_loop` counts in an `i64`; a run that
            // long ends as at the limit, and `run_until_limit` goes round.
            fuel: self.fuel().min(i64::MAX as u64),
            hp,
            stack_base: self.map.stack_base,
            lowest_sp,
            decoded_start: self.decoded_start,
            decoded_end: self.decoded_end,
            call_guard: 0,
        };
        hot.call_guard = hot.call_guard();
        let given = hot.fuel;
        let exit = hot_loop(&mut self.words, &mut self.decoded, &mut hot);
        self.pc = hot.pc as u16;
        self.sp = hot.sp as u16;
        self.registers = hot.registers;
        self.attempts += given - hot.fuel;
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
    stack_base: u16,
    lowest_sp: usize,
    /// `Machine::decoded_start..decoded_end`: no slot outside is decoded,
    /// and none is decoded while the loop runs (decoding is the reference
    /// path's), so a store outside needs no slot reset.
    decoded_start: usize,
    decoded_end: usize,
    /// CALL's one test for its common case: with `sp >= call_guard`, the
    /// frame fits above the heap, lies above every decoded slot (no reset)
    /// and no deeper than the deepest frame so far (`lowest_sp` stays).
    call_guard: usize,
}

impl HotState {
    /// The lowest sp at which CALL can take its common case; see
    /// [`HotState::call_guard`]. The frame is `sp - 3 .. sp`, and a store
    /// to its first word resets the slot before it too.
    fn call_guard(&self) -> usize {
        (self.hp + 3)
            .max(self.decoded_end + 4)
            .max(self.lowest_sp + 3)
    }

    /// Whether a store to `address` may have slots to reset: it or the
    /// word after it lies where slots have been decoded.
    #[inline(always)]
    fn may_hit_code(&self, address: usize) -> bool {
        address.wrapping_add(1).wrapping_sub(self.decoded_start)
            <= self.decoded_end - self.decoded_start
    }
}

/// Why [`hot_loop`] returned.
enum HotExit {
    /// The fuel ran out; `HotState::pc` is the next instruction to issue.
    Limit,
    /// The instruction at `HotState::pc` (already issued: its fuel is
    /// spent) is one the hot loop leaves to [`Machine::execute_instruction`]:
    /// an instruction it never executes, the unusual case (a fault) of one
    /// it does, or a fused pair's first half when only one issue is left.
    Slow,
}

/// The dispatch loop: a plain `loop { match }` over pre-decoded slots for
/// the instructions that need only registers, memory and the stack. Memory
/// and its decoded slots arrive as separate `&mut` arrays, so the compiler
/// knows a store to one cannot move the other, and everything else lives in
/// locals. Addresses are `usize` values below 0x10000, so indexing the
/// 65,536-entry arrays needs no bounds check after `& ADDRESS_MASK`.
///
/// Each instruction's fast case is written once, in `exec!`; a plain slot
/// runs one, a fused pair (`decoded.rs`) runs its two halves back to back
/// in one dispatch, issuing (counting) each as its own instruction.
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
    let mut fuel = state.fuel as i64;

    // Anything but the plain case (a tag to check against, a stack bound)
    // goes to the reference implementation, which finds the fault. `$at` is
    // the address of the instruction it is to run, already issued. Every
    // exit leaves the one loop with `break` and the state is written back
    // once, after it: exits inside the loop made the compiler keep the
    // addresses of `state`'s fields in registers on every dispatch.
    macro_rules! slow_path {
        ($at:expr) => {
            slow_path!($at, 0)
        };
        // `$unissued`: issues counted at the top of the loop for
        // instructions after `$at` (a pair's second half when its first
        // leaves), given back.
        ($at:expr, $unissued:expr) => {{
            fuel += $unissued;
            break $at as u32;
        }};
    }
    macro_rules! reg {
        ($register:expr) => {
            state.registers[$register as usize]
        };
    }
    // A store, resetting the slots that depend on the word (its own and
    // the one before, a pair's first half) only when decoded code lies
    // there: stores to the stack and the heap skip the two slot writes.
    macro_rules! write {
        ($address:expr, $value:expr) => {{
            let address = ($address) as usize & ADDRESS_MASK;
            words[address] = $value;
            if state.may_hit_code(address) {
                decoded[address] = Op::NOT_DECODED;
                decoded[address.wrapping_sub(1) & ADDRESS_MASK] = Op::NOT_DECODED;
            }
        }};
    }
    macro_rules! alu {
        ($op:expr, $at:expr, $un:expr, |$x:ident, $y:ident| $result:expr) => {{
            let op: Op = $op;
            let ($x, $y) = (reg!(op.b), reg!(op.c));
            if ($x | $y) >> TAG_SHIFT != 0 {
                slow_path!($at, $un);
            }
            reg!(op.a) = $result;
        }};
    }
    // One instruction's fast case: `$op` (an expression reading the slot,
    // copied once at the start, so that the fields are loaded in the arm
    // that uses them) decoded at `$at`, `$next` the address after it, `$un`
    // the issues to give back if it leaves for the slow path (1 for a
    // pair's first half). Falls through when execution goes on at `$next`;
    // a taken branch sets `pc` and `continue`s the loop.
    macro_rules! exec {
        (Li, $op:expr, $at:expr, $next:expr, $un:expr) => {{
            let op: Op = $op;
            reg!(op.a) = op.imm as u32;
        }};
        (Mov, $op:expr, $at:expr, $next:expr, $un:expr) => {{
            let op: Op = $op;
            reg!(op.a) = reg!(op.b);
        }};
        (Add, $op:expr, $at:expr, $next:expr, $un:expr) => {
            alu!($op, $at, $un, |x, y| (x + y) & VALUE_MASK)
        };
        (Sub, $op:expr, $at:expr, $next:expr, $un:expr) => {
            alu!($op, $at, $un, |x, y| x.wrapping_sub(y) & VALUE_MASK)
        };
        (And, $op:expr, $at:expr, $next:expr, $un:expr) => {
            alu!($op, $at, $un, |x, y| x & y)
        };
        (Or, $op:expr, $at:expr, $next:expr, $un:expr) => {
            alu!($op, $at, $un, |x, y| x | y)
        };
        (Xor, $op:expr, $at:expr, $next:expr, $un:expr) => {
            alu!($op, $at, $un, |x, y| x ^ y)
        };
        (Shl, $op:expr, $at:expr, $next:expr, $un:expr) => {
            alu!($op, $at, $un, |x, y| (x << (y & 15)) & VALUE_MASK)
        };
        (Shr, $op:expr, $at:expr, $next:expr, $un:expr) => {
            alu!($op, $at, $un, |x, y| x >> (y & 15))
        };
        (Mul, $op:expr, $at:expr, $next:expr, $un:expr) => {
            alu!($op, $at, $un, |x, y| x.wrapping_mul(y) & VALUE_MASK)
        };
        (Slt, $op:expr, $at:expr, $next:expr, $un:expr) => {
            alu!($op, $at, $un, |x, y| BOOL
                | ((x as u16 as i16) < (y as u16 as i16)) as u32)
        };
        (Bz, $op:expr, $at:expr, $next:expr, $un:expr) => {{
            let op: Op = $op;
            if reg!(op.a) & VALUE_MASK == 0 {
                // A taken BZ skips a pair's second half: give its issue back.
                fuel += $un;
                pc = op.imm;
                continue;
            }
        }};
        (Jmp, $op:expr, $at:expr, $next:expr, $un:expr) => {{
            let op: Op = $op;
            pc = op.imm;
            continue;
        }};
        (Ld, $op:expr, $at:expr, $next:expr, $un:expr) => {{
            let op: Op = $op;
            let base = reg!(op.b);
            if base & !VALUE_MASK != PTR {
                slow_path!($at, $un);
            }
            let address = (base as usize).wrapping_add(op.imm as i16 as usize) & ADDRESS_MASK;
            reg!(op.a) = words[address] as u32;
        }};
        (St, $op:expr, $at:expr, $next:expr, $un:expr) => {{
            let op: Op = $op;
            let base = reg!(op.b);
            if base & !VALUE_MASK != PTR {
                slow_path!($at, $un);
            }
            write!(
                (base as usize).wrapping_add(op.imm as i16 as usize),
                reg!(op.a) as u16
            );
        }};
        (Call, $op:expr, $at:expr, $next:expr, $un:expr) => {{
            let op: Op = $op;
            let closure = reg!(op.a);
            if closure & !VALUE_MASK != CLOSURE {
                slow_path!($at, $un);
            }
            // One comparison covers the common case (see `call_guard`);
            // otherwise check the stack bound, reset the slots the frame
            // overwrites, note the new depth and recompute the guard.
            if sp < state.call_guard {
                if sp < state.hp + 3 {
                    slow_path!($at, $un);
                }
                for address in sp - 4..sp {
                    decoded[address & ADDRESS_MASK] = Op::NOT_DECODED;
                }
                state.lowest_sp = state.lowest_sp.min(sp - 3);
                state.call_guard = state.call_guard();
            }
            // The frame as one slice: a single bounds test (never failing:
            // sp is an address) instead of a mask per word.
            let Some(frame) = words.get_mut(sp - 3..sp) else {
                slow_path!($at, $un);
            };
            let environment = state.registers[6];
            frame[2] = $next;
            frame[1] = environment as u16;
            frame[0] = (environment >> TAG_SHIFT) as u16;
            sp -= 3;
            state.registers[0] = reg!(op.b);
            state.registers[6] = closure;
            pc = words[(closure & VALUE_MASK) as usize];
            continue;
        }};
        (Ret, $op:expr, $at:expr, $next:expr, $un:expr) => {{
            let op: Op = $op;
            // `stack_base` is a `u16`, so past this test the frame is in
            // memory and the slice below needs no second bounds test.
            if sp + 3 > state.stack_base as usize {
                slow_path!($at, $un);
            }
            let Some(frame) = words.get(sp..sp + 3) else {
                slow_path!($at, $un);
            };
            let tag = frame[0] as u32 & 7;
            let environment = frame[1] as u32;
            pc = frame[2];
            sp += 3;
            state.registers[0] = reg!(op.b);
            state.registers[6] = (tag << TAG_SHIFT) | environment;
            continue;
        }};
        (Lds, $op:expr, $at:expr, $next:expr, $un:expr) => {{
            let op: Op = $op;
            let address = sp + 2 * op.imm as usize;
            if address + 2 > state.stack_base as usize {
                slow_path!($at, $un);
            }
            let value = words[address & ADDRESS_MASK] as u32;
            let tag = words[(address + 1) & ADDRESS_MASK] as u32 & 7;
            reg!(op.a) = (tag << TAG_SHIFT) | value;
        }};
        (Sts, $op:expr, $at:expr, $next:expr, $un:expr) => {{
            let op: Op = $op;
            let address = sp + 2 * op.imm as usize;
            if address + 2 > state.stack_base as usize {
                slow_path!($at, $un);
            }
            let value = reg!(op.a);
            write!(address, value as u16);
            write!(address + 1, (value >> TAG_SHIFT) as u16);
        }};
    }
    // The match over every kind: the plain kinds the loop runs, then one
    // arm per fused pair. Both halves were issued (counted) at the top of
    // the loop; a half that leaves for the slow path leaves with its own
    // address, so a fault in the second half is reported there, with the
    // first half retired.
    macro_rules! dispatch {
        ($kind:ident, $pc:ident, $next:ident; $(($pair:ident, $first:ident, $second:ident)),* $(,)?) => {
            match $kind {
                Kind::Li => exec!(Li, decoded[$pc as usize], $pc, $next, 0),
                Kind::Mov => exec!(Mov, decoded[$pc as usize], $pc, $next, 0),
                Kind::Add => exec!(Add, decoded[$pc as usize], $pc, $next, 0),
                Kind::Sub => exec!(Sub, decoded[$pc as usize], $pc, $next, 0),
                Kind::And => exec!(And, decoded[$pc as usize], $pc, $next, 0),
                Kind::Or => exec!(Or, decoded[$pc as usize], $pc, $next, 0),
                Kind::Xor => exec!(Xor, decoded[$pc as usize], $pc, $next, 0),
                Kind::Shl => exec!(Shl, decoded[$pc as usize], $pc, $next, 0),
                Kind::Shr => exec!(Shr, decoded[$pc as usize], $pc, $next, 0),
                Kind::Mul => exec!(Mul, decoded[$pc as usize], $pc, $next, 0),
                Kind::Slt => exec!(Slt, decoded[$pc as usize], $pc, $next, 0),
                Kind::Bz => exec!(Bz, decoded[$pc as usize], $pc, $next, 0),
                Kind::Jmp => exec!(Jmp, decoded[$pc as usize], $pc, $next, 0),
                Kind::Ld => exec!(Ld, decoded[$pc as usize], $pc, $next, 0),
                Kind::St => exec!(St, decoded[$pc as usize], $pc, $next, 0),
                Kind::Call => exec!(Call, decoded[$pc as usize], $pc, $next, 0),
                Kind::Ret => exec!(Ret, decoded[$pc as usize], $pc, $next, 0),
                Kind::Lds => exec!(Lds, decoded[$pc as usize], $pc, $next, 0),
                Kind::Sts => exec!(Sts, decoded[$pc as usize], $pc, $next, 0),
                $(Kind::$pair => {
                    exec!($first, decoded[$pc as usize], $pc, $next, 1);
                    // The second half's operands are in the next slot,
                    // which is decoded while this one holds the pair.
                    let at = $next;
                    $next = at.wrapping_add(1);
                    exec!($second, decoded[at as usize], at, $next, 0);
                })*
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
                | Kind::Csrw => slow_path!($pc),
            }
        };
    }

    // The loop leaves with the address to resume at; `LIMIT` marks the
    // fuel running out (rather than an instruction for the slow path).
    const LIMIT: u32 = 1 << 16;
    let at = loop {
        let slot = &decoded[pc as usize];
        let (kind, issues) = (slot.kind, slot.issues as i64);
        // Count the slot's issues (two for a fused pair) and stop at the
        // limit: `sub` and `js`, for every kind (fuel is below 2^63, so a
        // negative result is exhaustion). With one issue left and a pair
        // to run, the reference implementation runs its first half alone
        // (it sees only that half), so `--max-cycles` stops exactly
        // between the two.
        fuel -= issues;
        if fuel < 0 {
            fuel += issues;
            if fuel == 0 {
                break pc as u32 | LIMIT;
            }
            fuel -= 1;
            break pc as u32;
        }
        let mut next = pc.wrapping_add(1);
        with_fused_pairs!(dispatch(kind, pc, next));
        pc = next;
    };
    state.pc = (at & (LIMIT - 1)) as usize;
    state.sp = sp;
    state.fuel = fuel as u64;
    if at & LIMIT != 0 {
        HotExit::Limit
    } else {
        HotExit::Slow
    }
}

#[cfg(test)]
mod tests {
    //! Fused pairs change nothing observable: runs with and without fusion,
    //! on both engines, agree under every cycle limit.

    use cml_image::{Image, Segment};
    use cml_isa::{Instruction, IsaVersion, Register};
    use proptest::prelude::*;

    use crate::{Engine, Machine, RunOutcome};

    fn run(words: &[u16], engine: Engine, fusion: bool, cycles: u64) -> (RunOutcome, Machine) {
        let mut image = Image::new(IsaVersion::V0_5);
        image.segments.push(Segment {
            origin: 0,
            words: words.to_vec(),
        });
        let mut machine = Machine::boot_bare_program(&image, IsaVersion::V0_5).unwrap();
        machine.set_engine(engine);
        machine.fusion = fusion;
        let outcome = machine.run(cycles);
        (outcome, machine)
    }

    fn assert_same(left: &(RunOutcome, Machine), right: &(RunOutcome, Machine), what: &str) {
        assert_eq!(left.0, right.0, "{what}: outcome");
        let (a, b) = (&left.1, &right.1);
        assert_eq!(a.registers(), b.registers(), "{what}: registers");
        assert_eq!(
            (a.pc(), a.sp(), a.hp()),
            (b.pc(), b.sp(), b.hp()),
            "{what}: pc, sp, hp"
        );
        assert_eq!(a.stats(), b.stats(), "{what}: statistics and cycles");
        assert!(a.words[..] == b.words[..], "{what}: memory");
    }

    /// Runs `words` with every cycle limit up to `most`: fused fast,
    /// unfused fast and unfused reference must agree each time.
    fn agree_under_every_limit(words: &[u16], most: u64) {
        for cycles in 1..=most {
            let fused = run(words, Engine::Fast, true, cycles);
            let unfused = run(words, Engine::Fast, false, cycles);
            let reference = run(words, Engine::Reference, false, cycles);
            assert_same(&fused, &unfused, &format!("fused/unfused at {cycles}"));
            assert_same(&fused, &reference, &format!("fused/reference at {cycles}"));
        }
    }

    fn v(index: u8) -> Register {
        Register::new(index).unwrap()
    }

    /// An instruction from the pairs' alphabet, with registers v1-v4 and
    /// short branches, so that random programs are mostly pairs.
    fn instruction() -> impl Strategy<Value = u16> {
        (0usize..12, 1u8..5, 1u8..5, 1u8..5, -3i16..4).prop_map(|(pick, d, s, t, small)| {
            let (vd, vs, vt) = (v(d), v(s), v(t));
            match pick {
                0 => Instruction::Li { vd, imm8: small },
                1 => Instruction::Mov { vd, vs },
                2 => Instruction::Add { vd, vs, vt },
                3 => Instruction::Sub { vd, vs, vt },
                4 => Instruction::And { vd, vs, vt },
                5 => Instruction::Or { vd, vs, vt },
                6 => Instruction::Xor { vd, vs, vt },
                7 => Instruction::Slt { vd, vs, vt },
                8 => Instruction::Bz { vs, off8: small },
                9 => Instruction::Jmp { off11: small },
                10 => Instruction::Settag {
                    vd,
                    tag: cml_isa::Tag::PTR,
                },
                _ => Instruction::St {
                    vd,
                    vs,
                    off5: small,
                },
            }
            .encode()
        })
    }

    #[test]
    fn the_dispatch_loop_agrees_under_every_limit() {
        // ALU + CALL, ALU + ALU, ALU + RET, ALU + BZ and BZ + JMP, with a
        // store into the second half of a pair on the way.
        let program = [
            Instruction::Alloc {
                vd: v(5),
                layout: cml_isa::Layout::CLOSURE_REC,
                n: 1,
            },
            Instruction::Li { vd: v(0), imm8: 12 },
            Instruction::St {
                vd: v(0),
                vs: v(5),
                off5: 0,
            },
            Instruction::Settag {
                vd: v(5),
                tag: cml_isa::Tag::CLOSURE,
            },
            Instruction::Li { vd: v(1), imm8: 3 },
            Instruction::Li { vd: v(2), imm8: 1 },
            // loop (6):
            Instruction::Sub {
                vd: v(1),
                vs: v(1),
                vt: v(2),
            },
            Instruction::Call { vf: v(5), va: v(1) },
            Instruction::Add {
                vd: v(3),
                vs: v(3),
                vt: v(0),
            },
            Instruction::Bz { vs: v(1), off8: 1 },
            Instruction::Jmp { off11: -5 },
            Instruction::Halt {},
            // function (12):
            Instruction::Add {
                vd: v(0),
                vs: v(0),
                vt: v(2),
            },
            Instruction::Xor {
                vd: v(0),
                vs: v(0),
                vt: v(2),
            },
            Instruction::Ret { va: v(0) },
        ];
        let words: Vec<u16> = program.iter().map(|i| i.encode()).collect();
        let (outcome, machine) = run(&words, Engine::Fast, true, 1000);
        assert_eq!(outcome, RunOutcome::Halted);
        // 6 set-up; 3 passes of SUB, CALL, ADD, XOR, RET, ADD, BZ, JMP,
        // the last without its JMP (BZ taken); HALT.
        assert_eq!(machine.stats().instructions, 6 + 3 * 8 - 1 + 1);
        agree_under_every_limit(&words, 40);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn fused_and_unfused_agree_under_every_limit(
            words in proptest::collection::vec(instruction(), 4..24),
        ) {
            agree_under_every_limit(&words, 60);
        }
    }
}
