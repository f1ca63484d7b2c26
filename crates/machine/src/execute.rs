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

use crate::decoded::{predecode, Op, Reg};
use crate::fault::Fault;
use crate::trace::TraceRecord;
use crate::value::Value;
use crate::{CoreState, Machine, RunOutcome};

/// Why an instruction left the loop.
pub(crate) enum Exit {
    /// The instruction faulted and did not retire.
    Fault(Fault),
    /// HALT retired.
    Halt,
}

const TAG_SHIFT: u32 = 16;
const VALUE_MASK: u32 = 0xFFFF;
const PTR: u32 = (Tag::PTR.code() as u32) << TAG_SHIFT;
const CLOSURE: u32 = (Tag::CLOSURE.code() as u32) << TAG_SHIFT;
const BOOL: u32 = (Tag::BOOL.code() as u32) << TAG_SHIFT;

#[inline(always)]
fn tag_of(value: u32) -> u32 {
    value >> TAG_SHIFT
}

impl Machine {
    #[inline(always)]
    pub(crate) fn reg(&self, register: Reg) -> u32 {
        self.registers[(register & 7) as usize]
    }

    #[inline(always)]
    pub(crate) fn set_reg(&mut self, register: Reg, value: u32) {
        self.registers[(register & 7) as usize] = value;
    }

    /// A tag-mismatch fault for a register.
    #[cold]
    pub(crate) fn tag_fault(&self, register: Reg, expected: &'static str) -> Exit {
        Exit::Fault(Fault::TagMismatch {
            register: cml_isa::Register::from_low_bits(register as u16),
            expected,
            found: Value(self.reg(register)).tag(),
        })
    }

    /// Runs until the core halts with nothing in flight, a fault goes
    /// unhandled, or the cycle count reaches `cycle_limit`.
    pub fn run(&mut self, cycle_limit: u64) -> RunOutcome {
        self.attempt_limit = cycle_limit.saturating_sub(self.extra_cycles);
        loop {
            if let Some(outcome) = self.run_one() {
                return outcome;
            }
        }
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
        let outcome = self.run_one();
        let events = self.events.take().unwrap_or_default();
        if let Some(RunOutcome::Trapped(report)) = outcome {
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

    /// Issues one instruction; `Some` when the run must stop.
    #[inline(always)]
    fn run_one(&mut self) -> Option<RunOutcome> {
        if self.state != CoreState::Running {
            return Some(self.stopped_outcome());
        }
        if self.attempts >= self.attempt_limit {
            return Some(RunOutcome::CycleLimit);
        }
        self.attempts += 1;
        let pc = self.pc;
        match self.execute(pc) {
            Ok(()) => None,
            Err(Exit::Halt) => {
                self.state = CoreState::Halted;
                Some(self.stopped_outcome())
            }
            Err(Exit::Fault(fault)) => {
                self.not_retired += 1;
                self.pc = pc;
                self.deliver_fault(fault, pc).map(|report| {
                    self.state = CoreState::Stopped;
                    RunOutcome::Trapped(report)
                })
            }
        }
    }

    #[cold]
    fn stopped_outcome(&mut self) -> RunOutcome {
        match self.state {
            CoreState::Halted if self.outbound.is_empty() => RunOutcome::Halted,
            CoreState::Halted => {
                self.drain_outbound();
                RunOutcome::Halted
            }
            CoreState::Stopped | CoreState::Running => RunOutcome::CycleLimit,
        }
    }

    /// Decodes a slot whose word changed since it was last decoded.
    #[cold]
    #[inline(never)]
    fn decode_slot(&mut self, pc: u16) -> Op {
        let op = predecode(self.words[pc as usize], pc, self.isa);
        self.decoded[pc as usize] = op;
        op
    }

    /// Executes the instruction at `pc` (the loop has set nothing yet).
    #[inline(always)]
    fn execute(&mut self, pc: u16) -> Result<(), Exit> {
        let mut op = self.decoded[pc as usize];
        if op == Op::NotDecoded {
            op = self.decode_slot(pc);
        }
        self.pc = pc.wrapping_add(1);
        match op {
            // `decode_slot` never yields NotDecoded; both mean "not an instruction".
            Op::NotDecoded | Op::Illegal => {
                return Err(Exit::Fault(Fault::IllegalInstruction {
                    word: self.words[pc as usize],
                }))
            }
            Op::Li { vd, value } => self.set_reg(vd, value as u32),
            Op::Lih { vd, high } => {
                let old = self.reg(vd);
                self.set_reg(vd, (old & !0xFF00) | ((high as u32) << 8));
            }
            Op::Add { vd, vs, vt } => {
                let (a, b) = self.int_operands(vs, vt)?;
                self.set_reg(vd, (a + b) & VALUE_MASK);
            }
            Op::Sub { vd, vs, vt } => {
                let (a, b) = self.int_operands(vs, vt)?;
                self.set_reg(vd, a.wrapping_sub(b) & VALUE_MASK);
            }
            Op::And { vd, vs, vt } => {
                let (a, b) = self.int_operands(vs, vt)?;
                self.set_reg(vd, a & b);
            }
            Op::Or { vd, vs, vt } => {
                let (a, b) = self.int_operands(vs, vt)?;
                self.set_reg(vd, a | b);
            }
            Op::Xor { vd, vs, vt } => {
                let (a, b) = self.int_operands(vs, vt)?;
                self.set_reg(vd, a ^ b);
            }
            Op::Shl { vd, vs, vt } => {
                let (a, b) = self.int_operands(vs, vt)?;
                self.set_reg(vd, (a << (b & 15)) & VALUE_MASK);
            }
            Op::Shr { vd, vs, vt } => {
                let (a, b) = self.int_operands(vs, vt)?;
                self.set_reg(vd, a >> (b & 15));
            }
            Op::Mul { vd, vs, vt } => {
                let (a, b) = self.int_operands(vs, vt)?;
                self.set_reg(vd, a.wrapping_mul(b) & VALUE_MASK);
            }
            Op::Div { vd, vs, vt } => {
                let (a, b) = self.int_operands(vs, vt)?;
                if b == 0 {
                    return Err(Exit::Fault(Fault::DivideByZero));
                }
                self.set_reg(
                    vd,
                    (a as u16 as i16).wrapping_div(b as u16 as i16) as u16 as u32,
                );
            }
            Op::Rem { vd, vs, vt } => {
                let (a, b) = self.int_operands(vs, vt)?;
                if b == 0 {
                    return Err(Exit::Fault(Fault::DivideByZero));
                }
                self.set_reg(
                    vd,
                    (a as u16 as i16).wrapping_rem(b as u16 as i16) as u16 as u32,
                );
            }
            Op::Slt { vd, vs, vt } => {
                let (a, b) = self.int_operands(vs, vt)?;
                let less = ((a as u16 as i16) < (b as u16 as i16)) as u32;
                self.set_reg(vd, BOOL | less);
            }
            Op::Bz { vs, target } => {
                if self.reg(vs) & VALUE_MASK == 0 {
                    self.pc = target;
                }
            }
            Op::Jmp { target } => self.pc = target,
            Op::Jmpa => self.pc = self.words[pc.wrapping_add(1) as usize],
            Op::Ld { vd, vs, offset } => {
                let base = self.reg(vs);
                if !(1..=3).contains(&tag_of(base)) {
                    return Err(self.tag_fault(vs, "PTR, CONT or CLOSURE"));
                }
                let address = (base as u16).wrapping_add(offset as i16 as u16);
                self.set_reg(vd, self.words[address as usize] as u32);
            }
            Op::St { vd, vs, offset } => {
                let base = self.reg(vs);
                if tag_of(base) != tag_of(PTR) {
                    return Err(self.tag_fault(vs, "PTR"));
                }
                let address = (base as u16).wrapping_add(offset as i16 as u16);
                let value = self.reg(vd) as u16;
                self.write_word(address, value);
            }
            Op::Alloc { vd, layout, count } => self.allocate(vd, layout, count)?,
            Op::Mov { vd, vs } => self.set_reg(vd, self.reg(vs)),
            Op::Call { vf, va } => {
                let closure = self.reg(vf);
                if closure & !VALUE_MASK != CLOSURE {
                    return Err(self.tag_fault(vf, "CLOSURE"));
                }
                let argument = self.reg(va);
                let environment = self.reg(6);
                self.push_call_frame(self.pc, environment)?;
                self.set_reg(6, closure);
                self.set_reg(0, argument);
                self.pc = self.words[(closure as u16) as usize];
            }
            Op::Tcall { vf, va } => {
                let closure = self.reg(vf);
                if closure & !VALUE_MASK != CLOSURE {
                    return Err(self.tag_fault(vf, "CLOSURE"));
                }
                let argument = self.reg(va);
                self.set_reg(6, closure);
                self.set_reg(0, argument);
                self.pc = self.words[(closure as u16) as usize];
            }
            Op::Ret { va } => {
                let sp = self.sp as u32;
                if sp + 3 > self.map.stack_base as u32 {
                    return Err(Exit::Fault(Fault::StackUnderflow));
                }
                let result = self.reg(va);
                let tag = self.words[sp as usize] as u32 & 7;
                let environment = self.words[(sp + 1) as usize] as u32;
                self.pc = self.words[(sp + 2) as usize];
                self.sp = (sp + 3) as u16;
                self.set_reg(6, (tag << TAG_SHIFT) | environment);
                self.set_reg(0, result);
            }
            Op::Match { vs, table } => self.match_dispatch(vs, table)?,
            Op::Inst {
                effect,
                handler,
                tail_resumptive,
            } => self.install_handler(effect, handler, tail_resumptive)?,
            Op::Unin { effect } => self.uninstall_handler(effect)?,
            Op::Perf { effect, vr } => self.perform_instruction(effect, vr)?,
            Op::Resu { vk, vv, shallow } => self.resume_instruction(vk, vv, shallow)?,
            Op::Setv { vd, variant } => {
                let pointer = self.reg(vd);
                if tag_of(pointer) != tag_of(PTR) {
                    return Err(self.tag_fault(vd, "PTR"));
                }
                let header = (pointer as u16).wrapping_sub(1);
                let old = self.words[header as usize];
                self.write_word(header, (old & 0x00FF) | ((variant as u16) << 8));
            }
            Op::Settag { vd, tag } => {
                if tag >= 6 {
                    return Err(Exit::Fault(Fault::ReservedTag { tag }));
                }
                let value = self.reg(vd) & VALUE_MASK;
                self.set_reg(vd, ((tag as u32) << TAG_SHIFT) | value);
            }
            Op::Halt => return Err(Exit::Halt),
            Op::Inc { vd, vs, amount } => {
                let pointer = self.reg(vs);
                if tag_of(pointer) != tag_of(PTR) {
                    return Err(self.tag_fault(vs, "PTR"));
                }
                self.set_reg(
                    vd,
                    PTR | ((pointer as u16).wrapping_add(amount as u16) as u32),
                );
            }
            Op::Dec { vd, vs, amount } => {
                let pointer = self.reg(vs);
                if tag_of(pointer) != tag_of(PTR) {
                    return Err(self.tag_fault(vs, "PTR"));
                }
                self.set_reg(
                    vd,
                    PTR | ((pointer as u16).wrapping_sub(amount as u16) as u32),
                );
            }
            Op::Lds { vd, slot } => {
                let address = self.slot_address(slot)?;
                let value = self.words[address as usize] as u32;
                let tag = self.words[address.wrapping_add(1) as usize] as u32 & 7;
                self.set_reg(vd, (tag << TAG_SHIFT) | value);
            }
            Op::Sts { vs, slot } => {
                let address = self.slot_address(slot)?;
                let value = self.reg(vs);
                self.write_word(address, value as u16);
                self.write_word(address.wrapping_add(1), (value >> TAG_SHIFT) as u16);
            }
            Op::Enter { count } => {
                let words = 2 * count as u16;
                self.reserve_stack(words)?;
                self.sp -= words;
                self.note_stack_depth();
            }
            Op::Leave { count } => {
                let sp = self.sp as u32 + 2 * count as u32;
                if sp > self.map.stack_base as u32 {
                    return Err(Exit::Fault(Fault::StackUnderflow));
                }
                self.sp = sp as u16;
            }
            Op::Csrr { vd, csr } => {
                let value = self.read_control_register(csr)?;
                self.set_reg(vd, value as u32);
            }
            Op::Csrw { vs, csr } => self.write_control_register(csr, self.reg(vs) as u16)?,
        }
        Ok(())
    }

    /// Both operands of an ALU instruction, which must be INT.
    #[inline(always)]
    fn int_operands(&self, vs: Reg, vt: Reg) -> Result<(u32, u32), Exit> {
        let a = self.reg(vs);
        let b = self.reg(vt);
        if (a | b) >> TAG_SHIFT != 0 {
            let culprit = if a >> TAG_SHIFT != 0 { vs } else { vt };
            return Err(self.tag_fault(culprit, "INT"));
        }
        Ok((a, b))
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

    /// The address of a tagged stack slot, which must lie below the stack
    /// base.
    #[inline(always)]
    fn slot_address(&self, slot: u8) -> Result<u16, Exit> {
        let address = self.sp as u32 + 2 * slot as u32;
        if address + 2 > self.map.stack_base as u32 {
            return Err(Exit::Fault(Fault::StackUnderflow));
        }
        Ok(address as u16)
    }

    /// ALLOC: a header and `count` payload words, or with the size escape
    /// (count 15) a header, a size word and vd's INT payload words.
    #[cold]
    fn allocate(&mut self, vd: Reg, layout: u8, count: u8) -> Result<(), Exit> {
        let escape = count == cml_isa::SIZE_ESCAPE;
        let (payload, total) = if escape {
            let size = self.reg(vd);
            if tag_of(size) != 0 {
                return Err(self.tag_fault(vd, "INT (the payload size, for n = 15)"));
            }
            (size, size + 2)
        } else {
            (count as u32, count as u32 + 1)
        };
        let start = self.hp as u32;
        let available = (self.sp as u32).saturating_sub(start);
        if total > available {
            return Err(Exit::Fault(Fault::HeapExhausted {
                requested: total,
                available,
            }));
        }
        let header = cml_isa::Header {
            variant: 0,
            size: count,
            layout: cml_isa::Layout::from_code(layout),
        };
        self.write_word(start as u16, header.encode());
        if escape {
            self.write_word((start + 1) as u16, payload as u16);
        }
        self.hp = (start + total) as u16;
        self.set_reg(vd, PTR | (start + 1));
        self.stats.allocations += 1;
        self.stats.allocated_words += total as u64;
        let height = (self.hp - self.heap_start) as u32;
        self.stats.peak_heap_words = self.stats.peak_heap_words.max(height);
        Ok(())
    }

    /// MATCH (§9): index by the variant byte of a PTR's header, or by the
    /// tag of anything else, into the table of offsets at `table`.
    #[cold]
    fn match_dispatch(&mut self, vs: Reg, table: u16) -> Result<(), Exit> {
        const MISSING: u16 = 0x8000;
        const END: u16 = 0x8001;
        let scrutinee = self.reg(vs);
        let index = if tag_of(scrutinee) == tag_of(PTR) {
            self.words[(scrutinee as u16).wrapping_sub(1) as usize] >> 8
        } else {
            tag_of(scrutinee) as u16
        };
        for position in 0..=index {
            let entry = self.words[table.wrapping_add(position) as usize];
            if entry == END || (position == index && entry == MISSING) {
                return Err(Exit::Fault(Fault::MatchMissingEntry { index }));
            }
            if position == index {
                self.pc = self.pc.wrapping_add(entry);
            }
        }
        Ok(())
    }

    fn read_control_register(&self, csr: u8) -> Result<u16, Exit> {
        Ok(match csr {
            0 => self.sp,
            1 => self.hp,
            2 => self.map.effect_table_base,
            3 => self.core_id as u16,
            4 => self.map.spill_base,
            5 => self.map.spill_end,
            6 => self.map.stack_base,
            _ => return Err(Exit::Fault(Fault::BadControlRegister { register: csr })),
        })
    }

    #[cold]
    fn write_control_register(&mut self, csr: u8, value: u16) -> Result<(), Exit> {
        let spill_busy = self.handlers.spill_count > 0;
        match csr {
            0 => self.sp = value,
            1 => self.hp = value,
            2 => self.map.effect_table_base = value,
            4 | 5 if spill_busy => return Err(Exit::Fault(Fault::SpillRegionBusy)),
            4 => self.map.spill_base = value,
            5 => self.map.spill_end = value,
            6 => self.map.stack_base = value,
            _ => return Err(Exit::Fault(Fault::BadControlRegister { register: csr })),
        }
        Ok(())
    }
}
