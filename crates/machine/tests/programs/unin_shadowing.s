; UNIN removes the most recently installed handler for the effect and so
; re-establishes the previous shadowing (§4).
; expect-register: v4 = INT 2
; expect-register: v5 = INT 1
    JMP main
handler_a:
    LI v5, 1
    RET v0
handler_b:
    LI v4, 2
    RET v0
main:
    INSTT 8, 0, +1
    JMP +1
    JMP handler_a
    INSTT 8, 0, +1
    JMP +1
    JMP handler_b
    PERF 8, 0, v0             ; B
    UNIN 8, 0
    PERF 8, 0, v0             ; A again
    UNIN 8, 0
    HALT
