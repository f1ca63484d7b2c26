; ADD names INT for both operands (§8): a PTR is a tag-check fault. The
; fault is the effect (0xF, 0), which nothing handles, so the run stops at
; the ADD, which does not retire (v2 keeps its old value).
; isa: v0.4
; expect-outcome: trapped: tag mismatch
; expect-trap-pc: 0x0002
; expect-instructions: 2
; expect-register: v2 = INT 0
; expect-stat: faults = 1
    ALLOC v1, RECORD, 1
    LI  v0, 1
    ADD v2, v0, v1
    HALT
