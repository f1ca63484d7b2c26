; RESU sets the used flag; a second RESU of the same continuation traps
; (§11). The clause resumes delivering the continuation itself as the
; value, and the body resumes it again.
; expect-outcome: trapped: continuation resumed twice
; expect-trap-pc: 0x0004
; expect-stat: resumes = 1
    INST 8, 0, +1             ; 0: handler at 2
    JMP body                  ; 1
    JMP clause                ; 2
body:
    PERF 8, 0, v0             ; 3
    RESU v0, v0               ; 4: v0 is the used continuation
    HALT                      ; 5
clause:
    RESU v1, v1               ; 6
