; fib 20 by double recursion, written by hand: the counterpart of fib.cml.
; fib takes n in v0 and returns fib n in v0; it calls itself through v6,
; which CALL sets to the callee's closure. One stack slot keeps n - 2,
; then fib (n - 1), across the calls. Expected output: 6765.
start:
    ALLOC v6, CLOSURE_REC, 1     ; fib's closure: its code pointer
    LI v0, fib
    ST v0, v6, 0
    SETTAG v6, CLOSURE
    LI v0, 20
    CALL v6, v0
    JMP print_and_halt

fib:
    LI v1, 2
    SLT v2, v0, v1
    BZ v2, fib_recurse
    RET v0                       ; n < 2: fib n = n
fib_recurse:
    ENTER 1
    SUB v2, v0, v1
    STS v2, 0                    ; n - 2
    LI v1, 1
    SUB v1, v0, v1
    CALL v6, v1                  ; fib (n - 1)
    LDS v1, 0
    STS v0, 0                    ; fib (n - 1)
    CALL v6, v1                  ; fib (n - 2)
    LDS v1, 0
    ADD v0, v0, v1
    LEAVE 1
    RET v0

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
