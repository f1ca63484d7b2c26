; Without v0.5's SLT, a signed a < b is 7 instructions and 4 scratch
; registers: d = a - b; o = (a ^ b) & (a ^ d); r = (d ^ o) >> 15 (the sign
; of a - b, corrected for overflow). For a = -30000, b = 30000 the
; subtraction overflows (d = 5536, positive) and the correction gives 1.
; expect-register: v7 = INT 1
; expect-register: v6 = BOOL 1
; expect-instructions: 13
    LI  v0, 0xD0
    LIH v0, 0x8A              ; -30000 = 0x8AD0
    LI  v1, 0x30
    LIH v1, 0x75              ; 30000 = 0x7530
    SUB v2, v0, v1            ; d
    XOR v3, v0, v1
    XOR v4, v0, v2
    AND v3, v3, v4            ; o
    XOR v7, v2, v3
    LI  v5, 15
    SHR v7, v7, v5            ; r
    SLT v6, v0, v1            ; v0.5: one instruction
    HALT
