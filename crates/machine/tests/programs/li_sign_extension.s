; LI sign-extends imm8 (§8). The assembler accepts 128..255 as the bit
; pattern, so 0x80 is -128 and 0xFF is -1.
; isa: v0.4
; expect-register: v0 = INT -1
; expect-register: v1 = INT 127
; expect-register: v2 = INT -128
; expect-register: v3 = INT -1
; expect-register: v4 = INT 65
; expect-register: v5 = INT 0
    LI v0, -1
    LI v1, 0x7F
    LI v2, 0x80
    LI v3, 0xFF
    LI v4, 'A'
    HALT
