; AND, OR, XOR on INT values (§8).
; isa: v0.4
; expect-register: v2 = INT 24
; expect-register: v3 = INT 126
; expect-register: v4 = INT 102
; expect-register: v5 = INT 92
    LI  v0, 0x5C          ; 0101 1100
    LI  v1, 0x3A          ; 0011 1010
    AND v2, v0, v1        ; 0001 1000
    OR  v3, v0, v1        ; 0111 1110
    XOR v4, v0, v1        ; 0110 0110
    LI  v5, -1
    AND v5, v5, v0
    HALT
