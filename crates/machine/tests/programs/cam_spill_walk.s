; §4: the highest install-ID wins wherever it sits, and a spill hit
; promotes the frame to the CAM's most recently used slot.
; Frames: A (8,0) ID 0, B (8,0) ID 1, fillers (8,1) IDs 2..9. Installing
; the 7th and 8th fillers writes A, then B, back to the spill (15 each).
; The first PERF (8,0): CAM search 1, no (8,0) in the CAM, walk 2 spilled
; frames (12 each = 24), B wins (ID 1 > 0), B is promoted and the least
; recently used CAM frame (filler ID 2) is written back (15): 40 extra.
; The second PERF (8,0) finds B in the CAM, newer than the only spilled
; (8,0) frame (A): a CAM hit, 1 extra.
; Instructions: 3 + 4 (two installs with trampolines) + 8 x 4 (filler
; loop) + 7 (JMPs back) + 2 x 4 (PERF, trampoline JMP, LI, RET) + 1 = 55.
; Cycles: 55 + 2 x 15 + 40 + 1 = 126.
; expect-instructions: 55
; expect-cycles: 126
; expect-register: v5 = INT 2
; expect-stat: spills = 3
; expect-stat: cam_misses = 1
; expect-stat: cam_hits = 1
; expect-stat: spill_inspections = 2
; expect-stat: spill_promotions = 1
    LI v1, 1                  ; 0
    LI v3, 8                  ; 1
    JMP main                  ; 2
handler_a:
    LI v5, 1                  ; 3
    RET v0                    ; 4
handler_b:
    LI v5, 2                  ; 5
    RET v0                    ; 6
filler:
    RET v0                    ; 7
main:
    INSTT 8, 0, +1            ; 8: handler at 10
    JMP +1                    ; 9
    JMP handler_a             ; 10
    INSTT 8, 0, +1            ; 11: handler at 13
    JMP +1                    ; 12
    JMP handler_b             ; 13
fill:
    INSTT 8, 1, +1            ; 14: handler at 16
    JMP +1                    ; 15
    JMP filler                ; 16
    SUB v3, v3, v1            ; 17
    BZ v3, +1                 ; 18
    JMP fill                  ; 19
    PERF 8, 0, v0             ; 20
    PERF 8, 0, v0             ; 21
    HALT                      ; 22
