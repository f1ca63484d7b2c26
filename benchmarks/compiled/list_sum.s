; Builds the list [1; ...; 1000] and sums it, by hand: the counterpart of
; list_sum.cml, with CML's representation: a cons cell is a SUM of
; variant 1 with two tagged fields (head value, head tag, tail value,
; tail tag), and [] is a static SUM of variant 0. Knowing the fields'
; types, the code writes each tag word as a constant with ST and reads
; the head with LD and the tail with LD and SETTAG, where compiled code
; moves every field with its tag through LDS/STS. Expected output: -23788.
start:
    LI v2, 0xE8
    LIH v2, 0x03                 ; n = 1000
    LI v3, nil
    SETTAG v3, PTR               ; the list so far: []
    LI v4, 1                     ; 1, also PTR's tag code
    LI v0, 0                     ; INT's tag code
build_next:
    ALLOC v1, SUM, 4
    SETV v1, 1                   ; n :: list
    ST v2, v1, 0
    ST v0, v1, 1
    ST v3, v1, 2
    ST v4, v1, 3
    MOV v3, v1
    SUB v2, v2, v4
    BZ v2, built
    JMP build_next
built:
    LI v2, 0                     ; the total
sum_next:
    MATCH v0, v3, 0
    .table summed, sum_cons
sum_cons:
    LD v0, v3, 0                 ; the head
    ADD v2, v2, v0
    LD v3, v3, 2                 ; the tail
    SETTAG v3, PTR
    JMP sum_next
summed:
    MOV v0, v2
    JMP print_and_halt

    .word 0x0004                 ; the header of [] (SUM, no fields, variant 0)
nil:
    .word 0

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
