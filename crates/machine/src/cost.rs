//! The cycle cost model (§4, §16), in one place.
//!
//! Every instruction costs [`ISSUE`] cycle, memory included (§16: "LD/ST/
//! ALLOC currently 1 cycle"). The handler machinery adds §4's costs: a CAM
//! search costs [`CAM_SEARCH`] (a hit is therefore 1 cycle beyond issue),
//! each spill entry inspected on a miss costs [`SPILL_INSPECTION`] (4 words
//! × 3 cycles), and every other word the hardware itself moves to or from
//! memory (spill write-backs, CONT_REC capture and restore, effect-table
//! reads, the continuation free list) costs [`HARDWARE_WORD`], the same
//! 3 cycles per word. Cycles are counted apart from instructions.
//! `docs/cost-model.md` explains the choices.

/// Issuing any instruction.
pub const ISSUE: u64 = 1;
/// Searching the CAM (PERF and UNIN), hit or miss.
pub const CAM_SEARCH: u64 = 1;
/// Inspecting one spilled handler frame (§4: 12 per entry).
pub const SPILL_INSPECTION: u64 = 12;
/// One word moved between memory and the handler or continuation hardware.
pub const HARDWARE_WORD: u64 = 3;
/// Words in a spilled handler frame.
pub const SPILL_ENTRY_WORDS: u64 = 5;
/// Writing one frame back to the spill region, or moving one inside it.
pub const SPILL_WRITE: u64 = SPILL_ENTRY_WORDS * HARDWARE_WORD;
/// Reading one effect-table entry (two words).
pub const EFFECT_TABLE_READ: u64 = 2 * HARDWARE_WORD;
/// Renumbering one live frame when install-IDs wrap.
pub const RENUMBER_FRAME: u64 = 1;
