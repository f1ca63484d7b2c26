; v0.5 RESUS resumes without reinstalling the catching handler's frames
; (a shallow handler): the body's second PERF finds no handler.
; expect-outcome: trapped: unhandled effect
; expect-trap-pc: 0x0004
    INST 8, 0, +1             ; 0
    JMP body                  ; 1
    JMP clause                ; 2
body:
    PERF 8, 0, v0             ; 3
    PERF 8, 0, v0             ; 4
    HALT                      ; 5
clause:
    RESUS v1, v0              ; 6
