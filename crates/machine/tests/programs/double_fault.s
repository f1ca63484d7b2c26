; A fault while delivering a fault stops the machine: the fault handler is
; installed, but the heap is full, so its continuation cannot be captured.
; The report names the original fault.
; expect-outcome: trapped: tag mismatch
; expect-trap-pc: 0x0006
    INST 15, 0, +1            ; 0
    JMP +1                    ; 1
    HALT                      ; 2: the handler, never reached
    CSRR v0, SP               ; 3
    CSRW v0, HP               ; 4: no heap left
    SETTAG v5, PTR            ; 5
    ADD v1, v0, v5            ; 6: faults
    HALT
