; A fault in the second half of a fused pair (ADD at 3 then ADD at 4,
; pre-decoded as one slot) belongs to the second instruction alone: the
; first has retired (v2 = 2), the trap is at 4, and ADD at 4 does not
; retire (v3 keeps INT 0). Retired: 0-3, four instructions.
; expect-outcome: trapped: tag mismatch
; expect-trap-pc: 0x0004
; expect-register: v2 = INT 2
; expect-register: v3 = INT 0
; expect-instructions: 4
; expect-stat: faults = 1
    LI v1, 1              ; 0
    LI v0, 5              ; 1
    SETTAG v0, PTR        ; 2
    ADD v2, v1, v1        ; 3: a pair's first half
    ADD v3, v2, v0        ; 4: its second half; v0 is a PTR
    HALT                  ; 5
