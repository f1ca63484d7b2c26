; 1,000 rounds of get then put through a tail-resumptive state handler,
; by hand: the counterpart of state_loop.cml. The state is one word of a
; record the handlers reach through v6 (INSTT records the installer's v6
; and PERF restores it); it holds an INT, so LD and ST move it without
; its tag. The last get gives the result. Expected output: 3000.
start:
    ALLOC v6, RECORD, 1
    LI v0, 0
    ST v0, v6, 0                 ; s = 0
    INSTT 8, 0, get              ; State.get, tail-resumptive
    JMP main
get:
    LD v0, v6, 0
    RET v0
put:
    ST v0, v6, 0
    RET v0
main:
    INSTT 8, 1, put              ; State.put, tail-resumptive
    LI v2, 0xE8
    LIH v2, 0x03                 ; 1000 rounds
    LI v3, 3
    LI v4, 1
round:
    PERF 8, 0, v0                ; get
    ADD v0, v0, v3
    PERF 8, 1, v0                ; put
    SUB v2, v2, v4
    BZ v2, rounds_done
    JMP round
rounds_done:
    PERF 8, 0, v0                ; the final state
    UNIN 8, 1
    UNIN 8, 0
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
