; SETTAG sets the tag and keeps the value (docs/isa-decisions.md, gap 4).
; expect-register: v0 = PTR 0x0005
; expect-register: v1 = CLOSURE 0x0005
; expect-register: v2 = INT 5
    LI v0, 5
    SETTAG v0, PTR
    MOV v1, v0
    SETTAG v1, CLOSURE
    MOV v2, v1
    SETTAG v2, INT
    HALT
