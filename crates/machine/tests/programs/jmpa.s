; v0.5 JMPA jumps to the absolute address in the word after it.
; expect-register: v0 = INT 0
; expect-register: v1 = INT 7
    JMPA far
    LI v0, 1
    HALT
.org 0x2000
far:
    LI v1, 7
    HALT
