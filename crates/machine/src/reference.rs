//! The reference implementation of every instruction: complete, with
//! every tag check and fault, written for reading.
//!
//! The dispatch loop's fast path (`hot_loop` in `execute.rs`) executes the
//! common instructions in their common case and hands everything else
//! here: the instructions it never runs (PERF, RESU, INST, ALLOC, MATCH,
//! ...), and any case of the ones it does run that could fault. `step`
//! (and so `--trace`) uses only this path. Invariant: for every
//! instruction and state, the fast path and this one leave the same
//! registers, memory, stack and cycle count; the property test
//! `fast_path_matches_reference` in `tests/differential.rs` checks it on
//! random programs.

use cml_isa::Tag;

use crate::decoded::{fuse, predecode, Kind, Op, Reg};
use crate::execute::Exit;
use crate::fault::Fault;
use crate::Machine;

const TAG_SHIFT: u32 = 16;

/// How many words [`Machine::decode_slot`] decodes at most in one go.
const DECODE_AHEAD: usize = 32;
const VALUE_MASK: u32 = 0xFFFF;

fn tag_of(value: u32) -> Tag {
    Tag::from_code((value >> TAG_SHIFT) as u8)
}

impl Machine {
    /// Executes the instruction `op` decoded from `pc`; `self.pc` is already
    /// `pc + 1`. On a fault nothing has changed.
    pub(crate) fn execute_instruction(&mut self, op: Op, pc: u16) -> Result<(), Exit> {
        let (a, b, c) = (op.a, op.b, op.c);
        // A fused pair is, here, its first half: the pair's second half is
        // the next instruction, issued on its own.
        let kind = op.kind.first_half();
        match kind {
            Kind::NotDecoded => {
                // Decode and issue again; decoding costs no cycle.
                self.decode_slot(pc);
                self.attempts -= 1;
                self.pc = pc;
            }
            Kind::Illegal => {
                return Err(Exit::Fault(Fault::IllegalInstruction {
                    word: self.words[pc as usize],
                }))
            }
            Kind::Li => self.set_reg(a, op.imm as u32),
            Kind::Lih => {
                let old = self.reg(a);
                self.set_reg(a, (old & !0xFF00) | ((op.imm as u32 & 0xFF) << 8));
            }
            Kind::Add => self.alu(op, |x, y| Ok(x.wrapping_add(y)))?,
            Kind::Sub => self.alu(op, |x, y| Ok(x.wrapping_sub(y)))?,
            Kind::And => self.alu(op, |x, y| Ok(x & y))?,
            Kind::Or => self.alu(op, |x, y| Ok(x | y))?,
            Kind::Xor => self.alu(op, |x, y| Ok(x ^ y))?,
            Kind::Shl => self.alu(op, |x, y| Ok(x << (y & 15)))?,
            Kind::Shr => self.alu(op, |x, y| Ok(x >> (y & 15)))?,
            Kind::Mul => self.alu(op, |x, y| Ok(x.wrapping_mul(y)))?,
            Kind::Div => self.alu(op, |x, y| match y {
                0 => Err(Fault::DivideByZero),
                _ => Ok((x as i16).wrapping_div(y as i16) as u16),
            })?,
            Kind::Rem => self.alu(op, |x, y| match y {
                0 => Err(Fault::DivideByZero),
                _ => Ok((x as i16).wrapping_rem(y as i16) as u16),
            })?,
            Kind::Slt => {
                let (x, y) = self.int_operands(b, c)?;
                let less = (x as i16) < (y as i16);
                self.set_reg(a, ((Tag::BOOL.code() as u32) << TAG_SHIFT) | less as u32);
            }
            Kind::Bz => {
                if self.reg(a) & VALUE_MASK == 0 {
                    self.pc = op.imm;
                }
            }
            Kind::Jmp => self.pc = op.imm,
            Kind::Jmpa => self.pc = self.words[pc.wrapping_add(1) as usize],
            Kind::Ld => {
                let base = self.reg(b);
                if !tag_of(base).is_heap_pointer() {
                    return Err(self.tag_fault(b, "PTR, CONT or CLOSURE"));
                }
                let address = (base as u16).wrapping_add(op.imm);
                self.set_reg(a, self.words[address as usize] as u32);
            }
            Kind::St => {
                let address = self.pointer(b)?.wrapping_add(op.imm);
                self.check_writable(address, 1)?;
                let value = self.reg(a) as u16;
                self.write_word(address, value);
            }
            Kind::Alloc => self.allocate(a, op.effect, op.imm as u8)?,
            Kind::Mov => self.set_reg(a, self.reg(b)),
            Kind::Call | Kind::Tcall => {
                let closure = self.reg(a);
                if tag_of(closure) != Tag::CLOSURE {
                    return Err(self.tag_fault(a, "CLOSURE"));
                }
                let argument = self.reg(b);
                if kind == Kind::Call {
                    self.push_call_frame(self.pc, self.registers[6])?;
                }
                self.registers[6] = closure;
                self.registers[0] = argument;
                self.pc = self.words[(closure as u16) as usize];
            }
            Kind::Ret => {
                let sp = self.sp as u32;
                if sp + 3 > self.map.stack_base as u32 {
                    return Err(Exit::Fault(Fault::StackUnderflow));
                }
                let result = self.reg(b);
                let tag = self.words[sp as usize] as u32 & 7;
                let environment = self.words[(sp + 1) as usize] as u32;
                self.pc = self.words[(sp + 2) as usize];
                self.sp = (sp + 3) as u16;
                self.registers[6] = (tag << TAG_SHIFT) | environment;
                self.registers[0] = result;
            }
            Kind::Match => self.match_dispatch(b, op.imm)?,
            Kind::Inst | Kind::Instt => {
                self.install_handler(op.effect, op.imm, kind == Kind::Instt)?
            }
            Kind::Unin => self.uninstall_handler(op.effect)?,
            Kind::Perf => self.perform_instruction(op.effect, a)?,
            Kind::Resu | Kind::Resus => self.resume_instruction(a, b, kind == Kind::Resus)?,
            Kind::Setv => {
                let header = self.pointer(a)?.wrapping_sub(1);
                self.check_writable(header, 1)?;
                let old = self.words[header as usize];
                self.write_word(header, (old & 0x00FF) | (op.imm << 8));
            }
            Kind::Settag => {
                let tag = op.imm as u8;
                if Tag::from_code(tag).is_reserved() {
                    return Err(Exit::Fault(Fault::ReservedTag { tag }));
                }
                let value = self.reg(a) & VALUE_MASK;
                self.set_reg(a, ((tag as u32) << TAG_SHIFT) | value);
            }
            Kind::Halt => return Err(Exit::Halt),
            Kind::Inc | Kind::Dec => {
                let pointer = self.pointer(b)?;
                let moved = if kind == Kind::Inc {
                    pointer.wrapping_add(op.imm)
                } else {
                    pointer.wrapping_sub(op.imm)
                };
                self.set_reg(a, ((Tag::PTR.code() as u32) << TAG_SHIFT) | moved as u32);
            }
            Kind::Lds => {
                let address = self.slot_address(op.imm)?;
                let value = self.words[address as usize] as u32;
                let tag = self.words[address.wrapping_add(1) as usize] as u32 & 7;
                self.set_reg(a, (tag << TAG_SHIFT) | value);
            }
            Kind::Sts => {
                let address = self.slot_address(op.imm)?;
                self.check_writable(address, 2)?;
                let value = self.reg(a);
                self.write_word(address, value as u16);
                self.write_word(address.wrapping_add(1), (value >> TAG_SHIFT) as u16);
            }
            Kind::Enter => {
                let words = 2 * op.imm;
                self.reserve_stack(words)?;
                self.sp -= words;
                self.note_stack_depth();
            }
            Kind::Leave => {
                let sp = self.sp as u32 + 2 * op.imm as u32;
                if sp > self.map.stack_base as u32 {
                    return Err(Exit::Fault(Fault::StackUnderflow));
                }
                self.sp = sp as u16;
            }
            Kind::Csrr => {
                let value = self.read_control_register(op.imm as u8)?;
                self.set_reg(a, value as u32);
            }
            Kind::Csrw => self.write_control_register(op.imm as u8, self.reg(a) as u16)?,
            Kind::Cas => {
                // One instruction, so atomic: on the system-on-chip one
                // core issues at a time on the one memory.
                let address = self.pointer(b)?;
                self.check_writable(address, 1)?;
                let expected = self.reg(a) as u16;
                let stored = self.words[address as usize] == expected;
                if stored {
                    self.write_word(address, self.reg(c) as u16);
                }
                self.set_reg(a, ((Tag::BOOL.code() as u32) << TAG_SHIFT) | stored as u32);
            }
            pair => unreachable!("{pair:?}: first_half() is never a fused pair"),
        }
        Ok(())
    }

    /// Fills the slot at `pc`: the word's decoding, fused with the next
    /// word's when the pair is listed (`decoded.rs`), in which case the next
    /// slot is filled too, as the dispatch loop reads the second half from
    /// it. So that the next slot is itself a pair where it can be (ADD at
    /// `pc + 1` then CALL), the whole run of words that may begin a pair is
    /// decoded at once, last first, up to [`DECODE_AHEAD`] words or an
    /// already decoded slot. Keeps `decoded_start..decoded_end` around every
    /// filled slot.
    fn decode_slot(&mut self, pc: u16) {
        let mut run = vec![predecode(self.words[pc as usize], pc, self.isa)];
        let mut last = pc;
        while run.len() < DECODE_AHEAD && run[run.len() - 1].kind.may_begin_pair() {
            let next = last.wrapping_add(1);
            if next == pc || self.decoded[next as usize].kind != Kind::NotDecoded {
                break;
            }
            run.push(predecode(self.words[next as usize], next, self.isa));
            last = next;
        }
        // `run[i]` is the word at `pc + i`; fuse each with the slot after
        // it, from the end, where the slot after is already final.
        let mut second = self.decoded[last.wrapping_add(1) as usize];
        for (offset, &op) in run.iter().enumerate().rev() {
            let address = pc.wrapping_add(offset as u16);
            let slot = if second.kind == Kind::NotDecoded || !self.fusion {
                op
            } else {
                fuse(op, second, address)
            };
            self.decoded[address as usize] = slot;
            self.note_decoded(address as usize);
            second = slot;
        }
    }

    fn note_decoded(&mut self, address: usize) {
        if self.decoded_start == self.decoded_end {
            self.decoded_start = address;
            self.decoded_end = address + 1;
        } else {
            self.decoded_start = self.decoded_start.min(address);
            self.decoded_end = self.decoded_end.max(address + 1);
        }
    }

    /// Both operands of an ALU instruction, which must be INT.
    fn int_operands(&self, vs: Reg, vt: Reg) -> Result<(u16, u16), Exit> {
        for register in [vs, vt] {
            if tag_of(self.reg(register)) != Tag::INT {
                return Err(self.tag_fault(register, "INT"));
            }
        }
        Ok((self.reg(vs) as u16, self.reg(vt) as u16))
    }

    /// An ALU instruction: INT operands, INT result.
    fn alu(
        &mut self,
        op: Op,
        compute: impl Fn(u16, u16) -> Result<u16, Fault>,
    ) -> Result<(), Exit> {
        let (x, y) = self.int_operands(op.b, op.c)?;
        let result = compute(x, y)?;
        self.set_reg(op.a, result as u32);
        Ok(())
    }

    /// The value of a register that must hold a PTR.
    fn pointer(&self, register: Reg) -> Result<u16, Exit> {
        let value = self.reg(register);
        if tag_of(value) != Tag::PTR {
            return Err(self.tag_fault(register, "PTR"));
        }
        Ok(value as u16)
    }

    /// The address of a tagged stack slot, which must lie below the stack
    /// base.
    fn slot_address(&self, slot: u16) -> Result<u16, Exit> {
        let address = self.sp as u32 + 2 * slot as u32;
        if address + 2 > self.map.stack_base as u32 {
            return Err(Exit::Fault(Fault::StackUnderflow));
        }
        Ok(address as u16)
    }

    /// ALLOC: a header and `count` payload words, or with the size escape
    /// (count 15) a header, a size word and vd's INT payload words.
    fn allocate(&mut self, vd: Reg, layout: u8, count: u8) -> Result<(), Exit> {
        let escape = count == cml_isa::SIZE_ESCAPE;
        let (payload, total) = if escape {
            let size = self.reg(vd);
            if tag_of(size) != Tag::INT {
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
        // The words ALLOC writes: the header, and the size word.
        self.check_writable(start as u16, 1 + escape as u32)?;
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
        self.set_reg(vd, ((Tag::PTR.code() as u32) << TAG_SHIFT) | (start + 1));
        self.stats.allocations += 1;
        self.stats.allocated_words += total as u64;
        let height = self.hp.saturating_sub(self.heap_start) as u32;
        self.stats.peak_heap_words = self.stats.peak_heap_words.max(height);
        Ok(())
    }

    /// MATCH (§9): index by the variant byte of a PTR's header, or by the
    /// tag of anything else, into the table of offsets at `table`.
    fn match_dispatch(&mut self, vs: Reg, table: u16) -> Result<(), Exit> {
        const MISSING: u16 = 0x8000;
        const END: u16 = 0x8001;
        let scrutinee = self.reg(vs);
        let index = if tag_of(scrutinee) == Tag::PTR {
            self.words[(scrutinee as u16).wrapping_sub(1) as usize] >> 8
        } else {
            tag_of(scrutinee).code() as u16
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
            7 => self.globals_pointer,
            _ => return Err(Exit::Fault(Fault::BadControlRegister { register: csr })),
        })
    }

    fn write_control_register(&mut self, csr: u8, value: u16) -> Result<(), Exit> {
        let spill_busy = self.handlers.spill_count > 0;
        match csr {
            0 => self.sp = value,
            1 => self.hp = value,
            2 => self.map.effect_table_base = value,
            4 | 5 if spill_busy => return Err(Exit::Fault(Fault::SpillRegionBusy)),
            // Spilled frames lie below the spill end, so a spill region
            // that ends at or below the ROM never writes into it.
            5 if value as u32 > self.write_limit => {
                return Err(Exit::Fault(Fault::RomWrite {
                    address: self.write_limit as u16,
                }))
            }
            4 => self.map.spill_base = value,
            5 => self.map.spill_end = value,
            6 => self.map.stack_base = value,
            7 => self.globals_pointer = value,
            _ => return Err(Exit::Fault(Fault::BadControlRegister { register: csr })),
        }
        Ok(())
    }
}
