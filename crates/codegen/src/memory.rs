//! Allocation as an effect (Appendix B §4, `docs/backend.md`, "Regions"):
//! the code of an allocation site, the bottom `Mem` handler, and the
//! arenas of `with region`.
//!
//! When a program does not perform allocation
//! ([`cml_ir::Program::allocation_performs`]), an allocation site is one
//! ALLOC, as it always was. Otherwise it is
//!
//! ```text
//! LI v0, request       ; size << 4 | layout: the object's header word, variant 0
//! PERF 1, 0, v0        ; Mem.alloc, served by the nearest Mem handler
//! MOV v2, v0           ; the object (PTR to its payload, header written)
//! ```
//!
//! and the start routine installs, with INSTT, the bottom handlers:
//! `__mem_alloc` (the real ALLOC, so the object has the shape ALLOC gives
//! and memory exhaustion is ALLOC's `HeapExhausted` fault), `__mem_free`
//! (nothing), and the back end's private operations that lend chunks to
//! regions, [`cml_ir::TAKE_CHUNK`] (`__chunk_take`) and
//! [`cml_ir::RELEASE_CHUNKS`] (`__chunk_release`), whose environment is
//! the *memory record*: one word, the head of the free list of chunks.
//!
//! A chunk is an ARRAY object of [`CHUNK_WORDS`] payload words made with
//! ALLOC's size escape (its pointer `c` is at the size word):
//!
//! ```text
//! c+1  link     the next chunk (a region's chain, or the free list); 0 ends it
//! c+2  bump     where the next object's header goes
//! c+3  end      one past the chunk's last word
//! c+4  current  (the region's first chunk only) the chunk allocated from
//! c+5  ...      objects
//! ```
//!
//! A region's chain runs from its current chunk through the links to its
//! first chunk, whose link is 0, so giving a region back is one splice.
//! The words that more than one computation can reach (the free list, a
//! chunk's bump, the current chunk) change by CAS, so that a preemption in
//! the middle of an allocation cannot hand one word to two objects.

use std::fmt::Write;

use cml_ir::{Effect, MEM_ALLOC, MEM_FREE, RELEASE_CHUNKS, TAKE_CHUNK};

use crate::function::load_number;

/// The payload words of a region's chunk.
pub const CHUNK_WORDS: u16 = 256;

/// The first word of a chunk that holds an object (after the size word
/// and the four bookkeeping words).
const FIRST_OBJECT: u16 = 5;

/// The sizes the bottom handler allocates with ALLOC's 4-bit count; 15
/// and above take the size escape.
const SIZE_ESCAPE: u16 = 15;

/// The code of an allocation site: `register` ← a new object of `layout`
/// (its assembly name) with `size` payload words, by ALLOC or by
/// performing `Mem.alloc`. Performing clobbers v0, v1 and v7.
pub fn allocate(text: &mut String, performs: bool, register: &str, layout: &str, size: usize) {
    if !performs {
        let _ = writeln!(text, "    ALLOC {register}, {layout}, {size}");
        return;
    }
    let code = match layout {
        "RECORD" => 0,
        "CLOSURE_REC" => 2,
        "SUM" => 4,
        other => unreachable!("compiled code allocates no {other}"),
    };
    let request = ((size as u16) << 4) | code;
    load_number(text, "v0", request);
    let _ = writeln!(
        text,
        "    PERF {}, {}, v0      ; Mem.alloc {layout} {size}",
        MEM_ALLOC.family, MEM_ALLOC.op
    );
    let _ = writeln!(text, "    MOV {register}, v0");
}

/// `with region`'s entry: installs the region's frames for `Mem.alloc`
/// and `Mem.free`, tail-resumptive, with the arena in `arena` (a
/// register other than v6 and v7) as their environment. v6 is the
/// running function's closure: kept in v7 meanwhile. `labels` are two
/// fresh labels.
pub fn install_region(text: &mut String, arena: &str, labels: [String; 2]) {
    let [past_alloc, past_free] = labels;
    let _ = writeln!(text, "    MOV v7, v6");
    let _ = writeln!(text, "    MOV v6, {arena}");
    install(text, MEM_ALLOC, "__region_alloc", past_alloc);
    install(text, MEM_FREE, "__region_free", past_free);
    let _ = writeln!(text, "    MOV v6, v7");
}

/// `INSTT family, op` of the handler at `target`, with the label `past`
/// after it.
fn install(text: &mut String, effect: Effect, target: &str, past: String) {
    let _ = writeln!(text, "    INSTT {}, {}, +1", effect.family, effect.op);
    let _ = writeln!(text, "    JMP {past}");
    let _ = writeln!(text, "    JMP {target}");
    let _ = writeln!(text, "{past}:");
}

/// The start routine's part: the memory record (the free list of chunks,
/// empty) and the bottom handlers, installed for good.
pub fn emit_start(text: &mut String) {
    let _ = writeln!(
        text,
        "    ; the bottom Mem handlers and the chunks of regions (docs/backend.md, \"Regions\")"
    );
    let _ = writeln!(text, "    ALLOC v6, RECORD, 2      ; the memory record");
    let _ = writeln!(text, "    LI v7, 0");
    let _ = writeln!(text, "    ST v7, v6, 0             ; no free chunk");
    let handlers = [
        (MEM_ALLOC, "__mem_alloc"),
        (MEM_FREE, "__mem_free"),
        (TAKE_CHUNK, "__chunk_take"),
        (RELEASE_CHUNKS, "__chunk_release"),
    ];
    for (index, (effect, target)) in handlers.into_iter().enumerate() {
        install(text, effect, target, format!(".Lstart_memory{index}"));
    }
}

/// The memory runtime, appended to a program that performs allocation.
/// Each routine is a tail-resumptive clause: entered by PERF like CALL
/// (v0 the argument, v6 the environment, v1 and v7 free), it keeps v2-v5
/// and returns with RET, which restores the performer's v6.
pub fn runtime() -> String {
    let mut text = String::new();
    text.push_str(
        "
; __mem_alloc: the bottom handler of Mem.alloc. The request in v0 is
; size << 4 | layout, the header word of the object (variant 0). A search
; over the size picks the ALLOC of that count (ALLOC's count is in the
; instruction); the header ALLOC writes says RECORD, so the request is
; written over it. Sizes of 15 and up take ALLOC's size escape.
__mem_alloc:
    LI v7, 4
    SHR v1, v0, v7            ; the size
",
    );
    size_search(&mut text, 0, SIZE_ESCAPE);
    text.push_str(
        "
; __mem_free, __region_free: Mem.free does nothing (a region gives all
; its memory back at its exit; the bottom heap has no collector).
__mem_free:
__region_free:
    LI v0, 0
    SETTAG v0, UNIT
    RET v0
",
    );
    let _ = write!(
        text,
        "
; __chunk_take (the private operation (0xE, 2)): a chunk for a region,
; the first of the free list (v6 is the memory record, its word 0 the
; list's head) or a new one of {CHUNK_WORDS} words from the heap; its
; link 0, its bump at its first object, its end, and itself as the
; current chunk (for a region's first chunk). It takes the whole list
; with one CAS and gives the rest back, so that nothing is read from a
; chunk before it is ours: a pop that read the head's successor first
; could be preempted while another computation took both and gave the
; head back, and its CAS would then succeed with a successor in use.
__chunk_take:
    LD v1, v6, 0              ; the first free chunk, 0 for none
    BZ v1, .Lchunk_new
    MOV v7, v1
    LI v0, 0
    CAS v7, v6, v0            ; the whole list is ours, unless a preemption moved it
    BZ v7, __chunk_take
    SETTAG v1, PTR
    LD v0, v1, 1              ; the rest of the list
    BZ v0, .Lchunk_init
    ENTER 1
    STS v2, 0
    MOV v2, v0
    SETTAG v2, PTR
.Lchunk_last:
    LD v7, v2, 1              ; the rest's last chunk
    BZ v7, .Lchunk_splice
    MOV v2, v7
    SETTAG v2, PTR
    JMP .Lchunk_last
.Lchunk_splice:
    LD v7, v6, 0              ; what others gave back meanwhile
    ST v7, v2, 1              ; follows the rest
    CAS v7, v6, v0            ; the rest is the free list, unless it moved
    BZ v7, .Lchunk_splice
    LDS v2, 0
    LEAVE 1
    JMP .Lchunk_init
.Lchunk_new:
"
    );
    load_number(&mut text, "v1", CHUNK_WORDS);
    let _ = write!(
        text,
        "    ALLOC v1, ARRAY, 15       ; v1: the chunk, at its size word
.Lchunk_init:
    LI v0, 0
    ST v0, v1, 1              ; link
    MOV v0, v1
    SETTAG v0, INT
    ST v0, v1, 4              ; current: itself
    LI v7, {FIRST_OBJECT}
    ADD v7, v0, v7
    ST v7, v1, 2              ; bump: the first object
"
    );
    load_number(&mut text, "v7", CHUNK_WORDS + 1);
    text.push_str(
        "    ADD v7, v0, v7
    ST v7, v1, 3              ; end
    RET v1

; __chunk_release (the private operation (0xE, 3)): gives a region's
; chain back (v0: its first chunk, whose word 4 is the current chunk, the
; chain's head; the first chunk's link is the chain's end): the first
; chunk's link becomes the free list, and the free list the chain.
__chunk_release:
    LD v1, v0, 4              ; the chain's head
.Lrelease_retry:
    LD v7, v6, 0              ; the free list
    ST v7, v0, 1
    CAS v7, v6, v1            ; the free list is the chain, unless it moved
    BZ v7, .Lrelease_retry
    LI v0, 0
    SETTAG v0, UNIT
    RET v0

; __region_alloc: a region's Mem.alloc (v6: the region's first chunk, v0
; the request). The object goes at the current chunk's bump, moved on by
; CAS; a full chunk is chained to a new one from __chunk_take (given back
; at once if a preemption chained another meanwhile). Requests of 15
; words and more go to the bottom handler's size escape, in the heap.
__region_alloc:
    ENTER 3
    STS v2, 0
    STS v3, 1
    STS v4, 2
.Lregion_retry:
    LI v7, 4
    SHR v2, v0, v7            ; the size
    LI v7, 15
    SLT v7, v2, v7
    BZ v7, .Lregion_large
    LD v1, v6, 4              ; the current chunk
    SETTAG v1, PTR
    LD v7, v1, 2              ; its bump
    ADD v2, v2, v7
    LI v3, 1
    ADD v2, v2, v3            ; the bump after the object
    LD v3, v1, 3              ; the chunk's end
    SLT v3, v3, v2
    BZ v3, .Lregion_fits
    MOV v4, v0                ; the request, kept while a chunk is taken
    LI v0, 0
",
    );
    let _ = write!(
        text,
        "    PERF {}, {}, v0      ; a new chunk (v6 is back after it)
    LD v1, v6, 4              ; the current chunk
    ST v1, v0, 1              ; the new one's link
    INC v3, v6, 4
    MOV v7, v1
    CAS v7, v3, v0            ; the new one is current, unless it moved
    BZ v7, .Lregion_lost
    MOV v0, v4
    JMP .Lregion_retry
.Lregion_lost:
    LI v7, 0
    ST v7, v0, 1              ; a chain of itself alone
    PERF {}, {}, v0
    MOV v0, v4
    JMP .Lregion_retry
.Lregion_fits:
    INC v3, v1, 2             ; the bump's address
    MOV v4, v7
    CAS v7, v3, v2            ; the bump moves on, unless it moved
    BZ v7, .Lregion_retry
    SETTAG v4, PTR
    ST v0, v4, 0              ; the header: the request
    INC v1, v4, 1             ; the object
    LDS v2, 0
    LDS v3, 1
    LDS v4, 2
    LEAVE 3
    RET v1
.Lregion_large:
    LDS v2, 0
    LDS v3, 1
    LDS v4, 2
    LEAVE 3
    LI v7, 4
    SHR v1, v0, v7
    JMP .Lmem_size_escape
",
        TAKE_CHUNK.family, TAKE_CHUNK.op, RELEASE_CHUNKS.family, RELEASE_CHUNKS.op
    );
    text
}

/// The search over the size in v1 for sizes `low..=high` (`high` standing
/// for itself and everything above it, the size escape).
fn size_search(text: &mut String, low: u16, high: u16) {
    if low == high {
        size_leaf(text, low);
        return;
    }
    let middle = (low + high).div_ceil(2);
    let upper = format!(".Lmem_size_from_{middle}_to_{high}");
    let _ = writeln!(text, "    LI v7, {middle}");
    let _ = writeln!(text, "    SLT v7, v1, v7");
    let _ = writeln!(text, "    BZ v7, {upper}");
    size_search(text, low, middle - 1);
    let _ = writeln!(text, "{upper}:");
    size_search(text, middle, high);
}

/// The ALLOC of one size, then the request as the header.
fn size_leaf(text: &mut String, size: u16) {
    if size < SIZE_ESCAPE {
        let _ = writeln!(text, "    ALLOC v6, RECORD, {size}");
        let _ = writeln!(text, "    ST v0, v6, -1             ; the header");
        let _ = writeln!(text, "    RET v6");
        return;
    }
    // The size escape: a header of size 15, the size word, the payload;
    // the pointer is at the size word, the header before it.
    let _ = writeln!(text, ".Lmem_size_escape:");
    let _ = writeln!(text, "    MOV v6, v1");
    let _ = writeln!(text, "    ALLOC v6, RECORD, 15");
    let _ = writeln!(text, "    LI v7, 15");
    let _ = writeln!(text, "    AND v1, v0, v7            ; the layout");
    load_number(text, "v7", SIZE_ESCAPE << 4);
    let _ = writeln!(text, "    OR v1, v1, v7");
    let _ = writeln!(text, "    ST v1, v6, -1             ; the header");
    let _ = writeln!(text, "    RET v6");
}
