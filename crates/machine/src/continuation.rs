//! Continuation records: capture at PERF, restore at RESU, and reuse.
//!
//! A CONT_REC (§6, extended as `docs/isa-decisions.md` records) is a heap
//! object with layout CONT_REC and the size escape. The CONT handle points
//! at the size word (the header is at -1), and payload word `k` is at
//! handle + 1 + `k`:
//!
//! ```text
//! handle-1   header: variant = used flag (bit 0) and reuse epoch, size 15
//! handle+0   capacity: payload words after this one
//! +1 .. +19  §6's 19 words: saved pc, saved sp, prompt sp, v6, v0..v5, v7
//!            (each register as value then tag)
//! +20        L, the stack slice's length
//! +21 ..     the slice, lowest address first
//! +21+L      F, the number of captured handler frames
//! +22+L      I, how many of them are the catching handler's instance
//! +23+L ..   the frames, 5 words each: the instance's first, each group in
//!            install order, prompts stored as distances below the prompt
//! ```
//!
//! Example: a body two CALLs deep (6 stack words) performs an effect whose
//! handler was installed with one other frame above it. The record holds
//! 19 + 1 + 6 + 2 + 2·5 = 38 payload words. The clause that RESUMEs it from
//! 4 words further down the stack gets the 6 words back just below its own
//! stack pointer and both frames reinstalled with prompts 4 words lower
//! than before.

use cml_isa::{Header, Layout, Tag};

use crate::cost;
use crate::fault::Fault;
use crate::handlers::HandlerFrame;
use crate::value::Value;
use crate::Machine;

/// The canonical words of §6.
pub(crate) const CANONICAL_WORDS: u32 = 19;
/// Offset from the handle of the slice length word.
const SLICE_LENGTH: u16 = 1 + CANONICAL_WORDS as u16;
/// The register order of §6's saved-register words after v6.
const SAVED_REGISTER_ORDER: [usize; 8] = [6, 0, 1, 2, 3, 4, 5, 7];

/// Which frame caught the effect.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Catcher {
    /// An installed frame.
    Frame(HandlerFrame),
    /// The effect table's Local entry, which acts as a frame below all
    /// others whose prompt is the stack base.
    TableBottom,
}

/// The parts of a CONT_REC that RESU needs, read and checked.
struct ContinuationLayout {
    slice_length: u16,
    frame_count: u16,
    instance_count: u16,
    payload: u32,
}

impl Machine {
    /// Allocates a CONT_REC with room for `payload` words after the size
    /// word, reusing a consumed one when one is large enough.
    fn allocate_continuation(&mut self, payload: u32) -> Result<u16, Fault> {
        let mut previous: Option<u16> = None;
        let mut current = self.continuation_free_list;
        while let Some(handle) = current {
            self.charge(cost::HARDWARE_WORD);
            let next = match self.words[handle.wrapping_add(1) as usize] {
                0 => None,
                next => Some(next),
            };
            if self.words[handle as usize] as u32 >= payload {
                // The header, the size word and the payload the capture
                // writes (a record is where it was allocated, checked
                // then; this keeps a forged free list honest too).
                self.check_writable(handle.wrapping_sub(1), payload + 2)?;
                match previous {
                    None => self.continuation_free_list = next,
                    Some(previous) => self.write_word(previous.wrapping_add(1), next.unwrap_or(0)),
                }
                let header_address = handle.wrapping_sub(1);
                let old = Header::decode(self.words[header_address as usize]);
                let epoch = (old.variant >> 1).wrapping_add(1) & 0x7F;
                let header = Header {
                    variant: epoch << 1,
                    ..old
                };
                self.write_word(header_address, header.encode());
                self.stats.continuations_recycled += 1;
                return Ok(handle);
            }
            previous = current;
            current = next;
        }
        let total = payload + 2;
        let start = self.hp as u32;
        let available = (self.sp as u32).saturating_sub(start);
        if total > available {
            return Err(Fault::HeapExhausted {
                requested: total,
                available,
            });
        }
        self.check_writable(start as u16, total)?;
        let header = Header {
            variant: 0,
            size: cml_isa::SIZE_ESCAPE,
            layout: Layout::CONT_REC,
        };
        self.write_word(start as u16, header.encode());
        self.write_word((start + 1) as u16, payload as u16);
        self.hp = (start + total) as u16;
        let height = self.hp.saturating_sub(self.heap_start) as u32;
        self.stats.peak_heap_words = self.stats.peak_heap_words.max(height);
        Ok((start + 1) as u16)
    }

    /// Captures the continuation of a PERF whose handler `catcher` selected:
    /// registers, the stack slice up to the prompt, and the handler frames
    /// that leave with it. Returns the handle. Nothing changes on failure.
    pub(crate) fn capture_continuation(
        &mut self,
        catcher: Catcher,
        resume_pc: u16,
    ) -> Result<u16, Fault> {
        let (prompt, catching_id) = match catcher {
            Catcher::Frame(frame) => (frame.prompt_sp, Some(frame.install_id)),
            Catcher::TableBottom => (self.map.stack_base, None),
        };
        if self.sp > prompt {
            let Catcher::Frame(frame) = catcher else {
                return Err(Fault::StackUnderflow);
            };
            return Err(Fault::StaleHandlerFrame {
                effect: frame.effect,
            });
        }
        let in_instance =
            move |frame: &HandlerFrame| catching_id.is_some() && frame.prompt_sp == prompt;
        let captured = move |frame: &HandlerFrame| {
            in_instance(frame) || catching_id.is_none_or(|id| frame.install_id > id)
        };
        let slice_length = prompt - self.sp;
        let frame_count = self.count_frames(captured) as u32;
        let payload = CANONICAL_WORDS + 1 + slice_length as u32 + 2 + 5 * frame_count;
        if payload > u16::MAX as u32 {
            let available = self.sp.saturating_sub(self.hp) as u32;
            return Err(Fault::HeapExhausted {
                requested: payload + 2,
                available,
            });
        }
        let handle = self.allocate_continuation(payload)?;

        let mut frames = self.take_frames(captured);
        frames.sort_by_key(|frame| (!in_instance(frame), frame.install_id));
        let instance_count = frames.iter().filter(|frame| in_instance(frame)).count() as u16;

        let mut canonical = vec![resume_pc, self.sp, prompt];
        for register in SAVED_REGISTER_ORDER {
            let value = Value(self.registers[register]);
            canonical.push(value.bits());
            canonical.push(value.tag().code() as u16);
        }
        let mut cursor = handle.wrapping_add(1);
        let mut put = |machine: &mut Machine, word: u16| {
            machine.write_word(cursor, word);
            cursor = cursor.wrapping_add(1);
        };
        for word in canonical {
            put(self, word);
        }
        put(self, slice_length);
        for offset in 0..slice_length {
            let word = self.words[self.sp.wrapping_add(offset) as usize];
            put(self, word);
        }
        put(self, frames.len() as u16);
        put(self, instance_count);
        for frame in &frames {
            let mut words = frame.to_words();
            words[3] = prompt.wrapping_sub(frame.prompt_sp);
            for word in words {
                put(self, word);
            }
        }
        self.charge(cost::HARDWARE_WORD * payload as u64);
        self.stats.continuations_captured += 1;
        Ok(handle)
    }

    /// Reads and checks a CONT_REC's header and counts for RESU.
    fn read_continuation(&self, handle: u16) -> Result<ContinuationLayout, Fault> {
        let bad = Fault::BadContinuation { address: handle };
        let header = Header::decode(self.words[handle.wrapping_sub(1) as usize]);
        if header.layout != Layout::CONT_REC || header.size != cml_isa::SIZE_ESCAPE {
            return Err(bad);
        }
        if header.variant & 1 != 0 {
            return Err(Fault::ContinuationResumedTwice { address: handle });
        }
        let capacity = self.words[handle as usize] as u32;
        let at = |offset: u32| self.words[handle.wrapping_add(offset as u16) as usize];
        let slice_length = at(SLICE_LENGTH as u32);
        let fixed = CANONICAL_WORDS + 1 + slice_length as u32 + 2;
        if fixed > capacity {
            return Err(bad);
        }
        let frame_count = at(SLICE_LENGTH as u32 + 1 + slice_length as u32);
        let instance_count = at(SLICE_LENGTH as u32 + 2 + slice_length as u32);
        let payload = fixed + 5 * frame_count as u32;
        if instance_count > frame_count || payload > capacity {
            return Err(bad);
        }
        Ok(ContinuationLayout {
            slice_length,
            frame_count,
            instance_count,
            payload,
        })
    }

    /// RESU / RESUS: restores a continuation onto the current stack. Returns
    /// nothing; sets registers, sp and pc. Nothing changes on failure.
    pub(crate) fn resume_continuation(
        &mut self,
        handle: u16,
        delivered: Value,
        shallow: bool,
    ) -> Result<(), Fault> {
        let layout = self.read_continuation(handle)?;
        let base = self.sp;
        if (base as u32) < self.hp as u32 + layout.slice_length as u32 {
            return Err(Fault::StackOverflow);
        }
        let first_frame = if shallow { layout.instance_count } else { 0 };
        let reinstalled = (layout.frame_count - first_frame) as usize;
        if reinstalled > self.free_frame_capacity() {
            return Err(Fault::HandlerSpillFull);
        }

        let header_address = handle.wrapping_sub(1);
        let new_sp = base - layout.slice_length;
        // The words RESU writes: the header's used flag and the free-list
        // link after it, and the slice below sp. (Reinstalled frames go to
        // the CAM or the spill region, which ends below the ROM.)
        self.check_writable(header_address, 2)?;
        self.check_writable(new_sp, layout.slice_length as u32)?;
        let header = self.words[header_address as usize];
        self.write_word(header_address, header | 0x0100);

        let at =
            |machine: &Machine, offset: u16| machine.words[handle.wrapping_add(offset) as usize];
        for offset in 0..layout.slice_length {
            let word = at(self, SLICE_LENGTH + 1 + offset);
            self.write_word(new_sp.wrapping_add(offset), word);
        }
        self.sp = new_sp;
        self.note_stack_depth();

        let frames_start = SLICE_LENGTH + 3 + layout.slice_length;
        for index in first_frame..layout.frame_count {
            let words: [u16; 5] =
                std::array::from_fn(|word| at(self, frames_start + 5 * index + word as u16));
            let mut frame = HandlerFrame::from_words(words);
            frame.prompt_sp = base.wrapping_sub(words[3]);
            self.reinstall(frame)?;
        }

        let saved_pc = at(self, 1);
        for (position, register) in SAVED_REGISTER_ORDER.into_iter().enumerate() {
            let value = at(self, 4 + 2 * position as u16);
            let tag = Tag::from_code(at(self, 5 + 2 * position as u16) as u8);
            self.registers[register] = Value::new(tag, value).0;
        }
        if at(self, 7) & crate::multicore::HARDWARE_MARK == 0 {
            self.registers[0] = delivered.0;
        }
        self.pc = saved_pc;

        self.write_word(
            handle.wrapping_add(1),
            self.continuation_free_list.unwrap_or(0),
        );
        self.continuation_free_list = Some(handle);
        self.charge(cost::HARDWARE_WORD * layout.payload as u64);
        self.stats.resumes += 1;
        Ok(())
    }
}
