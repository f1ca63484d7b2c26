; LD and ST address memory at base + sext(off5) (§8); LD yields INT, ST
; discards the tag of what it stores. The program is 12 words, so the
; heap starts at 12: the record's header is at 12 and v1 = PTR 13.
; The header of RECORD with 3 words: layout 0, size 3 -> 0x0030.
; isa: v0.4
; expect-register: v1 = PTR 0x000d
; expect-register: v2 = INT 7
; expect-register: v3 = INT -2
; expect-register: v4 = INT 48
; expect-register: v5 = INT 13
; expect-memory: 0x000c = 0x0030
; expect-memory: 0x000d = 0x0007
; expect-memory: 0x000e = 0x000d
; expect-memory: 0x000f = 0xfffe
    ALLOC v1, RECORD, 3   ; 0
    LI v0, 7              ; 1
    ST v0, v1, 0          ; 2
    LI v0, -2             ; 3
    ST v0, v1, 2          ; 4
    LD v2, v1, 0          ; 5
    LD v3, v1, 2          ; 6
    LD v4, v1, -1         ; 7: the header
    ST v1, v1, 1          ; 8: a PTR stored as its value
    LD v5, v1, 1          ; 9: comes back as INT
    MOV v0, v0            ; 10
    HALT                  ; 11
