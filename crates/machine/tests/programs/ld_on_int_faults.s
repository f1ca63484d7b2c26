; LD's base must be PTR, CONT or CLOSURE (§8).
; isa: v0.4
; expect-outcome: trapped: tag mismatch
; expect-trap-pc: 0x0001
    LI v1, 100
    LD v0, v1, 0
    HALT
