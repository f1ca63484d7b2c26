; The sum of 1..10000 by hand: the counterpart of sum_loop.cml. The
; tail-recursive function becomes a loop with i and the total in
; registers (a tail call to itself is a jump). Ints are 16 bits and wrap.
; Expected output: 1032.
start:
    LI v2, 0x10
    LIH v2, 0x27                 ; i = 10000
    LI v3, 0                     ; the total
    LI v4, 1
sum_next:
    ADD v3, v3, v2
    SUB v2, v2, v4
    BZ v2, sum_done
    JMP sum_next
sum_done:
    MOV v0, v3
    JMP print_and_halt

; print_and_halt: prints v0 (a signed INT) in decimal and a newline through
; the UART (effect (2, 0), bound at boot), then halts. The same routine
; ends every hand-written kernel; it runs once.
print_and_halt:
    MOV v2, v0
    LI v3, 0
    SLT v4, v2, v3
    BZ v4, print_positive
    LI v0, '-'
    PERF 2, 0, v0
    SUB v2, v3, v2           ; the magnitude
print_positive:
    LI v3, 0x10
    LIH v3, 0x27             ; the divisor, 10000
    LI v4, 10
    LI v5, 0                 ; nonzero once a digit has been printed
print_digit:
    DIV v0, v2, v3
    REM v2, v2, v3
    OR v5, v5, v0
    BZ v5, print_skip        ; a leading zero
    LI v1, '0'
    ADD v0, v0, v1
    PERF 2, 0, v0
print_skip:
    DIV v3, v3, v4
    BZ v3, print_end
    JMP print_digit
print_end:
    BZ v5, print_zero
    JMP print_newline
print_zero:
    LI v0, '0'
    PERF 2, 0, v0
print_newline:
    LI v0, 10
    PERF 2, 0, v0
    HALT
