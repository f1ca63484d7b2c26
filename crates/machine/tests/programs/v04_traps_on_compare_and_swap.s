; CAS is a v0.5 extension: in strict v0.4 mode its word is illegal. 0xE4EF
; is CAS v4, v7, v3 (opcode 0x1C = 11100, vd 100, vs 111, vt 011,
; sub-function 11).
; isa: v0.4
; expect-outcome: trapped: illegal instruction
; expect-trap-pc: 0x0001
    LI v0, 1
    .insn 0xE4EF
    HALT
