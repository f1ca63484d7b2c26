; ST's base must be PTR (§8); a CLOSURE is not enough, though LD accepts it.
; expect-outcome: trapped: tag mismatch
; expect-trap-pc: 0x0003
; expect-register: v2 = INT 0
    ALLOC v1, CLOSURE_REC, 1
    SETTAG v1, CLOSURE
    LD v2, v1, 0
    ST v2, v1, 0
    HALT
