; RESU reinstalls the catching handler's frames (a deep handler): the
; body's second PERF reaches the same clause, which counts in the value it
; resumes with.
; expect-register: v0 = INT 2
    INST 8, 0, +1
    JMP body
    JMP clause
body:
    LI v0, 0
    PERF 8, 0, v0
    PERF 8, 0, v0
    HALT
clause:
    LI v2, 1
    ADD v0, v0, v2
    RESU v1, v0
