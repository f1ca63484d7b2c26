; LEAVE past the stack base underflows.
; expect-outcome: trapped: stack underflow
; expect-trap-pc: 0x0000
    LEAVE 1
    HALT
