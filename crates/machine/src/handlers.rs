//! The handler stack: the 8-entry CAM (§4) in front of a write-back spill
//! region in memory.
//!
//! Correctness depends only on install-IDs: among the frames for an effect,
//! wherever they sit, the highest install-ID wins (§4's multiple-install
//! disambiguation). The CAM is a cache ordered by recency of use (LRU), so
//! which frames sit in it changes the cost of a lookup, never its answer.
//!
//! Example, §4's "10 nested installs": INST (8, 0) ten times gives frames
//! with IDs 0..=9. The first eight fill the CAM; the ninth evicts the least
//! recently used (ID 0) to the spill region, the tenth evicts ID 1. A PERF
//! (8, 0) now finds ID 9 in the CAM; because ID 9 is higher than every
//! spilled frame of (8, 0) (the highest is 1), the CAM answers alone: 1
//! cycle. The hardware knows that highest spilled ID per effect from a
//! 256-entry side table it updates as frames spill and return.
//! UNIN (8, 0) removes ID 9 and refills the CAM from the spill with its
//! most recent frame (ID 1), and the next PERF finds ID 8.
//!
//! A spilled frame is five words at `spill base + 5·i` (see
//! `docs/isa-decisions.md`); the spill region in memory is authoritative,
//! so debuggers see what the hardware sees.

use cml_isa::{EffectId, Tag};

use crate::cost;
use crate::execute::Exit;
use crate::fault::Fault;
use crate::trace::Event;
use crate::value::Value;
use crate::Machine;

/// How many frames the CAM holds.
pub const CAM_ENTRIES: usize = 8;

/// One installed handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandlerFrame {
    /// The effect it handles.
    pub effect: EffectId,
    /// Where its code starts.
    pub handler_pc: u16,
    /// Its install-ID: higher means installed later, and wins.
    pub install_id: u16,
    /// The stack pointer when it was installed: the captured slice ends
    /// here, and the clause runs here.
    pub prompt_sp: u16,
    /// v6 when it was installed; local dispatch restores it (gap 5).
    pub environment: Value,
    /// Whether PERF calls it without capturing (INSTT).
    pub tail_resumptive: bool,
}

impl HandlerFrame {
    /// The frame's five spill words: `[family:4 op:4 tail:1 0:4 env-tag:3]
    /// [handler pc] [install-ID] [prompt sp] [env value]`.
    pub fn to_words(&self) -> [u16; 5] {
        let key = ((self.effect.family() as u16) << 12)
            | ((self.effect.op() as u16) << 8)
            | ((self.tail_resumptive as u16) << 7)
            | self.environment.tag().code() as u16;
        [
            key,
            self.handler_pc,
            self.install_id,
            self.prompt_sp,
            self.environment.bits(),
        ]
    }

    /// The frame five spill words hold.
    pub fn from_words(words: [u16; 5]) -> HandlerFrame {
        let key = words[0];
        HandlerFrame {
            effect: EffectId::new((key >> 12) as u8, (key >> 8) as u8),
            handler_pc: words[1],
            install_id: words[2],
            prompt_sp: words[3],
            environment: Value::new(Tag::from_code(key as u8), words[4]),
            tail_resumptive: key & 0x80 != 0,
        }
    }
}

/// A frame in the CAM, with when it was last used.
#[derive(Clone, Copy, Debug)]
struct CamSlot {
    frame: HandlerFrame,
    last_use: u64,
}

/// Where a frame sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FrameLocation {
    /// In this CAM slot.
    Cam(usize),
    /// At this index of the spill region.
    Spill(u16),
}

/// The CAM and the registers that describe the spill region.
#[derive(Clone, Debug)]
pub(crate) struct HandlerStack {
    cam: [Option<CamSlot>; CAM_ENTRIES],
    clock: u64,
    next_install_id: u16,
    /// Frames in the spill region.
    pub(crate) spill_count: u16,
    /// For each effect index, the highest install-ID among its spilled
    /// frames, if any are spilled.
    spill_max_id: Vec<Option<u16>>,
}

impl Default for HandlerStack {
    fn default() -> HandlerStack {
        HandlerStack {
            cam: [None; CAM_ENTRIES],
            clock: 0,
            next_install_id: 0,
            spill_count: 0,
            spill_max_id: vec![None; 256],
        }
    }
}

impl Machine {
    fn spill_address(&self, index: u16) -> u16 {
        self.map
            .spill_base
            .wrapping_add(index.wrapping_mul(cost::SPILL_ENTRY_WORDS as u16))
    }

    fn read_spill(&self, index: u16) -> HandlerFrame {
        let base = self.spill_address(index);
        HandlerFrame::from_words(std::array::from_fn(|offset| {
            self.words[base.wrapping_add(offset as u16) as usize]
        }))
    }

    fn write_spill(&mut self, index: u16, frame: &HandlerFrame) {
        let base = self.spill_address(index);
        for (offset, word) in frame.to_words().into_iter().enumerate() {
            self.write_word(base.wrapping_add(offset as u16), word);
        }
    }

    /// Recomputes the side table of highest spilled install-IDs.
    fn recompute_spill_max(&mut self) {
        let mut maxima: Vec<Option<u16>> = vec![None; 256];
        for index in 0..self.handlers.spill_count {
            let frame = self.read_spill(index);
            let slot = &mut maxima[frame.effect.index()];
            *slot = Some(slot.map_or(frame.install_id, |m| m.max(frame.install_id)));
        }
        self.handlers.spill_max_id = maxima;
    }

    /// Writes a frame back to the end of the spill region.
    fn spill_push(&mut self, frame: &HandlerFrame) -> Result<(), Fault> {
        let count = self.handlers.spill_count;
        if count >= self.map.spill_capacity() {
            return Err(Fault::HandlerSpillFull);
        }
        self.write_spill(count, frame);
        self.handlers.spill_count = count + 1;
        let slot = &mut self.handlers.spill_max_id[frame.effect.index()];
        *slot = Some(slot.map_or(frame.install_id, |m| m.max(frame.install_id)));
        self.charge(cost::SPILL_WRITE);
        self.stats.spills += 1;
        Ok(())
    }

    /// Removes a spilled frame, moving the last one into its place.
    fn spill_remove(&mut self, index: u16) -> HandlerFrame {
        let frame = self.read_spill(index);
        let last = self.handlers.spill_count - 1;
        if index != last {
            let moved = self.read_spill(last);
            self.write_spill(index, &moved);
            self.charge(cost::SPILL_WRITE);
        }
        self.handlers.spill_count = last;
        self.recompute_spill_max();
        frame
    }

    fn free_cam_slots(&self) -> usize {
        self.handlers
            .cam
            .iter()
            .filter(|slot| slot.is_none())
            .count()
    }

    /// How many more frames fit in the CAM and the spill region together.
    pub(crate) fn free_frame_capacity(&self) -> usize {
        self.free_cam_slots()
            + (self
                .map
                .spill_capacity()
                .saturating_sub(self.handlers.spill_count)) as usize
    }

    /// Puts a frame in the CAM as most recently used, writing the least
    /// recently used frame back to the spill region if the CAM is full.
    fn cam_insert(&mut self, frame: HandlerFrame) -> Result<usize, Fault> {
        let slot = match self.handlers.cam.iter().position(Option::is_none) {
            Some(free) => free,
            None => {
                let (lru, victim) = self
                    .handlers
                    .cam
                    .iter()
                    .enumerate()
                    .filter_map(|(index, slot)| slot.map(|slot| (index, slot)))
                    .min_by_key(|(_, slot)| slot.last_use)
                    .expect("a full CAM has a least recently used slot");
                self.spill_push(&victim.frame)?;
                self.handlers.cam[lru] = None;
                lru
            }
        };
        self.handlers.clock += 1;
        self.handlers.cam[slot] = Some(CamSlot {
            frame,
            last_use: self.handlers.clock,
        });
        Ok(slot)
    }

    fn touch(&mut self, slot: usize) {
        self.handlers.clock += 1;
        if let Some(entry) = &mut self.handlers.cam[slot] {
            entry.last_use = self.handlers.clock;
        }
    }

    /// The next install-ID, renumbering live frames first if IDs would wrap.
    pub(crate) fn next_install_id(&mut self) -> u16 {
        if self.handlers.next_install_id == u16::MAX {
            self.renumber_install_ids();
        }
        let id = self.handlers.next_install_id;
        self.handlers.next_install_id += 1;
        id
    }

    /// Renumbers every live frame 0..n in install order.
    fn renumber_install_ids(&mut self) {
        let mut ids: Vec<u16> = self
            .all_frames_in_install_order()
            .iter()
            .map(|f| f.install_id)
            .collect();
        ids.dedup();
        let renumber = |id: u16| ids.binary_search(&id).unwrap_or(0) as u16;
        for slot in self.handlers.cam.iter_mut().flatten() {
            slot.frame.install_id = renumber(slot.frame.install_id);
        }
        for index in 0..self.handlers.spill_count {
            let mut frame = self.read_spill(index);
            frame.install_id = renumber(frame.install_id);
            self.write_spill(index, &frame);
        }
        self.recompute_spill_max();
        self.handlers.next_install_id = ids.len() as u16;
        self.charge(cost::RENUMBER_FRAME * ids.len() as u64);
        self.stats.install_id_renumberings += 1;
    }

    /// Every installed frame, oldest first.
    pub(crate) fn all_frames_in_install_order(&self) -> Vec<HandlerFrame> {
        let mut frames: Vec<HandlerFrame> = self
            .handlers
            .cam
            .iter()
            .flatten()
            .map(|slot| slot.frame)
            .collect();
        frames.extend((0..self.handlers.spill_count).map(|index| self.read_spill(index)));
        frames.sort_by_key(|frame| frame.install_id);
        frames
    }

    /// Finds the frame that handles an effect: the highest install-ID among
    /// CAM and spill matches. Charges the CAM search and, when a spilled
    /// frame could be newer than the CAM's best, the spill walk.
    pub(crate) fn find_frame(&mut self, effect: u8) -> Option<(HandlerFrame, FrameLocation)> {
        self.charge(cost::CAM_SEARCH);
        let effect = EffectId::from_index(effect);
        let cam_best = self
            .handlers
            .cam
            .iter()
            .enumerate()
            .filter_map(|(index, slot)| slot.map(|slot| (index, slot.frame)))
            .filter(|(_, frame)| frame.effect == effect)
            .max_by_key(|(_, frame)| frame.install_id);
        let spill_may_win = match (cam_best, self.handlers.spill_max_id[effect.index()]) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some((_, frame)), Some(max)) => max > frame.install_id,
        };
        if !spill_may_win {
            let (slot, frame) = cam_best?;
            self.stats.cam_hits += 1;
            self.touch(slot);
            return Some((frame, FrameLocation::Cam(slot)));
        }
        let count = self.handlers.spill_count;
        self.charge(cost::SPILL_INSPECTION * count as u64);
        self.stats.spill_inspections += count as u64;
        self.stats.cam_misses += 1;
        let mut best = cam_best.map(|(slot, frame)| (frame, FrameLocation::Cam(slot)));
        for index in 0..count {
            let frame = self.read_spill(index);
            let newer = best.is_none_or(|(current, _)| frame.install_id > current.install_id);
            if frame.effect == effect && newer {
                best = Some((frame, FrameLocation::Spill(index)));
            }
        }
        best
    }

    /// Moves a spilled frame into the CAM as most recently used (§4: a spill
    /// hit promotes the entry).
    pub(crate) fn promote(&mut self, index: u16) -> Result<(), Fault> {
        let frame = self.spill_remove(index);
        self.cam_insert(frame)?;
        self.stats.spill_promotions += 1;
        Ok(())
    }

    /// INST / INSTT: a new frame, most recent of all.
    pub(crate) fn install_handler(
        &mut self,
        effect: u8,
        handler_pc: u16,
        tail_resumptive: bool,
    ) -> Result<(), Exit> {
        if self.free_cam_slots() == 0 && self.handlers.spill_count >= self.map.spill_capacity() {
            return Err(Exit::Fault(Fault::HandlerSpillFull));
        }
        let install_id = self.next_install_id();
        let frame = HandlerFrame {
            effect: EffectId::from_index(effect),
            handler_pc,
            install_id,
            prompt_sp: self.sp,
            environment: Value(self.registers[6]),
            tail_resumptive,
        };
        self.cam_insert(frame).map_err(Exit::Fault)?;
        self.record(|| Event::Installed {
            effect: frame.effect,
            install_id,
            handler_pc,
        });
        Ok(())
    }

    /// UNIN: removes the most recently installed frame for the effect; a
    /// CAM slot it frees is refilled with the newest spilled frame.
    pub(crate) fn uninstall_handler(&mut self, effect: u8) -> Result<(), Exit> {
        let Some((frame, location)) = self.find_frame(effect) else {
            let effect = EffectId::from_index(effect);
            return Err(Exit::Fault(Fault::UninstallWithoutHandler { effect }));
        };
        match location {
            FrameLocation::Cam(slot) => {
                self.handlers.cam[slot] = None;
                let count = self.handlers.spill_count;
                if count > 0 {
                    self.charge(cost::SPILL_INSPECTION * count as u64);
                    self.stats.spill_inspections += count as u64;
                    let newest = (0..count)
                        .max_by_key(|&index| self.read_spill(index).install_id)
                        .unwrap_or(0);
                    let refill = self.spill_remove(newest);
                    self.handlers.clock += 1;
                    self.handlers.cam[slot] = Some(CamSlot {
                        frame: refill,
                        last_use: self.handlers.clock,
                    });
                }
            }
            FrameLocation::Spill(index) => {
                self.spill_remove(index);
            }
        }
        self.record(|| Event::Uninstalled {
            effect: frame.effect,
            install_id: frame.install_id,
        });
        Ok(())
    }

    /// Removes every frame `capture` selects, returning them oldest first.
    pub(crate) fn take_frames(
        &mut self,
        capture: impl Fn(&HandlerFrame) -> bool,
    ) -> Vec<HandlerFrame> {
        let mut taken = Vec::new();
        for slot in self.handlers.cam.iter_mut() {
            if let Some(entry) = slot {
                if capture(&entry.frame) {
                    taken.push(entry.frame);
                    *slot = None;
                }
            }
        }
        let mut index = self.handlers.spill_count;
        while index > 0 {
            index -= 1;
            if capture(&self.read_spill(index)) {
                taken.push(self.spill_remove(index));
            }
        }
        taken.sort_by_key(|frame| frame.install_id);
        taken
    }

    /// Counts the frames `capture` selects, without removing them.
    pub(crate) fn count_frames(&self, capture: impl Fn(&HandlerFrame) -> bool) -> usize {
        self.handlers
            .cam
            .iter()
            .flatten()
            .filter(|slot| capture(&slot.frame))
            .count()
            + (0..self.handlers.spill_count)
                .filter(|&index| capture(&self.read_spill(index)))
                .count()
    }

    /// Installs a frame RESU brings back, with a fresh install-ID.
    pub(crate) fn reinstall(&mut self, mut frame: HandlerFrame) -> Result<(), Fault> {
        frame.install_id = self.next_install_id();
        self.cam_insert(frame)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use cml_isa::IsaVersion;

    use super::*;

    fn frame(machine: &mut Machine, effect: u8, handler_pc: u16) -> HandlerFrame {
        HandlerFrame {
            effect: EffectId::from_index(effect),
            handler_pc,
            install_id: machine.next_install_id(),
            prompt_sp: machine.sp,
            environment: Value::UNIT,
            tail_resumptive: false,
        }
    }

    #[test]
    fn a_newer_frame_in_the_spill_beats_an_older_one_in_the_cam() {
        let mut machine = Machine::new(IsaVersion::V0_5);
        let older = frame(&mut machine, 0x80, 100);
        machine.cam_insert(older).unwrap();
        let newer = frame(&mut machine, 0x80, 200);
        machine.spill_push(&newer).unwrap();
        let cycles = machine.cycles();
        let (found, location) = machine.find_frame(0x80).unwrap();
        assert_eq!(found.handler_pc, 200);
        assert_eq!(location, FrameLocation::Spill(0));
        // One CAM search and one spilled frame inspected (§4: 1 + 12).
        assert_eq!(machine.cycles() - cycles, 13);
        assert_eq!(machine.stats.cam_misses, 1);
    }

    #[test]
    fn an_older_spilled_frame_does_not_force_a_walk() {
        let mut machine = Machine::new(IsaVersion::V0_5);
        let older = frame(&mut machine, 0x80, 100);
        machine.spill_push(&older).unwrap();
        let other = frame(&mut machine, 0x81, 300);
        machine.spill_push(&other).unwrap();
        let newer = frame(&mut machine, 0x80, 200);
        machine.cam_insert(newer).unwrap();
        let cycles = machine.cycles();
        let (found, location) = machine.find_frame(0x80).unwrap();
        assert_eq!((found.handler_pc, location), (200, FrameLocation::Cam(0)));
        assert_eq!(machine.cycles() - cycles, 1);
    }

    #[test]
    fn spill_words_round_trip() {
        let frame = HandlerFrame {
            effect: EffectId::new(0xF, 3),
            handler_pc: 0x1234,
            install_id: 77,
            prompt_sp: 0xF9F0,
            environment: Value::new(cml_isa::Tag::CLOSURE, 0x0042),
            tail_resumptive: true,
        };
        assert_eq!(frame.to_words(), [0xF383, 0x1234, 77, 0xF9F0, 0x0042]);
        assert_eq!(HandlerFrame::from_words(frame.to_words()), frame);
    }

    #[test]
    fn renumbering_keeps_install_order_across_cam_and_spill() {
        let mut machine = Machine::new(IsaVersion::V0_5);
        machine.handlers.next_install_id = u16::MAX - 3;
        let first = frame(&mut machine, 0x80, 1);
        machine.spill_push(&first).unwrap();
        let second = frame(&mut machine, 0x80, 2);
        machine.cam_insert(second).unwrap();
        let third = frame(&mut machine, 0x80, 3);
        machine.spill_push(&third).unwrap();
        // The next ID would be 0xFFFF: renumber first.
        let fourth = frame(&mut machine, 0x80, 4);
        machine.cam_insert(fourth).unwrap();
        let order: Vec<(u16, u16)> = machine
            .all_frames_in_install_order()
            .iter()
            .map(|frame| (frame.install_id, frame.handler_pc))
            .collect();
        assert_eq!(order, [(0, 1), (1, 2), (2, 3), (3, 4)]);
        assert_eq!(machine.stats.install_id_renumberings, 1);
        assert_eq!(machine.find_frame(0x80).unwrap().0.handler_pc, 4);
    }
}
