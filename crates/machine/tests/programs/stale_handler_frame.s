; A handler whose installer returned without UNIN: the function installs
; (8, 0) inside a CALL (prompt 0xF9FD) and returns, so the stack pointer
; (0xFA00) is above the frame's prompt and the stack the clause would run
; on is gone. Dispatching to it faults.
; expect-outcome: trapped: stale handler frame
; expect-trap-pc: 0x0005
    ALLOC v5, CLOSURE_REC, 1
    LI v0, 0x20
    ST v0, v5, 0
    SETTAG v5, CLOSURE
    CALL v5, v0
    PERF 8, 0, v0
    HALT
.org 0x20
installs_and_returns:
    INST 8, 0, +1
    RET v0
    HALT
