; ALLOC writes the header from its immediates (§5): variant 0, size n,
; the layout code (RECORD 0, ARRAY 1, CLOSURE_REC 2, CONT_REC 3, SUM 4,
; STRING 5). n = 15 is the size escape: the payload size comes from vd, the
; word after the header holds it, and vd points at that word.
; The program is 6 words: the heap starts at 6.
;   SUM 3:          header at 6  = 0x0034, v0 = PTR 7,  hp 10
;   STRING 0:       header at 10 = 0x0005, v1 = PTR 11, hp 11
;   ARRAY escape 20: header at 11 = 0x00F1, size word 12 = 20, v2 = PTR 12, hp 33
;   CLOSURE_REC 1:  header at 33 = 0x0012, v3 = PTR 34, hp 35
; isa: v0.4
; expect-register: v0 = PTR 0x0007
; expect-register: v1 = PTR 0x000b
; expect-register: v2 = PTR 0x000c
; expect-register: v3 = PTR 0x0022
; expect-memory: 0x0006 = 0x0034
; expect-memory: 0x000a = 0x0005
; expect-memory: 0x000b = 0x00f1
; expect-memory: 0x000c = 0x0014
; expect-memory: 0x0021 = 0x0012
; expect-stat: allocations = 4
; expect-stat: allocated_words = 29
; expect-stat: peak_heap_words = 29
    ALLOC v0, SUM, 3
    ALLOC v1, STRING, 0
    LI v2, 20
    ALLOC v2, ARRAY, 15
    ALLOC v3, CLOSURE_REC, 1
    HALT
