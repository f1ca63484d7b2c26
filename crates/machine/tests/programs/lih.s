; LIH: vd.v <- (vd.v & 0xFF) | (imm8 << 8) (§8): the low byte stays, and so
; does the tag, which LIH does not name.
; expect-register: v0 = INT 4660
; expect-register: v1 = INT -32768
; expect-register: v2 = PTR 0xab10
; expect-register: v3 = INT 240
    LI  v0, 0x34
    LIH v0, 0x12          ; 0x1234
    LI  v1, 0
    LIH v1, 0x80          ; 0x8000
    LI  v2, 0x10
    SETTAG v2, PTR
    LIH v2, 0xAB          ; PTR 0xAB10
    LI  v3, 0xF0          ; 0xFFF0
    LIH v3, 0x00          ; 0x00F0
    HALT
