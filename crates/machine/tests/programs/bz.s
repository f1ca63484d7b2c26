; BZ branches when the value bits are zero, whatever the tag, counting the
; offset from the next instruction; a countdown loop branches backwards.
; isa: v0.4
; expect-register: v2 = INT 1
; expect-register: v4 = INT 2
; expect-register: v5 = INT 0
    LI  v0, 0
    LI  v1, 5
    BZ  v1, wrong         ; not taken
    BZ  v0, right         ; taken
wrong:
    LI  v2, 99
    HALT
right:
    LI  v2, 1
    SETTAG v3, UNIT       ; UNIT with value bits 0
    BZ  v3, unit_ok
    HALT
unit_ok:
    LI  v4, 2
    LI  v5, 10
    LI  v6, 1
countdown:
    SUB v5, v5, v6
    BZ  v5, done
    JMP countdown
done:
    HALT
