; ADD and SUB are 16-bit and wrap.
; isa: v0.4
; expect-register: v2 = INT -32768
; expect-register: v3 = INT 0
; expect-register: v4 = INT -1
; expect-register: v5 = INT 0
    LI  v0, -1
    LIH v0, 0x7F          ; 0x7FFF
    LI  v1, 1
    ADD v2, v0, v1        ; 0x8000
    SUB v3, v1, v1
    LI  v4, 0
    SUB v4, v4, v1        ; 0 - 1
    ADD v5, v2, v2        ; 0x8000 + 0x8000 wraps to 0
    HALT
