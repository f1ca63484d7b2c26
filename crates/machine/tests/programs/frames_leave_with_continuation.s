; Gap 6: the handlers installed between the catching handler and the PERF
; leave with the continuation. An outermost handler O and an inner handler
; I both handle (8, 1); between them, a handler C for (8, 0). Each is
; installed at its own stack depth (ENTER), as a compiler installs each
; handler inside the call that runs its body, so each is its own instance.
; The body performs (8, 0): C's clause performs (8, 1), which must reach O
; (I left with the continuation), and resumes with what O returned (1).
; Back in the body, I is installed again and catches the next (8, 1).
; expect-register: v3 = INT 1
; expect-register: v5 = INT 2
    INSTT 8, 1, outermost
    ENTER 1
    INST  8, 0, clause
    ENTER 1
    INSTT 8, 1, inner
    PERF 8, 0, v0
    MOV v3, v0
    PERF 8, 1, v0
    HALT
outermost:
    LI v0, 1
    RET v0
inner:
    LI v5, 2
    RET v0
clause:
    MOV v4, v1                ; PERF clobbers v1: keep the continuation
    PERF 8, 1, v0
    RESU v4, v0
