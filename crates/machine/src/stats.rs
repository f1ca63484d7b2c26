//! Run statistics, for `cml run --stats`.

/// What a run did, counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Instructions retired.
    pub instructions: u64,
    /// Cycles spent, by the cost model in `cost.rs`.
    pub cycles: u64,
    /// PERFs dispatched to a local handler with a captured continuation.
    pub performs_local: u64,
    /// PERFs dispatched to a tail-resumptive handler (nothing captured).
    pub performs_tail_resumptive: u64,
    /// PERFs that emitted a NoC packet.
    pub performs_remote: u64,
    /// Handler lookups the CAM answered alone.
    pub cam_hits: u64,
    /// Handler lookups that had to walk the spill region.
    pub cam_misses: u64,
    /// Spilled frames inspected during walks.
    pub spill_inspections: u64,
    /// Frames written back from the CAM to the spill region.
    pub spills: u64,
    /// Frames promoted from the spill region back into the CAM.
    pub spill_promotions: u64,
    /// Effect-table lookups.
    pub effect_table_lookups: u64,
    /// ALLOC instructions retired.
    pub allocations: u64,
    /// Words allocated by ALLOC (headers included).
    pub allocated_words: u64,
    /// Continuation records created by PERF.
    pub continuations_captured: u64,
    /// Continuation records reused from the free list.
    pub continuations_recycled: u64,
    /// RESU and RESUS retired.
    pub resumes: u64,
    /// Faults raised (handled or not).
    pub faults: u64,
    /// Times install-IDs were renumbered.
    pub install_id_renumberings: u64,
    /// The deepest the stack went, in words below the stack base.
    pub peak_stack_words: u32,
    /// The highest the heap pointer went, in words above the heap start.
    pub peak_heap_words: u32,
}
