; v0.5 CSRR reads the control registers (gap 9): SP 0xFA00, HP (the heap
; starts after this 9-word program), ETB 0xFE00, CORE 0; CSRW moves the
; heap pointer, and ALLOC then allocates there.
; expect-register: v0 = INT -1536
; expect-register: v1 = INT 9
; expect-register: v2 = INT -512
; expect-register: v3 = INT 0
; expect-register: v5 = PTR 0x1001
    CSRR v0, SP
    CSRR v1, HP
    CSRR v2, ETB
    CSRR v3, CORE
    LI  v4, 0
    LIH v4, 0x10
    CSRW v4, HP
    ALLOC v5, RECORD, 0
    HALT
