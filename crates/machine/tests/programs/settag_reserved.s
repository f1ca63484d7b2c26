; Tags 6 and 7 are reserved: SETTAG to one faults.
; expect-outcome: trapped: reserved tag
; expect-trap-pc: 0x0001
    LI v0, 5
    SETTAG v0, 6
    HALT
