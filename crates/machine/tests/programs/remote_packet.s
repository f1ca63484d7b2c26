; A remote PERF builds the 64-bit packet of §13 and captures nothing:
; effect (3, 5) is bound to Remote(0x20, 7) by writing its effect-table
; entry (at 0xFE00 + 2 * 53 = 0xFE6A; C.5: tag 2, op2 7 -> high word
; 0x2070, low word 0x0020). The payload is 0xBEEF, zero-extended.
; dst 0x20 << 58 | src 0 << 52 | op 7 << 48 | flags 0 | 0xBEEF << 12
;   = 0x8000_0000_0000_0000 + 0x0007_0000_0000_0000 + 0x0000_0000_0BEE_F000
; v1 and v7 keep their values: nothing local was dispatched.
; device: recorder 0x20
; expect-packet: 0x20 = 0x800700000BEEF000
; expect-register: v1 = INT 5
; expect-register: v7 = INT 9
; expect-stat: performs_remote = 1
; expect-stat: continuations_captured = 0
    LI  v0, 0xEF
    LIH v0, 0xBE
    LI  v1, 5
    LI  v7, 9
    PERF 3, 5, v0
    HALT
.org 0xFE6A
    .word 0x2070, 0x0020
