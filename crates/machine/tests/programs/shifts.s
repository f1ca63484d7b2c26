; SHL and SHR mask the count to 4 bits; SHR is logical (§8).
; isa: v0.4
; expect-register: v2 = INT 2
; expect-register: v5 = INT 1
; expect-register: v7 = INT -32768
; expect-register: v6 = INT 0
    LI  v0, 1
    LI  v1, 17            ; masked to 1
    SHL v2, v0, v1        ; 1 << 1
    LI  v3, 0
    LIH v3, 0x80          ; 0x8000
    LI  v4, 15
    SHR v5, v3, v4        ; logical: 1, not -1
    LI  v6, 16            ; masked to 0
    SHR v7, v3, v6        ; unchanged
    SHL v6, v3, v0        ; 0x8000 << 1 loses the bit
    HALT
