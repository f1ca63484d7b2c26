; Frames installed at the same stack pointer form one handler instance
; (docs/isa-decisions.md): when one of them catches, all of them leave with
; the continuation, so the clause runs outside the whole handler. Here the
; (8, 1) frame installed beside the (8, 0) frame is gone during the
; clause: the clause's PERF (8, 1) is unhandled.
; expect-outcome: trapped: unhandled effect
    INST  8, 0, clause
    INSTT 8, 1, other
    PERF 8, 0, v0
    HALT
other:
    RET v0
clause:
    PERF 8, 1, v0
    RESU v1, v0
