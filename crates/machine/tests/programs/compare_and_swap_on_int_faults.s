; CAS's address register must be PTR, as ST's base must (§8); the fault
; comes before anything changes.
; expect-outcome: trapped: tag mismatch
; expect-trap-pc: 0x0002
; expect-register: v2 = INT 0
    LI v1, 100
    LI v2, 0
    CAS v2, v1, v2
    HALT
