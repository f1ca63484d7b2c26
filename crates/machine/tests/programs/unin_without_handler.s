; UNIN with nothing installed for the effect faults.
; expect-outcome: trapped: UNIN without an installed handler
; expect-trap-pc: 0x0000
    UNIN 8, 0
    HALT
