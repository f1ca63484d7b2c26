; MOV copies tag and value (§8).
; expect-register: v2 = PTR 0x0006
; expect-register: v4 = BOOL 0
    ALLOC v1, RECORD, 0   ; program is 5 words: header at 5, v1 = PTR 6
    MOV v2, v1
    SETTAG v3, BOOL
    MOV v4, v3
    HALT
