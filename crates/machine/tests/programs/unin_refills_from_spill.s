; UNIN of a frame in the CAM refills the slot with the newest spilled frame,
; and shadowing follows install order throughout (§4). Nine frames of
; (8, 1) share one handler but record different environments (v6 at
; install: 9, 8, ..., 1); the first spills when the ninth is installed.
; Then PERF + UNIN nine times must reach the environments 1, 2, ..., 9 in
; that order: the handler ORs (environment - expected) into v4, which
; stays 0 only if every PERF reached the expected frame.
; expect-register: v4 = INT 0
; expect-register: v5 = INT 45
; expect-stat: spills = 1
    LI v1, 1
    LI v3, 9
    JMP install
handler:
    SUB v2, v6, v0
    OR  v4, v4, v2
    ADD v5, v5, v6
    RET v0
install:
    MOV v6, v3
    INSTT 8, 1, handler
    SUB v3, v3, v1
    BZ v3, perform
    JMP install
perform:
    LI v3, 1
again:
    MOV v0, v3
    PERF 8, 1, v0
    UNIN 8, 1
    LI v1, 1                  ; PERF clobbered v1
    ADD v3, v3, v1
    LI v2, 10
    SUB v2, v3, v2
    BZ v2, done
    JMP again
done:
    HALT
