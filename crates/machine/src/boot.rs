//! Loading images and the default boot of a bare program.
//!
//! Until the boot ROM exists, `cml run` starts an assembly program the way
//! the book's chapter 9 assumes a kernel left the machine: a UART at tile
//! 0x10, and the effect table entry (2, 0) = Remote(0x10, 0x01), so that
//! `LI v0, 0x41` / `PERF family=2, op=0, v0` prints `A`.

use std::fmt;

use cml_image::Image;
use cml_isa::{EffectId, EffectTableEntry, IsaVersion};

use crate::noc::{Uart, UART_TILE};
use crate::Machine;

/// Where the stack, the spill region and the effect table live. Each is a
/// control register (CSRR/CSRW in v0.5); these are the reset values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryMap {
    /// One past the highest stack word: the stack grows down from here.
    pub stack_base: u16,
    /// The first word of the handler spill region.
    pub spill_base: u16,
    /// One past the last word of the handler spill region.
    pub spill_end: u16,
    /// The first word of the 512-word effect table.
    pub effect_table_base: u16,
}

impl Default for MemoryMap {
    fn default() -> MemoryMap {
        MemoryMap {
            stack_base: 0xFA00,
            spill_base: 0xFA00,
            spill_end: 0xFE00,
            effect_table_base: 0xFE00,
        }
    }
}

impl MemoryMap {
    /// How many 5-word frames the spill region holds.
    pub fn spill_capacity(&self) -> u16 {
        self.spill_end.saturating_sub(self.spill_base) / crate::cost::SPILL_ENTRY_WORDS as u16
    }
}

/// Why an image cannot be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// A segment below the stack base runs into the stack.
    ImageOverlapsStack {
        /// The segment's origin.
        origin: u16,
        /// One past its last word.
        end: u32,
        /// The stack base.
        stack_base: u16,
    },
    /// The image's entry point is not inside any segment.
    EntryOutsideImage {
        /// The entry point.
        entry: u16,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::ImageOverlapsStack { origin, end, stack_base } => write!(
                formatter,
                "the segment at {origin:#06x}..{end:#06x} runs into the stack, which starts below {stack_base:#06x}"
            ),
            LoadError::EntryOutsideImage { entry } => {
                write!(formatter, "the entry point {entry:#06x} is not inside the image")
            }
        }
    }
}

impl std::error::Error for LoadError {}

pub(crate) fn load_image(machine: &mut Machine, image: &Image) -> Result<(), LoadError> {
    let stack_base = machine.map.stack_base;
    let mut heap_start = 0u32;
    for segment in &image.segments {
        if segment.words.is_empty() {
            continue;
        }
        if segment.origin < stack_base {
            if segment.end() > stack_base as u32 {
                return Err(LoadError::ImageOverlapsStack {
                    origin: segment.origin,
                    end: segment.end(),
                    stack_base,
                });
            }
            heap_start = heap_start.max(segment.end());
        }
    }
    if !image.segments.is_empty() && image.word_at(image.entry).is_none() {
        return Err(LoadError::EntryOutsideImage { entry: image.entry });
    }
    for segment in &image.segments {
        for (offset, &word) in segment.words.iter().enumerate() {
            machine.write_word(segment.origin.wrapping_add(offset as u16), word);
        }
    }
    machine.pc = image.entry;
    machine.hp = heap_start as u16;
    machine.stats.peak_heap_words = 0;
    machine.heap_start = heap_start as u16;
    Ok(())
}

pub(crate) fn boot_bare_program(image: &Image, isa: IsaVersion) -> Result<Machine, LoadError> {
    let mut machine = Machine::new(isa);
    machine.attach_device(Box::new(Uart));
    let entry = EffectTableEntry::Remote {
        destination_tile: UART_TILE,
        device_op: 0x01,
    };
    machine.set_effect_table_entry(EffectId::new(2, 0), entry);
    machine.load_image(image)?;
    Ok(machine)
}

impl Machine {
    /// Writes one effect table entry (two words, high half first).
    pub fn set_effect_table_entry(&mut self, effect: EffectId, entry: EffectTableEntry) {
        let address = self
            .map
            .effect_table_base
            .wrapping_add(2 * effect.index() as u16);
        let [high, low] = entry.to_words();
        self.write_word(address, high);
        self.write_word(address.wrapping_add(1), low);
    }

    /// Reads one effect table entry.
    pub fn effect_table_entry(&self, effect: EffectId) -> EffectTableEntry {
        let address = self
            .map
            .effect_table_base
            .wrapping_add(2 * effect.index() as u16);
        EffectTableEntry::from_words(self.read(address), self.read(address.wrapping_add(1)))
    }
}
