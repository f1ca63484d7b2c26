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

use crate::decoded::{forget_word, with_fused_pairs, Kind, Op, Reg};
use crate::fault::Fault;
use crate::trace::TraceRecord;
use crate::value::Value;
use crate::{CoreState, Engine, Machine, RunOutcome, DECODED_SLOTS, WORD_SLOTS};

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
/// The bits a register uses: a 3-bit tag above a 16-bit value.
const TAGGED_MASK: u32 = (8 << TAG_SHIFT) - 1;

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
            // STS's bound: below the stack base and below the ROM.
            stack_base: (self.map.stack_base as u32).min(self.write_limit) as u16,
            ret_bound: self.map.stack_base.saturating_sub(2),
            lowest_sp,
            decoded_start: self.decoded_start,
            decoded_end: self.decoded_end,
            write_limit: self.write_limit as usize,
            // Inside the loop sp only falls (CALL) or rises to at most the
            // stack base (RET), so when neither lies above the ROM no CALL
            // frame can reach it, and CALL's common case needs no test.
            frames_may_reach_rom: self.sp.max(self.map.stack_base) as u32 > self.write_limit,
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

    /// Checks that the `count` words from `start` on may be stored to:
    /// none of them lies in the read-only region at the top of memory
    /// (the boot ROM, [`Machine::set_rom_base`]). Every store the machine
    /// makes, for an instruction or on its behalf, is checked before the
    /// instruction changes anything, so a store there faults `RomWrite`
    /// and the instruction does not retire.
    #[inline(always)]
    pub(crate) fn check_writable(&self, start: u16, count: u32) -> Result<(), Fault> {
        // Without a ROM the limit is 0x10000 and a range may wrap, as it
        // always could; with one, a range that ends above the limit (or
        // wraps past the end of memory) touches the ROM.
        if self.write_limit <= u16::MAX as u32 && start as u32 + count > self.write_limit {
            return Err(Fault::RomWrite {
                address: start.max(self.write_limit as u16),
            });
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
        self.check_writable(sp - 3, 3)?;
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
    /// RET's one test: its frame `sp .. sp + 3` lies below the stack base
    /// when `sp < ret_bound` (never when the base is below 3).
    ret_bound: u16,
    lowest_sp: usize,
    /// `Machine::decoded_start..decoded_end`: no slot outside is decoded,
    /// and none is decoded while the loop runs (decoding is the reference
    /// path's), so a store outside needs no slot reset.
    decoded_start: usize,
    decoded_end: usize,
    /// `Machine::write_limit`: ST to this address or above goes to the
    /// reference implementation, which faults `RomWrite`.
    write_limit: usize,
    /// Whether a CALL frame could reach the ROM (sp or the stack base lies
    /// above it): then every CALL takes `call_below_guard`.
    frames_may_reach_rom: bool,
    /// CALL's one test for its common case: with `sp >= call_guard`, the
    /// frame fits above the heap, lies above every decoded slot (no reset)
    /// and no deeper than the deepest frame so far (`lowest_sp` stays).
    call_guard: usize,
}

impl HotState {
    /// The lowest sp at which CALL can take its common case; see
    /// [`HotState::call_guard`]. The frame is `sp - 3 .. sp`, and a store
    /// to its first word touches the two slots before it too.
    fn call_guard(&self) -> usize {
        if self.frames_may_reach_rom {
            return usize::MAX;
        }
        (self.hp + 3)
            .max(self.decoded_end + 5)
            .max(self.lowest_sp + 3)
    }

    /// CALL's uncommon case, `sp < call_guard`: checks the stack bound and
    /// the ROM (false: the frame does not fit above the heap, or reaches
    /// the ROM; the reference implementation faults), resets the slots
    /// the frame `sp - 3 .. sp` overwrites, notes the new depth and
    /// recomputes the guard.
    #[cold]
    #[inline(never)]
    fn call_below_guard(&mut self, decoded: &mut [Op; DECODED_SLOTS], sp: usize) -> bool {
        if sp < self.hp + 3 || sp > self.write_limit {
            return false;
        }
        for address in sp - 3..sp {
            forget_word(decoded, address);
        }
        self.lowest_sp = self.lowest_sp.min(sp - 3);
        self.call_guard = self.call_guard();
        true
    }

    /// Whether a store to `address` may have slots to forget
    /// ([`forget_word`]): its own or one of the two before it lies where
    /// slots have been decoded.
    #[inline(always)]
    fn may_hit_code(&self, address: usize) -> bool {
        address.wrapping_sub(self.decoded_start) < self.decoded_end + 2 - self.decoded_start
    }
}

/// Why [`hot_loop`] returned.
enum HotExit {
    /// The fuel ran out; `HotState::pc` is the next instruction to issue.
    Limit,
    /// The instruction at `HotState::pc` (already issued: its fuel is
    /// spent) is one the hot loop leaves to [`Machine::execute_instruction`]:
    /// an instruction it never executes, the unusual case (a fault) of one
    /// it does, or the slot's first instruction when fewer issues are left
    /// than the loop needs to enter any slot.
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
    words: &mut [u16; WORD_SLOTS],
    decoded: &mut [Op; DECODED_SLOTS],
    state: &mut HotState,
) -> HotExit {
    // Only the program counter, stack pointer and fuel live in locals; the
    // registers and the rarely used rest stay in `state`, which no other
    // reference can reach.
    let mut pc = state.pc as u16;
    // sp is a `u16`: with the two words of padding past the end of
    // `words`, a three-word frame at any sp (or at `sp - 3` wrapped) is in
    // bounds, so CALL and RET index their frames without a bounds test;
    // their own tests keep the frames where they belong.
    let mut sp = state.sp as u16;
    // The fuel, as the issues left beyond three (`MOST_ISSUES`). At the
    // top of the loop it is never negative, so any slot (a triple issues
    // three) may run without a test before it: each arm takes its issues,
    // a constant, after it has run and leaves the loop when fewer than
    // three remain (`retire!`), with `sub` and `js`. This spares the
    // dispatch the load of a per-slot issue count, and the register
    // copies the compiler made to undo the subtraction on the way out.
    const MOST_ISSUES: i64 = 3;
    let mut spare = state.fuel as i64 - MOST_ISSUES;

    // Anything but the plain case (a tag to check against, a stack bound)
    // goes to the reference implementation, which finds the fault. `$at` is
    // the address of the instruction it is to run, and `$issued` the issues
    // to count: that instruction's, and a first half's before it. Every
    // exit leaves the one loop with `break` and the state is written back
    // once, after it: exits that wrote `state` inside the loop made the
    // compiler keep the addresses of its fields in registers on every
    // dispatch.
    macro_rules! slow_path {
        ($at:expr, $issued:expr) => {{
            spare -= $issued;
            break Some($at);
        }};
    }
    // The end of a slot that retired `$issued` instructions: count them
    // and go on at `pc` while three issues remain.
    macro_rules! retire {
        ($issued:expr) => {{
            spare -= $issued;
            if spare < 0 {
                break None;
            }
            continue;
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
                forget_word(decoded, address);
            }
        }};
    }
    macro_rules! alu {
        ($op:expr, $at:expr, $issued:expr, |$x:ident, $y:ident| $result:expr) => {{
            let op: Op = $op;
            let ($x, $y) = (reg!(op.b), reg!(op.c));
            if ($x | $y) >> TAG_SHIFT != 0 {
                slow_path!($at, $issued);
            }
            reg!(op.a) = $result;
        }};
    }
    // One instruction's fast case: `$op` (an expression reading the slot,
    // copied once at the start, so that the fields are loaded in the arm
    // that uses them) decoded at `$at`, `$issued` the issues counted when
    // it retires (2 for a pair's second half). Falls through when
    // execution goes on at the next address; a taken branch sets `pc` and
    // retires the slot.
    macro_rules! exec {
        (Li, $op:expr, $at:expr, $issued:expr) => {{
            let op: Op = $op;
            reg!(op.a) = op.imm as u32;
        }};
        (Mov, $op:expr, $at:expr, $issued:expr) => {{
            let op: Op = $op;
            reg!(op.a) = reg!(op.b);
        }};
        (Add, $op:expr, $at:expr, $issued:expr) => {
            alu!($op, $at, $issued, |x, y| (x + y) & VALUE_MASK)
        };
        (Sub, $op:expr, $at:expr, $issued:expr) => {
            alu!($op, $at, $issued, |x, y| x.wrapping_sub(y) & VALUE_MASK)
        };
        (And, $op:expr, $at:expr, $issued:expr) => {
            alu!($op, $at, $issued, |x, y| x & y)
        };
        (Or, $op:expr, $at:expr, $issued:expr) => {
            alu!($op, $at, $issued, |x, y| x | y)
        };
        (Xor, $op:expr, $at:expr, $issued:expr) => {
            alu!($op, $at, $issued, |x, y| x ^ y)
        };
        (Shl, $op:expr, $at:expr, $issued:expr) => {
            alu!($op, $at, $issued, |x, y| (x << (y & 15)) & VALUE_MASK)
        };
        (Shr, $op:expr, $at:expr, $issued:expr) => {
            alu!($op, $at, $issued, |x, y| x >> (y & 15))
        };
        (Mul, $op:expr, $at:expr, $issued:expr) => {
            alu!($op, $at, $issued, |x, y| x.wrapping_mul(y) & VALUE_MASK)
        };
        (Slt, $op:expr, $at:expr, $issued:expr) => {
            alu!($op, $at, $issued, |x, y| BOOL
                | ((x as u16 as i16) < (y as u16 as i16)) as u32)
        };
        (Bz, $op:expr, $at:expr, $issued:expr) => {{
            let op: Op = $op;
            if reg!(op.a) & VALUE_MASK == 0 {
                // A taken BZ that begins a pair skips its second half,
                // which is then not issued.
                pc = op.imm;
                retire!($issued);
            }
        }};
        (Jmp, $op:expr, $at:expr, $issued:expr) => {{
            let op: Op = $op;
            pc = op.imm;
            retire!($issued);
        }};
        (Ld, $op:expr, $at:expr, $issued:expr) => {{
            let op: Op = $op;
            let base = reg!(op.b);
            if base & !VALUE_MASK != PTR {
                slow_path!($at, $issued);
            }
            let address = (base as usize).wrapping_add(op.imm as i16 as usize) & ADDRESS_MASK;
            reg!(op.a) = words[address] as u32;
        }};
        (St, $op:expr, $at:expr, $issued:expr) => {{
            let op: Op = $op;
            let base = reg!(op.b);
            if base & !VALUE_MASK != PTR {
                slow_path!($at, $issued);
            }
            let address = (base as usize).wrapping_add(op.imm as i16 as usize) & ADDRESS_MASK;
            // A store into the ROM faults in the reference implementation.
            // (STS and CALL need no such test: their bounds lie below it.)
            if address >= state.write_limit {
                slow_path!($at, $issued);
            }
            write!(address, reg!(op.a) as u16);
        }};
        (Call, $op:expr, $at:expr, $issued:expr) => {{
            let op: Op = $op;
            let closure = reg!(op.a);
            // With the tag CLOSURE, `target` is the closure's address;
            // with any other it is above VALUE_MASK. One test, and the
            // address needs no mask to index memory.
            let target = closure ^ CLOSURE;
            if target > VALUE_MASK {
                slow_path!($at, $issued);
            }
            // One comparison covers the common case (see `call_guard`);
            // the rest is out of line, so that the common case falls
            // straight through.
            if (sp as usize) < state.call_guard && !state.call_below_guard(decoded, sp as usize) {
                slow_path!($at, $issued);
            }
            // The frame, `sp - 3 .. sp`: past the guard sp is at least 3,
            // and the padding keeps the three words in bounds anyway.
            sp -= 3;
            let frame = &mut words[sp as usize..sp as usize + 3];
            // v6's tag goes below its value: with the halves swapped, the
            // two words are one 32-bit store.
            let environment = state.registers[6].rotate_left(TAG_SHIFT);
            frame[0] = environment as u16;
            frame[1] = (environment >> TAG_SHIFT) as u16;
            frame[2] = ($at as u16).wrapping_add(1);
            state.registers[0] = reg!(op.b);
            state.registers[6] = closure;
            pc = words[target as usize];
            retire!($issued);
        }};
        (Ret, $op:expr, $at:expr, $issued:expr) => {{
            let op: Op = $op;
            if sp >= state.ret_bound {
                slow_path!($at, $issued);
            }
            let frame = &words[sp as usize..sp as usize + 3];
            // Tag and value of v6 as one 32-bit load, halves swapped back;
            // the tag word keeps only its three tag bits.
            let environment = (frame[0] as u32 | (frame[1] as u32) << TAG_SHIFT)
                .rotate_left(TAG_SHIFT)
                & TAGGED_MASK;
            pc = frame[2];
            sp += 3;
            state.registers[0] = reg!(op.b);
            state.registers[6] = environment;
            retire!($issued);
        }};
        (Lds, $op:expr, $at:expr, $issued:expr) => {{
            let op: Op = $op;
            // The slot's two words lie below the stack base.
            let address = sp as usize + 2 * op.imm as usize;
            if address + 2 > state.stack_base as usize {
                slow_path!($at, $issued);
            }
            let value = words[address & ADDRESS_MASK] as u32;
            let tag = words[(address + 1) & ADDRESS_MASK] as u32 & 7;
            reg!(op.a) = (tag << TAG_SHIFT) | value;
        }};
        (Sts, $op:expr, $at:expr, $issued:expr) => {{
            let op: Op = $op;
            // The slot's two words lie below the stack base.
            let address = sp as usize + 2 * op.imm as usize;
            if address + 2 > state.stack_base as usize {
                slow_path!($at, $issued);
            }
            let value = reg!(op.a);
            write!(address, value as u16);
            write!(address + 1, (value >> TAG_SHIFT) as u16);
        }};
    }
    // A plain slot: its instruction, then on to the next address.
    macro_rules! plain {
        ($kind:ident) => {{
            exec!($kind, decoded[pc as usize], pc, 1);
            // Unreachable after the kinds that always jump (JMP, CALL, RET).
            #[allow(unreachable_code)]
            {
                pc = pc.wrapping_add(1);
                retire!(1);
            }
        }};
    }
    // The match over every kind: the plain kinds the loop runs, then one
    // arm per fused pair. A half that leaves for the slow path leaves with
    // its own address, so a fault in the second half is reported there,
    // with the first half retired.
    macro_rules! dispatch {
        ($kind:expr;
            $(($pair:ident, $first:ident, $second:ident)),* ;
            $(($triple:ident, $lead:ident, $first3:ident, $second3:ident, $third:ident)),* $(,)?
        ) => {
            match $kind {
                Kind::Li => plain!(Li),
                Kind::Mov => plain!(Mov),
                Kind::Add => plain!(Add),
                Kind::Sub => plain!(Sub),
                Kind::And => plain!(And),
                Kind::Or => plain!(Or),
                Kind::Xor => plain!(Xor),
                Kind::Shl => plain!(Shl),
                Kind::Shr => plain!(Shr),
                Kind::Mul => plain!(Mul),
                Kind::Slt => plain!(Slt),
                Kind::Bz => plain!(Bz),
                Kind::Jmp => plain!(Jmp),
                Kind::Ld => plain!(Ld),
                Kind::St => plain!(St),
                Kind::Call => plain!(Call),
                Kind::Ret => plain!(Ret),
                Kind::Lds => plain!(Lds),
                Kind::Sts => plain!(Sts),
                $(Kind::$pair => {
                    exec!($first, decoded[pc as usize], pc, 1);
                    // The second half's operands are in the next slot,
                    // which is decoded while this one holds the pair. No
                    // pair begins at 0xFFFF, and `decoded` has a slot
                    // past the end, so `pc + 1` needs neither a wrap nor
                    // a bounds test.
                    exec!($second, decoded[pc as usize + 1], pc.wrapping_add(1), 2);
                    #[allow(unreachable_code)]
                    {
                        pc = pc.wrapping_add(2);
                        retire!(2);
                    }
                })*
                // A triple: its later instructions' operands are in the
                // next two slots (the pair of the second and third, then
                // the third), decoded while this slot holds the triple.
                // No triple begins at 0xFFFE, and `decoded` has two slots
                // past the end.
                $(Kind::$triple => {
                    exec!($first3, decoded[pc as usize], pc, 1);
                    exec!($second3, decoded[pc as usize + 1], pc.wrapping_add(1), 2);
                    exec!($third, decoded[pc as usize + 2], pc.wrapping_add(2), 3);
                    #[allow(unreachable_code)]
                    {
                        pc = pc.wrapping_add(3);
                        retire!(3);
                    }
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
                | Kind::Csrw
                // CAS is rare (a lock, a counter), and leaving the loop for
                // it costs the loop nothing: it is atomic because the
                // system issues one instruction per core per turn.
                | Kind::Cas => slow_path!(pc, 1),
            }
        };
    }

    // `Some(at)`: the instruction at `at` (issued) is for the slow path;
    // `None`: fewer than three issues are left for the slot at `pc`.
    let slow_at: Option<u16> = if spare < 0 {
        None
    } else {
        loop {
            with_fused_pairs!(dispatch(decoded[pc as usize].kind));
        }
    };
    let mut fuel = spare + MOST_ISSUES;
    let exit = match slow_at {
        Some(at) => {
            pc = at;
            HotExit::Slow
        }
        None if fuel == 0 => HotExit::Limit,
        // One or two issues left: the reference implementation issues the
        // slot's first instruction alone (and the outer loop comes back
        // for the next), so `--max-cycles` stops exactly, inside a fused
        // sequence if need be.
        None => {
            fuel -= 1;
            HotExit::Slow
        }
    };
    state.pc = pc as usize;
    state.sp = sp as usize;
    state.fuel = fuel as u64;
    exit
}

#[cfg(test)]
mod tests;
