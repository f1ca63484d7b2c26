; The boot ROM (Appendix C.8). Every core starts here at reset, at 0xFE00.
; The ROM occupies 0xFE00-0xFFFF; a store there faults (RomWrite). The
; system writes the parameter block at 0xFF80 before reset (strapping):
;
;   0xFF80  the program's entry point      0xFF81  number of cores
;   0xFF82  enumeration timeout (loop iterations of 4 cycles)
;   0xFF88 + 8*core: stack base, spill base, spill end, effect-table base,
;                    heap start
;
; Boot data in RAM (0xFD00-0xFDFF), shared by all cores:
;
;   0xFD00 + tile   device map: Identify's kind << 8 | version, 0 = absent
;   0xFD40 + tile   device map: Identify's capabilities
;   0xFD80 + 4*core log of dropped hardware effects: count, last source,
;                   last op, last payload
;
; Registers on a hardware PERF: v0 payload, v1 continuation, v2 source tile,
; v3 payload bits 16-31, v7 op. Resuming such a continuation restores every
; register, so the handlers below may use v2-v5 freely.

        .isa v0.5
        .org 0xFE00
reset:
; 1. Core state: stack, spill region, effect-table base and heap from this
;    core's parameter block.
        CSRR v0, CORE
        LI v1, 3
        SHL v1, v0, v1
        LI v2, 0x88
        LIH v2, 0xFF
        ADD v2, v2, v1
        SETTAG v2, PTR
        LD v3, v2, 0
        CSRW v3, STACKBASE
        CSRW v3, SP
        LD v3, v2, 1
        CSRW v3, SPILLBASE
        LD v3, v2, 2
        CSRW v3, SPILLEND
        LD v3, v2, 3
        CSRW v3, ETB
        LD v3, v2, 4
        CSRW v3, HP
; 2. Bottom handlers: every hardware effect (0xF, 1..15) logs and drops
;    (0xFF00); faults (0xF, 0) stay Unhandled, so an unhandled fault stops
;    the core with a report.
        CSRR v2, ETB
        LI v3, 0xE2
        LIH v3, 0x01
        ADD v2, v2, v3
        SETTAG v2, PTR
        LI v4, 0
        LIH v4, 0x10
        LI v5, 0
        LIH v5, 0xFF
        LI v7, 15
        LI v1, 1
.Lbottom:
        ST v4, v2, 0
        ST v5, v2, 1
        INC v2, v2, 2
        SUB v7, v7, v1
        BZ v7, .Lidentify
        JMP .Lbottom
.Lidentify:
;    Identify replies (0xF, 0xF) go into the device map (0xFF20).
        DEC v2, v2, 2
        LI v5, 0x20
        LIH v5, 0xFF
        ST v5, v2, 1
        CSRR v0, CORE
        BZ v0, bootstrap
; 4. Other cores: wait for core 0's release (0xF, 6), handled at 0xFF30.
        DEC v2, v2, 15
        DEC v2, v2, 3
        LI v5, 0x30
        LIH v5, 0xFF
        ST v5, v2, 1
.Lidle:
        HALT
        JMP .Lidle

; 3. Core 0: enumerate tiles 1-63 with Identify, through the scratch effect
;    (0, 15) bound Remote(tile, 0x0F). A tile that is not on the mesh
;    faults the PERF (NoDeviceAtTile): while enumerating, faults (0xF, 0)
;    go to the effect table's Local entry .Labsent, which skips the tile.
;    (An entry rather than INST, so that no install-ID is used up.)
bootstrap:
        LI v2, 0
        LIH v2, 0xFD
        SETTAG v2, PTR
        LI v3, 1
        ST v3, v2, 0
        CSRR v3, ETB
        LI v2, 0xE0
        LIH v2, 0x01
        ADD v3, v3, v2
        SETTAG v3, PTR
        LI v2, 0
        LIH v2, 0x10
        ST v2, v3, 0
        LI v2, 0x7E
        LIH v2, 0xFF
        SETTAG v2, PTR
        LD v2, v2, 0
        ST v2, v3, 1
        LI v4, 1
.Lprobe:
        CSRR v3, ETB
        LI v2, 30
        ADD v3, v3, v2
        SETTAG v3, PTR
        LI v2, 0xF0
        LIH v2, 0x20
        ST v2, v3, 0
        ST v4, v3, 1
        LI v0, 0
        PERF family=0, op=15, v0
absent:
        LI v2, 1
        ADD v4, v4, v2
        LI v2, 64
        SUB v2, v4, v2
        BZ v2, .Lprobed
        JMP .Lprobe
;    Wait for the replies: tiles that have not answered by the timeout are
;    absent.
.Lprobed:
        LI v5, 0x80
        LIH v5, 0xFF
        SETTAG v5, PTR
        LD v4, v5, 2
        LI v2, 1
.Ltimeout:
        BZ v4, .Lrelease_start
        SUB v4, v4, v2
        JMP .Ltimeout
;    Faults are Unhandled again; release every other core the map holds
;    (op 0x06, payload 0).
.Lrelease_start:
        CSRR v3, ETB
        LI v2, 0xE0
        LIH v2, 0x01
        ADD v3, v3, v2
        SETTAG v3, PTR
        LI v2, 0
        ST v2, v3, 0
        ST v2, v3, 1
        LI v4, 1
.Lrelease:
        LI v5, 0
        LIH v5, 0xFD
        ADD v5, v5, v4
        SETTAG v5, PTR
        LD v5, v5, 0
        BZ v5, .Lnext_core
        CSRR v3, ETB
        LI v2, 30
        ADD v3, v3, v2
        SETTAG v3, PTR
        LI v2, 0x60
        LIH v2, 0x20
        ST v2, v3, 0
        ST v4, v3, 1
        LI v0, 0
        PERF family=0, op=15, v0
.Lnext_core:
        LI v2, 1
        ADD v4, v4, v2
        LI v2, 8
        SUB v2, v4, v2
        BZ v2, .Lreleased
        JMP .Lrelease
.Lreleased:
        CSRR v3, ETB
        LI v2, 30
        ADD v3, v3, v2
        SETTAG v3, PTR
        LI v2, 0
        ST v2, v3, 0
        ST v2, v3, 1

; Every core: default effect-table bindings from the device map (C.5,
; C.7). For each tile, highest first so that the lowest of each kind wins:
; a device of kind k binds family k + 1, op 0 to Remote(tile, 0x01) and
; ops 1-15 to Remote(tile, op); core c binds (7, c) to Remote(c, 0x04
; message) and (7, 8 + c) to Remote(c, 0x05 barrier).
defaults:
        CSRR v3, ETB
        LI v2, 0xEC
        LIH v2, 0x01
        ADD v3, v3, v2
        SETTAG v3, PTR
        LI v2, 0
        LIH v2, 0xFF
        ST v2, v3, 1
        LI v4, 0x40
.Ltile:
        BZ v4, start
        LI v5, 1
        SUB v4, v4, v5
        LI v5, 0
        LIH v5, 0xFD
        ADD v5, v5, v4
        SETTAG v5, PTR
        LD v5, v5, 0
        BZ v5, .Ltile
        LI v3, 8
        SHR v3, v5, v3
        BZ v3, .Lcore
        LI v2, 6
        SLT v2, v3, v2
        BZ v2, .Ltile
        LI v2, 1
        ADD v3, v3, v2
        LI v2, 5
        SHL v3, v3, v2
        CSRR v2, ETB
        ADD v3, v3, v2
        SETTAG v3, PTR
        LI v2, 0x10
        LIH v2, 0x20
        ST v2, v3, 0
        ST v4, v3, 1
        LI v5, 1
.Lop:
        INC v3, v3, 2
        LI v2, 4
        SHL v2, v5, v2
        LI v0, 0
        LIH v0, 0x20
        OR v2, v2, v0
        ST v2, v3, 0
        ST v4, v3, 1
        LI v2, 1
        ADD v5, v5, v2
        LI v2, 16
        SUB v2, v5, v2
        BZ v2, .Ltile
        JMP .Lop
.Lcore:
        CSRR v3, ETB
        LI v2, 0xE0
        LIH v2, 0x00
        ADD v3, v3, v2
        ADD v3, v3, v4
        ADD v3, v3, v4
        SETTAG v3, PTR
        LI v2, 0x40
        LIH v2, 0x20
        ST v2, v3, 0
        ST v4, v3, 1
        INC v3, v3, 15
        INC v3, v3, 1
        LI v2, 0x50
        LIH v2, 0x20
        ST v2, v3, 0
        ST v4, v3, 1
        JMP .Ltile

; 5. Control to the program: the heap back to its reset value (enumeration
;    left abandoned continuations on it), v0 = core ID, every other register
;    INT 0 as after a bare reset, and a RET through a frame built just
;    below the stack base (return pc = the entry point, v6 = INT 0), which
;    leaves sp at the stack base.
start:
        CSRR v0, CORE
        LI v1, 3
        SHL v1, v0, v1
        LI v2, 0x88
        LIH v2, 0xFF
        ADD v2, v2, v1
        SETTAG v2, PTR
        LD v3, v2, 4
        CSRW v3, HP
        LD v3, v2, 0
        LI v4, 3
        SUB v3, v3, v4
        CSRW v3, SP
        SETTAG v3, PTR
        LI v4, 0
        ST v4, v3, 0
        ST v4, v3, 1
        LI v5, 0x80
        LIH v5, 0xFF
        SETTAG v5, PTR
        LD v5, v5, 0
        ST v5, v3, 2
        LI v1, 0
        LI v2, 0
        LI v3, 0
        LI v4, 0
        LI v5, 0
        LI v6, 0
        LI v7, 0
        RET v0

; Log and drop a hardware effect: count it, keep its source, op and payload
; in this core's log, and resume what it interrupted.
        .org 0xFF00
drop:
        CSRR v4, CORE
        LI v5, 2
        SHL v4, v4, v5
        LI v5, 0x80
        LIH v5, 0xFD
        ADD v4, v4, v5
        SETTAG v4, PTR
        LD v5, v4, 0
        LI v3, 1
        ADD v5, v5, v3
        ST v5, v4, 0
        ST v2, v4, 1
        ST v7, v4, 2
        ST v0, v4, 3
        RESU v1, v0

; An Identify reply: record kind and version, and capabilities.
        .org 0xFF20
identified:
        LI v4, 0
        LIH v4, 0xFD
        ADD v4, v4, v2
        SETTAG v4, PTR
        ST v3, v4, 0
        LI v4, 0x40
        LIH v4, 0xFD
        ADD v4, v4, v2
        SETTAG v4, PTR
        ST v0, v4, 0
        RESU v1, v0

; The release signal: resume the idle loop's continuation at `defaults`
; instead (its saved pc, payload word 1, rewritten), which also lets the
; core take packets again.
        .org 0xFF30
release:
        MOV v4, v1
        SETTAG v4, PTR
        LI v2, 0x7F
        LIH v2, 0xFF
        SETTAG v2, PTR
        LD v2, v2, 0
        ST v2, v4, 1
        RESU v1, v0

        .org 0xFF7E
        .word absent, defaults

        .org 0xFF80
parameters:
        .word 0, 1, 500
