; CALL's vf must be CLOSURE (§12).
; isa: v0.4
; expect-outcome: trapped: tag mismatch
; expect-trap-pc: 0x0001
    ALLOC v5, CLOSURE_REC, 1
    CALL v5, v0
    HALT
