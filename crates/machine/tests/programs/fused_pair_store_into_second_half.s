; A store into the second half of a fused pair (docs/performance.md): the
; fast engine runs ADD at 3 and ADD at 4 as one pre-decoded pair (and ADD
; at 4 with BZ at 5). ST then writes LI v3, 7 (0x0307: 00000 011 00000111)
; over the word at 4, which must reset both slots that depend on it, so the
; second pass runs the new instruction: v3 = 7, not 1 + 2 + 2 = 5.
; Count: 0-2 (3), 3-5 with BZ taken (3), 7-13 (7), 3-6 (4): 17
; instructions, one cycle each.
; expect-register: v0 = INT 775
; expect-register: v3 = INT 7
; expect-register: v4 = INT 1
; expect-register: v5 = PTR 0x0004
; expect-memory: 0x0004 = 0x0307
; expect-instructions: 17
; expect-cycles: 17
    LI v1, 1              ; 0
    LI v2, 2              ; 1
    LI v4, 0              ; 2
again:
    ADD v3, v1, v2        ; 3: a pair's first half
    ADD v3, v3, v2        ; 4: its second half, replaced by LI v3, 7
    BZ v4, patch          ; 5
    HALT                  ; 6
patch:
    LI v0, 7              ; 7
    LIH v0, 3             ; 8: v0 = 0x0307
    LI v5, 4              ; 9
    SETTAG v5, PTR        ; 10
    ST v0, v5, 0          ; 11: memory[4] = LI v3, 7
    LI v4, 1              ; 12
    JMP again             ; 13
