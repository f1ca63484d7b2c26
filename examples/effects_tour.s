; A tour of the effects-native machine, in its own assembly language.
;
;   cargo run --release -p cml-cli -- run examples/effects_tour.s
;
; 1. A remote PERF: effect (2, 0) is bound at boot to the UART at tile
;    0x10 (the book's chapter 9), so printing is PERF, byte by byte, in a
;    subroutine reached through a closure (CALL/RET).
; 2. A local handler with captured continuations: a generator body
;    performs Yield (8, 0) five times; the clause prints each value and
;    resumes the body with RESU.
; 3. A tail-resumptive handler (v0.5 INSTT): Ask (8, 1) is answered like a
;    call, capturing nothing.
; Try `--trace` to watch every instruction, `--stats` for the CAM and the
; cycle counts.

start:
    ALLOC v5, CLOSURE_REC, 1      ; a closure for print_string
    LI  v0, print_string
    ST  v0, v5, 0
    SETTAG v5, CLOSURE
    LI  v2, 0
    LIH v2, 0x01
    SETTAG v2, PTR                ; PTR 0x0100: the greeting
    CALL v5, v2
    JMP generator

; --- 1. printing through the UART --------------------------------------
print_string:                     ; v0 = PTR to a zero-terminated string
    MOV v2, v0
print_next:
    LD  v0, v2, 0
    BZ  v0, printed
    PERF family=2, op=0, v0       ; remote: a packet to the UART
    INC v2, v2, 1
    JMP print_next
printed:
    RET v0

; --- 2. a generator and its consumer -----------------------------------
generator:
    INST 8, 0, consumer           ; the consumer handles Yield
    LI  v3, 1                     ; the body: yield 1..5
    LI  v4, 6
next:
    PERF 8, 0, v3                 ; yield v3: the continuation is captured
    LI  v0, 1
    ADD v3, v3, v0
    SUB v0, v3, v4
    BZ  v0, generated
    JMP next
generated:
    UNIN 8, 0
    JMP asking

consumer:                         ; v0 = the value, v1 = the continuation
    MOV v6, v1                    ; keep the continuation
    LI  v7, '0'
    ADD v0, v0, v7
    PERF 2, 0, v0                 ; print the digit
    LI  v0, ' '
    PERF 2, 0, v0
    RESU v6, v0                   ; back into the body, after its PERF

; --- 3. a tail-resumptive handler --------------------------------------
asking:
    LI  v2, 0x40
    LIH v2, 0x01
    SETTAG v2, PTR                ; PTR 0x0140: "\nAsked 20, answered "
    CALL v5, v2
    INSTT 8, 1, answer
    LI  v0, 20
    PERF 8, 1, v0                 ; "ask": a call, nothing captured
    UNIN 8, 1
    MOV v3, v0
    LI  v4, 10
    LI  v6, '0'
    DIV v0, v3, v4                ; tens (v0.5)
    ADD v0, v0, v6
    PERF 2, 0, v0
    REM v0, v3, v4                ; ones (v0.5)
    ADD v0, v0, v6
    PERF 2, 0, v0
    LI  v0, '\n'
    PERF 2, 0, v0
    HALT

answer:                           ; v0 = the question: answer 2 * 20 + 2
    ADD v0, v0, v0
    LI  v2, 2
    ADD v0, v0, v2
    RET v0

.org 0x0100
greeting:
    .asciz "Hello from the effects-native machine!\nYielded: "
.org 0x0140
asked:
    .asciz "\nAsked 20, answered "
