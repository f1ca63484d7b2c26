; A remote PERF to a tile with no device faults at the PERF.
; expect-outcome: trapped: no device at tile
; expect-trap-pc: 0x0000
    PERF 3, 5, v0
    HALT
.org 0xFE6A
    .word 0x2070, 0x0023
