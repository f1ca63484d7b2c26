; Traps are the hardware effect (0xF, 0) with the fault code in v0
; (tag mismatch is 1); the continuation's saved pc (word 1 of its payload,
; after the size word) is the faulting instruction, 5.
; expect-register: v0 = INT 1
; expect-register: v7 = INT 0
; expect-register: v4 = INT 5
; expect-stat: faults = 1
; expect-stat: performs_local = 1
    INST 15, 0, +1            ; 0: handler at 2
    JMP main                  ; 1
    JMP handler               ; 2
main:
    ALLOC v1, RECORD, 1       ; 3
    LI v2, 1                  ; 4
    ADD v3, v2, v1            ; 5: faults
    HALT                      ; 6
handler:
    LD v4, v1, 1              ; the saved pc
    HALT
