; §4: ten nested installs of the same effect. Eight frames fill the CAM;
; the ninth and tenth each write the least recently used frame back to the
; spill region (5 words x 3 cycles = 15 each). The PERF finds ID 9 in the
; CAM, higher than every spilled (8, 0) frame (IDs 0 and 1), so the CAM
; answers alone: 1 cycle. The handler is tail-resumptive (INSTT), so
; nothing else is charged.
; Instructions: 3 before the loop; the loop body (INSTT, SUB, BZ) 10
; times plus 9 JMPs back; PERF; the handler's ADD and RET; HALT = 46.
; Cycles: 46 + 2 x 15 (write-backs) + 1 (CAM search) = 77.
; expect-instructions: 46
; expect-cycles: 77
; expect-register: v4 = INT 1
; expect-stat: spills = 2
; expect-stat: cam_hits = 1
; expect-stat: cam_misses = 0
; expect-stat: spill_inspections = 0
; expect-stat: performs_tail_resumptive = 1
    LI v2, 1                  ; 0: v1 would not survive PERF
    LI v3, 10                 ; 1
    JMP loop                  ; 2
handler:
    ADD v4, v4, v2            ; 3
    RET v0                    ; 4
loop:
    INSTT 8, 0, handler       ; 5: hpc3 = -3
    SUB v3, v3, v2            ; 6
    BZ v3, done               ; 7
    JMP loop                  ; 8
done:
    PERF 8, 0, v0             ; 9
    HALT                      ; 10
