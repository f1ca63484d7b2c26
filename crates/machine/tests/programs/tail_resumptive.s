; INSTT installs a tail-resumptive handler: PERF calls it like CALL
; (pushing the return pc and v6), capturing nothing, with v0 = argument,
; v1 = UNIT, v7 = INT op and v6 = the installer's v6; RET returns to the
; instruction after the PERF with v6 restored.
; Instructions: 7 before and including the PERF, the trampoline JMP, 4 in
; the handler, HALT = 13. Cycles: 13 + 1 (CAM search).
; expect-instructions: 13
; expect-cycles: 14
; expect-register: v0 = INT 40
; expect-register: v1 = UNIT
; expect-register: v4 = UNIT
; expect-register: v5 = INT 4
; expect-register: v6 = INT 9
; expect-register: v2 = INT 22
; expect-register: v3 = INT 33
; expect-stat: continuations_captured = 0
; expect-stat: performs_tail_resumptive = 1
    LI v2, 22                 ; 0
    LI v3, 33                 ; 1
    INSTT 8, 4, +1            ; 2: handler at 4
    JMP main                  ; 3
    JMP handler               ; 4
main:
    LI v0, 20                 ; 5
    LI v6, 9                  ; 6
    PERF 8, 4, v0             ; 7
    HALT                      ; 8
handler:
    MOV v4, v1                ; 9
    MOV v5, v7                ; 10
    ADD v0, v0, v0            ; 11
    RET v0                    ; 12
