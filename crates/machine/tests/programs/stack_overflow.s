; Unbounded recursion runs the stack into the heap.
; expect-outcome: trapped: stack overflow
; expect-trap-pc: 0x0020
    ALLOC v5, CLOSURE_REC, 1
    LI v0, 0x20
    ST v0, v5, 0
    SETTAG v5, CLOSURE
    CALL v5, v0
    HALT
.org 0x20
forever:
    CALL v5, v0
