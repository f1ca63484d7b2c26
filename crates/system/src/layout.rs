//! The memory map of a multicore system and the boot ROM image.
//!
//! ```text
//! 0x0000 ..           the program's image
//! image end ..        core 0's heap (up) and stack (down), then core 1's, ...
//! system bottom ..    per core, from the top down: effect table (512 words)
//!                     and below it the handler spill region
//! 0xFD00 - 0xFDFF     boot data: the device map and the drop logs
//! 0xFE00 - 0xFFFF     the boot ROM (read-only), parameter block at 0xFF80
//! ```

use std::sync::OnceLock;

use cml_asm::{assemble, AssembleOptions};
use cml_image::Image;
use cml_machine::MemoryMap;

/// The first word of the boot ROM: every core's reset vector.
pub const ROM_BASE: u16 = 0xFE00;
/// The ROM's parameter block (written by the system before reset).
pub const PARAMETERS: u16 = 0xFF80;
/// The first word of the boot data (RAM).
pub const BOOT_DATA: u16 = 0xFD00;
/// The device map: word `tile` holds Identify's `kind << 8 | version`, 0
/// for an absent tile.
pub const DEVICE_MAP: u16 = 0xFD00;
/// The device map's capabilities: word `tile` holds Identify's low half.
pub const DEVICE_CAPABILITIES: u16 = 0xFD40;
/// The drop logs: four words per core (count, last source, last op, last
/// payload).
pub const DROP_LOG: u16 = 0xFD80;
/// Words of an effect table.
pub const EFFECT_TABLE_WORDS: u16 = 512;

/// The boot ROM's source.
pub const ROM_SOURCE: &str = include_str!("rom.s");

/// The boot ROM assembled: words from [`ROM_BASE`] to the end of memory,
/// the parameter block still holding its placeholders.
pub fn rom_words() -> Result<&'static [u16], String> {
    static ROM: OnceLock<Result<Vec<u16>, String>> = OnceLock::new();
    ROM.get_or_init(assemble_rom)
        .as_deref()
        .map_err(Clone::clone)
}

fn assemble_rom() -> Result<Vec<u16>, String> {
    let assembled = assemble(ROM_SOURCE, &AssembleOptions::default())
        .map_err(|errors| format!("the boot ROM does not assemble: {} errors", errors.len()))?;
    let mut words = vec![0u16; 0x10000 - ROM_BASE as usize];
    for segment in &assembled.image.segments {
        for (offset, &word) in segment.words.iter().enumerate() {
            let address = segment.origin as usize + offset;
            if address < ROM_BASE as usize {
                return Err(format!("the boot ROM writes below {ROM_BASE:#06x}"));
            }
            words[address - ROM_BASE as usize] = word;
        }
    }
    Ok(words)
}

/// Where each core's stack, heap, spill region and effect table lie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// How many cores.
    pub cores: u8,
    /// One past the image's last word (the first core's heap start).
    pub image_end: u16,
    /// Words of each core's spill region.
    pub spill_words: u16,
}

impl Layout {
    /// The layout for `cores` cores and an image ending at `image_end`:
    /// spill regions of 1,020 words (204 frames, as a bare program has)
    /// for one core, 510 words (102 frames) each for more.
    pub fn new(cores: u8, image_end: u16) -> Layout {
        let spill_words = if cores <= 1 { 1020 } else { 510 };
        Layout {
            cores: cores.max(1),
            image_end,
            spill_words,
        }
    }

    /// Words of one core's system area (effect table and spill region).
    fn area_words(&self) -> u16 {
        EFFECT_TABLE_WORDS + self.spill_words
    }

    /// The lowest word of the system areas: stacks and heaps lie below.
    pub fn system_bottom(&self) -> u16 {
        BOOT_DATA - self.cores as u16 * self.area_words()
    }

    /// Words of each core's heap-and-stack region (0 if the image leaves
    /// no room).
    pub fn region_words(&self) -> u16 {
        self.system_bottom().saturating_sub(self.image_end) / self.cores as u16
    }

    /// Core `core`'s heap start.
    pub fn heap_start(&self, core: u8) -> u16 {
        self.image_end + core as u16 * self.region_words()
    }

    /// Core `core`'s control registers at reset.
    pub fn memory_map(&self, core: u8) -> MemoryMap {
        let top = BOOT_DATA - core as u16 * self.area_words();
        let effect_table_base = top - EFFECT_TABLE_WORDS;
        let stack_base = if core + 1 == self.cores {
            self.system_bottom()
        } else {
            self.heap_start(core + 1)
        };
        MemoryMap {
            stack_base,
            spill_base: effect_table_base - self.spill_words,
            spill_end: effect_table_base,
            effect_table_base,
        }
    }

    /// The ROM's parameter block: entry, core count, timeout, then eight
    /// words per core.
    pub fn parameter_block(&self, entry: u16, timeout_iterations: u16) -> Vec<u16> {
        let mut block = vec![entry, self.cores as u16, timeout_iterations, 0, 0, 0, 0, 0];
        for core in 0..self.cores {
            let map = self.memory_map(core);
            block.extend([
                map.stack_base,
                map.spill_base,
                map.spill_end,
                map.effect_table_base,
                self.heap_start(core),
                0,
                0,
                0,
            ]);
        }
        block
    }
}

/// One past the highest word an image loads below the system areas, or
/// the first segment that reaches into them.
pub fn image_end(image: &Image, limit: u16) -> Result<u16, (u16, u32)> {
    let mut end = 0u32;
    for segment in &image.segments {
        if segment.words.is_empty() {
            continue;
        }
        if segment.end() > limit as u32 {
            return Err((segment.origin, segment.end()));
        }
        end = end.max(segment.end());
    }
    Ok(end as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rom_assembles_below_the_parameter_block() {
        let words = rom_words().unwrap();
        assert_eq!(words.len(), 512);
        // The reset vector is CSRR v0, CORE.
        assert_ne!(words[0], 0);
        // The main code ends before the handlers at 0xFF00.
        let used = words[..0x100].iter().rposition(|&w| w != 0).unwrap();
        assert!(used < 0x100, "{used:#x}");
    }

    #[test]
    fn four_cores_partition_memory() {
        // 0xFD00 - 4 * (512 + 510) = 0xFD00 - 4088 = 0xED08.
        let layout = Layout::new(4, 0x0100);
        assert_eq!(layout.system_bottom(), 0xED08);
        assert_eq!(layout.region_words(), (0xED08 - 0x100) / 4);
        let map0 = layout.memory_map(0);
        assert_eq!(map0.effect_table_base, 0xFB00);
        assert_eq!(map0.spill_end, 0xFB00);
        assert_eq!(map0.spill_base, 0xFB00 - 510);
        assert_eq!(map0.stack_base, layout.heap_start(1));
        assert_eq!(layout.memory_map(3).stack_base, 0xED08);
    }

    #[test]
    fn one_core_keeps_a_bare_programs_spill_region() {
        let layout = Layout::new(1, 0x10);
        let map = layout.memory_map(0);
        assert_eq!(map.effect_table_base, 0xFB00);
        assert_eq!(map.spill_end - map.spill_base, 1020);
        assert_eq!(map.stack_base, 0xFB00 - 1020);
    }
}
