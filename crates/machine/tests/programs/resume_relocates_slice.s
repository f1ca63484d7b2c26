; A non-tail resume: the clause CALLs a helper that RESUMEs, so the
; resumed body's final RET returns into the clause (docs/isa-decisions.md,
; "PERF and RESU with stack slices and frame lists"). Step by step:
;   start CALLs with_body: frame at 0xF9FD..0xF9FF; sp 0xF9FD.
;   with_body installs (8, 0): prompt 0xF9FD; CALLs inner: sp 0xF9FA.
;   inner performs (8, 0) with 5: the slice 0xF9FA..0xF9FC (inner's CALL
;   frame) and the frame leave with the continuation; sp = prompt 0xF9FD.
;   The clause doubles 5 and CALLs the helper (sp 0xF9FA), which RESUMEs
;   with 10: the slice is copied to 0xF9F7..0xF9F9, the frame reinstalled
;   with prompt 0xF9FA. inner adds 100 (110) and RETs into with_body,
;   which UNINs and RETs 110: that pops the clause's CALL frame, so the
;   clause continues, adds 7 (117) and RETs to start, with v6 restored.
; The lowest the stack goes is 0xF9F7: 9 words.
; expect-register: v0 = INT 117
; expect-register: v6 = INT 0
; expect-stat: resumes = 1
; expect-stat: continuations_captured = 1
; expect-stat: performs_local = 1
; expect-stat: peak_stack_words = 9
start:
    ALLOC v5, CLOSURE_REC, 1
    LI v0, 0x40
    ST v0, v5, 0
    SETTAG v5, CLOSURE
    LI v1, 0
    CALL v5, v1
    HALT
.org 0x40
with_body:
    INST 8, 0, +1             ; clause trampoline at 0x42
    JMP body
    JMP clause
body:
    ALLOC v3, CLOSURE_REC, 1
    LI v0, 0x50
    ST v0, v3, 0
    SETTAG v3, CLOSURE
    LI v0, 5
    CALL v3, v0
    UNIN 8, 0
    RET v0
.org 0x50
inner:
    PERF 8, 0, v0
    LI v2, 100
    ADD v0, v0, v2
    RET v0
.org 0x60
helper:
    RESU v1, v0
.org 0x70
clause:
    ADD v0, v0, v0
    ALLOC v4, CLOSURE_REC, 1
    LI v3, 0x60
    ST v3, v4, 0
    SETTAG v4, CLOSURE
    CALL v4, v0
    LI v2, 7
    ADD v0, v0, v2
    RET v0
