
; The routines of preemptible code (docs/backend.md, "Preemptible code").
; A program that binds a hardware effect reads and writes tagged fields
; with LD/ST and these two instead of pointing sp at the object, so that
; every instruction boundary leaves sp in the stack and no stack address
; in a register. Both are entered with CALL v7, v0 and leave with RET v0:
; v0-v3 and v6 come back unchanged, v7 is clobbered.

; __retag: v4 ← v4's value with the tag whose code is v5 (an INT).
__retag:
    BZ v5, .Lretag_done       ; INT: as loaded
    LI v7, 1
    SUB v7, v5, v7
    BZ v7, .Lretag_ptr
    LI v7, 3
    SUB v7, v5, v7
    BZ v7, .Lretag_closure
    LI v7, 4
    SUB v7, v5, v7
    BZ v7, .Lretag_unit
    LI v7, 5
    SUB v7, v5, v7
    BZ v7, .Lretag_bool
    LI v7, 2
    SUB v7, v5, v7
    BZ v7, .Lretag_cont
    LI v0, 0
    PERF family=14, op=14, v0 ; no such tag
.Lretag_ptr:
    SETTAG v4, PTR
    RET v0
.Lretag_closure:
    SETTAG v4, CLOSURE
    RET v0
.Lretag_unit:
    SETTAG v4, UNIT
    RET v0
.Lretag_bool:
    SETTAG v4, BOOL
    RET v0
.Lretag_cont:
    SETTAG v4, CONT
.Lretag_done:
    RET v0

; __tag_of: v5 ← (INT, the tag code of the caller's v6). The caller puts
; the value in v6 (keeping its own v6 elsewhere): CALL pushes v6's tag at
; sp and its value at sp + 1, so slot 0's value word is the tag. RET pops
; v6 back as it was.
__tag_of:
    LDS v5, 0
    SETTAG v5, INT
    RET v0
