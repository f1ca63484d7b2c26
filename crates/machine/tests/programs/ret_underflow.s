; RET with nothing on the stack pops above the stack base.
; isa: v0.4
; expect-outcome: trapped: stack underflow
; expect-trap-pc: 0x0000
    RET v0
