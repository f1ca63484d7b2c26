; ALLOC that would run the heap into the stack faults: 32,514 words fit
; once, not twice, below 0xFA00.
; expect-outcome: trapped: heap exhausted
; expect-trap-pc: 0x0004
    LI  v0, 0
    LIH v0, 0x7F              ; 32,512 payload words
    MOV v1, v0
    ALLOC v0, ARRAY, 15
    ALLOC v1, ARRAY, 15
    HALT
