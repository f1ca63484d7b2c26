; CALL pushes the return pc, v6's value and v6's tag, sets v6 to the
; closure and v0 to the argument, and jumps to the closure's code pointer
; (its first word); RET pops them and sets v0 (§12).
; Cycles: every instruction is 1 (10 instructions).
; expect-register: v0 = INT 42
; expect-register: v6 = INT 9
; expect-instructions: 10
; expect-cycles: 10
; expect-stat: peak_stack_words = 3
    ALLOC v5, CLOSURE_REC, 1
    LI v0, 0x40
    ST v0, v5, 0
    SETTAG v5, CLOSURE
    LI v6, 9
    LI v1, 21
    CALL v5, v1
    HALT
.org 0x40
double:
    ADD v0, v0, v0
    RET v0
