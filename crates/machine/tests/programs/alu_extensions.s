; v0.5 MUL, DIV, REM, SLT (gap 3): 16-bit wrapping multiply, division
; rounding toward zero, remainder with the dividend's sign, signed
; less-than giving a BOOL; -32768 / -1 wraps to -32768.
; expect-register: v2 = INT -14
; expect-register: v3 = INT -3
; expect-register: v4 = INT -1
; expect-register: v5 = BOOL 1
; expect-register: v6 = BOOL 0
; expect-register: v7 = INT -32768
    LI  v0, -7
    LI  v1, 2
    MUL v2, v0, v1
    DIV v3, v0, v1
    REM v4, v0, v1
    SLT v5, v0, v1
    SLT v6, v1, v0
    LI  v7, 0
    LIH v7, 0x80
    LI  v1, -1
    DIV v7, v7, v1
    HALT
