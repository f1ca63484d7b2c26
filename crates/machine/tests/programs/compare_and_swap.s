; CAS vd, vs, vt (v0.5, opcode 0x1C sub-function 3, docs/isa-decisions.md):
; in one instruction, if mem[vs] == vd's value then mem[vs] <- vt's value;
; vd <- BOOL 1 if it stored, BOOL 0 if not. Only values are compared and
; stored (tags ignored, as ST discards them); vs must be PTR.
; The program is 14 words, so the heap starts at 14: the RECORD of one
; word has its header (layout 0, size 1: 0x0010) at 14 and v1 = PTR 15.
; Every instruction costs one cycle: 14 instructions, 14 cycles.
; expect-outcome: halted
; expect-register: v0 = INT 5
; expect-register: v1 = PTR 0x000f
; expect-register: v2 = BOOL 1
; expect-register: v3 = BOOL 1
; expect-register: v4 = BOOL 0
; expect-register: v5 = INT 7
; expect-register: v6 = INT 9
; expect-register: v7 = INT 5
; expect-memory: 0x000e = 0x0010
; expect-memory: 0x000f = 0x0005
; expect-instructions: 14
; expect-cycles: 14
    ALLOC v1, RECORD, 1   ; 0
    LI v0, 5              ; 1
    ST v0, v1, 0          ; 2: [15] = 5
    LI v2, 5              ; 3: expected 5
    LI v3, 9              ; 4: new 9
    CAS v2, v1, v3        ; 5: 5 == 5: [15] = 9, v2 = BOOL 1
    LI v4, 5              ; 6: expected 5 again
    LI v5, 7              ; 7
    CAS v4, v1, v5        ; 8: 9 != 5: nothing stored, v4 = BOOL 0
    LD v6, v1, 0          ; 9: 9
    SETTAG v3, UNIT       ; 10: v3 = (UNIT, 9): the tag is not compared
    CAS v3, v1, v0        ; 11: 9 == 9: [15] = 5, v3 = BOOL 1
    LD v7, v1, 0          ; 12: 5
    HALT                  ; 13
