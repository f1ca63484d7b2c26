
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

; __equal_p: `__equal` for preemptible code, on values and tag codes:
; v0, v1 the operands' values, v2, v3 their tags (INT; the caller gets
; them with __tag_of), BOOL result. Field tags are read as words with LD,
; so nothing addresses the stack through a register. Slots: 0 the
; payload words left; 1, 2 the field cursors.
__equal_p:
    ENTER 3
    SUB v5, v2, v3
    BZ v5, .Lequal_p_same_tag
    JMP .Lequal_p_false
.Lequal_p_same_tag:
    LI v5, 4                  ; UNIT
    SUB v5, v2, v5
    BZ v5, .Lequal_p_true
    MOV v4, v0
    SETTAG v4, INT
    MOV v5, v1
    SETTAG v5, INT
    SUB v5, v4, v5
    BZ v5, .Lequal_p_true     ; the same value (or the same object)
    LI v5, 1                  ; PTR
    SUB v5, v2, v5
    BZ v5, .Lequal_p_pointer
    JMP .Lequal_p_false
.Lequal_p_pointer:
    SETTAG v0, PTR
    SETTAG v1, PTR
    LD v5, v0, -1             ; the headers
    LD v4, v1, -1
    SUB v4, v5, v4
    BZ v4, .Lequal_p_same_header
    JMP .Lequal_p_false
.Lequal_p_same_header:
    LI v7, 15
    AND v4, v5, v7            ; the layout
    LI v7, 5                  ; STRING
    SUB v7, v4, v7
    BZ v7, .Lequal_p_string
    BZ v4, .Lequal_p_fields   ; RECORD
    LI v7, 4                  ; SUM
    SUB v7, v4, v7
    BZ v7, .Lequal_p_fields
    LI v0, 0
    PERF family=14, op=14, v0 ; no equality for this layout
.Lequal_p_fields:
    LI v7, 4
    SHR v5, v5, v7
    LI v7, 15
    AND v5, v5, v7            ; the payload words
    STS v5, 0
    STS v0, 1
    STS v1, 2
.Lequal_p_field:
    LDS v5, 0
    BZ v5, .Lequal_p_true
    LI v4, 2
    SUB v5, v5, v4
    STS v5, 0
    LDS v4, 1
    LDS v5, 2
    LD v0, v4, 0              ; the field of the first: value, tag
    LD v2, v4, 1
    LD v1, v5, 0              ; the field of the second
    LD v3, v5, 1
    INC v4, v4, 2
    INC v5, v5, 2
    STS v4, 1
    STS v5, 2
    CALL v6, v0
    BZ v0, .Lequal_p_false
    JMP .Lequal_p_field
.Lequal_p_string:
    LD v3, v0, 0
    LD v4, v1, 0
    SUB v5, v3, v4
    BZ v5, .Lequal_p_bytes
    JMP .Lequal_p_false
.Lequal_p_bytes:
    LI v7, 1
.Lequal_p_byte:
    BZ v3, .Lequal_p_true
    INC v0, v0, 1
    INC v1, v1, 1
    LD v4, v0, 0
    LD v5, v1, 0
    SUB v4, v4, v5
    BZ v4, .Lequal_p_next
    JMP .Lequal_p_false
.Lequal_p_next:
    SUB v3, v3, v7
    JMP .Lequal_p_byte
.Lequal_p_true:
    LI v0, 1
    JMP .Lequal_p_end
.Lequal_p_false:
    LI v0, 0
.Lequal_p_end:
    SETTAG v0, BOOL
    LEAVE 3
    RET v0
