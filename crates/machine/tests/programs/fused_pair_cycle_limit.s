; A cycle limit that falls between the two halves of a fused pair stops
; exactly there (docs/performance.md). The fast engine pre-decodes LI at 0
; with ADD at 1, and ADD at 2 with ADD at 3, as pairs. With 3 cycles: LI,
; ADD (v2 = 10), ADD (v3 = 15), and the fourth instruction is not issued:
; v4 keeps its INT 0.
; max-cycles: 3
; expect-outcome: cycle-limit
; expect-register: v1 = INT 5
; expect-register: v2 = INT 10
; expect-register: v3 = INT 15
; expect-register: v4 = INT 0
; expect-instructions: 3
; expect-cycles: 3
    LI v1, 5              ; 0
    ADD v2, v1, v1        ; 1
    ADD v3, v2, v1        ; 2
    ADD v4, v3, v1        ; 3
    HALT                  ; 4
