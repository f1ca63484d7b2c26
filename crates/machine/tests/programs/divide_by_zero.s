; DIV by zero faults.
; expect-outcome: trapped: division by zero
; expect-trap-pc: 0x0002
    LI  v0, 5
    LI  v1, 0
    DIV v2, v0, v1
    HALT
