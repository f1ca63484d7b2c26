; The continuation record PERF builds (§6, extended as docs/isa-decisions.md
; records), read back word by word by the handler through the CONT handle.
; The program is 83 words, so the record's header is at 83 and the handle
; (which points at the size word) is 84 = 0x54. The handler copies words
; handle-1 .. handle+27 to 0x0300 .. 0x031C:
;   header 0x00F3 (variant 0 = unused, size 15 = escape, layout 3 = CONT_REC)
;   capacity 27 = 19 canonical + 1 slice length + 0 slice words + 2 counts + 5
;   saved pc 14 (the instruction after the PERF), saved sp and prompt sp
;   0xFA00 (nothing pushed), v6 = UNIT 16, v0..v5 = 10, 11, 12, BOOL 13,
;   14, 15, v7 = 17, each as value then tag; slice length 0; 1 captured
;   frame, which is the catching handler's instance (1); the frame: key
;   0x8304 (family 8, op 3, not tail-resumptive, environment tag UNIT),
;   handler pc 12, install-ID 0, prompt distance 0, environment value 16.
; On entry the handler sees v0 = the argument (v2 = INT 12), v1 = CONT,
; v7 = INT op, v6 = the installer's v6.
; expect-register: v5 = INT 12
; expect-register: v6 = UNIT
; expect-register: v7 = INT 3
; expect-register: v1 = CONT 0x0054
; expect-memory: 0x0300 = 0x00f3
; expect-memory: 0x0301 = 0x001b
; expect-memory: 0x0302 = 0x000e
; expect-memory: 0x0303 = 0xfa00
; expect-memory: 0x0304 = 0xfa00
; expect-memory: 0x0305 = 0x0010
; expect-memory: 0x0306 = 0x0004
; expect-memory: 0x0307 = 0x000a
; expect-memory: 0x0308 = 0x0000
; expect-memory: 0x0309 = 0x000b
; expect-memory: 0x030a = 0x0000
; expect-memory: 0x030b = 0x000c
; expect-memory: 0x030c = 0x0000
; expect-memory: 0x030d = 0x000d
; expect-memory: 0x030e = 0x0005
; expect-memory: 0x030f = 0x000e
; expect-memory: 0x0310 = 0x0000
; expect-memory: 0x0311 = 0x000f
; expect-memory: 0x0312 = 0x0000
; expect-memory: 0x0313 = 0x0011
; expect-memory: 0x0314 = 0x0000
; expect-memory: 0x0315 = 0x0000
; expect-memory: 0x0316 = 0x0001
; expect-memory: 0x0317 = 0x0001
; expect-memory: 0x0318 = 0x8304
; expect-memory: 0x0319 = 0x000c
; expect-memory: 0x031a = 0x0000
; expect-memory: 0x031b = 0x0000
; expect-memory: 0x031c = 0x0010
; expect-stat: continuations_captured = 1
    LI v0, 10                 ; 0
    LI v1, 11                 ; 1
    LI v2, 12                 ; 2
    LI v3, 13                 ; 3
    SETTAG v3, BOOL           ; 4
    LI v4, 14                 ; 5
    LI v5, 15                 ; 6
    LI v6, 16                 ; 7
    SETTAG v6, UNIT           ; 8
    LI v7, 17                 ; 9
    INST 8, 3, +1             ; 10: handler at 12
    JMP body                  ; 11
    JMP handler               ; 12
body:
    PERF 8, 3, v2             ; 13
    HALT                      ; 14
handler:
    MOV v5, v0                ; 15
    LI  v2, 0
    LIH v2, 0x03
    SETTAG v2, PTR            ; v2 = PTR 0x0300
    LD v3, v1, -1
    ST v3, v2, 0
    LD v3, v1, 0
    ST v3, v2, 1
    LD v3, v1, 1
    ST v3, v2, 2
    LD v3, v1, 2
    ST v3, v2, 3
    LD v3, v1, 3
    ST v3, v2, 4
    LD v3, v1, 4
    ST v3, v2, 5
    LD v3, v1, 5
    ST v3, v2, 6
    LD v3, v1, 6
    ST v3, v2, 7
    LD v3, v1, 7
    ST v3, v2, 8
    LD v3, v1, 8
    ST v3, v2, 9
    LD v3, v1, 9
    ST v3, v2, 10
    LD v3, v1, 10
    ST v3, v2, 11
    LD v3, v1, 11
    ST v3, v2, 12
    LD v3, v1, 12
    ST v3, v2, 13
    LD v3, v1, 13
    ST v3, v2, 14
    LD v3, v1, 14
    ST v3, v2, 15
    MOV v4, v1
    SETTAG v4, PTR
    INC v4, v4, 15            ; handle + 15
    INC v2, v2, 15
    INC v2, v2, 1             ; 0x0310
    LD v3, v4, 0
    ST v3, v2, 0
    LD v3, v4, 1
    ST v3, v2, 1
    LD v3, v4, 2
    ST v3, v2, 2
    LD v3, v4, 3
    ST v3, v2, 3
    LD v3, v4, 4
    ST v3, v2, 4
    LD v3, v4, 5
    ST v3, v2, 5
    LD v3, v4, 6
    ST v3, v2, 6
    LD v3, v4, 7
    ST v3, v2, 7
    LD v3, v4, 8
    ST v3, v2, 8
    LD v3, v4, 9
    ST v3, v2, 9
    LD v3, v4, 10
    ST v3, v2, 10
    LD v3, v4, 11
    ST v3, v2, 11
    LD v3, v4, 12
    ST v3, v2, 12
    HALT                      ; 82
