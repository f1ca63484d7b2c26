; Install-IDs are 16 bits; when the next one would wrap, the machine
; renumbers the live frames in install order (docs/isa-decisions.md). A
; bottom frame installed first must still lose to a frame installed after
; 65,536 install/uninstall pairs, and win again once that frame is gone.
; max-cycles: 3000000
; expect-register: v5 = INT 2
; expect-register: v4 = INT 1
; expect-stat: install_id_renumberings = 1
    INSTT 8, 0, +1
    JMP +1
    JMP bottom
    LI v2, 1
    LI v3, 0                  ; 65,536 iterations: 0, -1, ..., 1
loop:
    INSTT 8, 0, +1
    JMP +1
    JMP top
    UNIN 8, 0
    SUB v3, v3, v2
    BZ v3, +1
    JMP loop
    INSTT 8, 0, +1
    JMP +1
    JMP top
    PERF 8, 0, v0             ; the newest frame: top
    UNIN 8, 0
    PERF 8, 0, v0             ; the bottom frame again
    HALT
bottom:
    LI v4, 1
    RET v0
top:
    LI v5, 2
    RET v0
