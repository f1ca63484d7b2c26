; PERF with no installed handler and an Unhandled effect-table entry traps.
; expect-outcome: trapped: unhandled effect
; expect-trap-pc: 0x0001
    LI v0, 1
    PERF 8, 9, v0
    HALT
