; A generator of 1, 2, 3, ... and a consumer that sums the first 1000, by
; hand: the counterpart of generator.cml. The handler is an ordinary
; (capturing) one: every yield captures the generator's continuation,
; and the clause resumes it with RESU until the value 1000. The total is
; one word of a record the clause reaches through v6 (INST records the
; installer's v6); it holds an INT, so LD and ST move it without its tag.
; Ints are 16 bits and wrap. Expected output: -23788.
start:
    ALLOC v6, RECORD, 1
    LI v0, 0
    ST v0, v6, 0                 ; total = 0
    INST 8, 0, consume           ; Gen.yield, capturing
    JMP numbers
consume:                         ; v0 = the value, v1 = the continuation
    LD v2, v6, 0
    ADD v2, v2, v0
    ST v2, v6, 0
    LI v3, 0xE8
    LIH v3, 0x03
    SUB v3, v0, v3
    BZ v3, consumed              ; the 1000th value: stop resuming
    RESU v1, v0
consumed:
    MOV v0, v2
    JMP print_and_halt

numbers:
    LI v2, 1                     ; i
    LI v3, 1
yield_next:
    PERF 8, 0, v2                ; yield i
    ADD v2, v2, v3
    JMP yield_next

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
