; SETV rewrites only the variant byte of the header (§5).
; SUM with 2 words: header 0x0024; with variant 0xAB: 0xAB24. The program
; is 4 words, so the header is at 4.
; expect-memory: 0x0004 = 0xab24
; expect-register: v1 = INT -21724
    ALLOC v0, SUM, 2
    SETV v0, 0xAB
    LD v1, v0, -1
    HALT
