; v0.5 TCALL (gap 2) is CALL without the push: a function that tail-calls
; itself 29,952 times runs in the stack of the one CALL that entered it.
; expect-register: v3 = INT 0
; expect-register: v0 = INT 0
; expect-stat: peak_stack_words = 3
    ALLOC v5, CLOSURE_REC, 1
    LI v0, 0x20
    ST v0, v5, 0
    SETTAG v5, CLOSURE
    LI  v3, 0
    LIH v3, 0x75              ; 29,952
    LI  v2, 1
    CALL v5, v3
    HALT
.org 0x20
count_down:
    SUB v3, v3, v2
    BZ  v3, +1
    TCALL v5, v3
    RET v3
