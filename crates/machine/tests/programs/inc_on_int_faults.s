; INC's source must be PTR (§8).
; isa: v0.4
; expect-outcome: trapped: tag mismatch
; expect-trap-pc: 0x0001
    LI v0, 4
    INC v1, v0, 1
    HALT
