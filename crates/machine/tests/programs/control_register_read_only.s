; The core id cannot be written.
; expect-outcome: trapped: bad control register
; expect-trap-pc: 0x0000
    CSRW v0, CORE
    HALT
