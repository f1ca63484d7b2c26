; The book's chapter 9 example: at boot, effect (2, 0) is bound to
; Remote(0x10, 0x01), the UART's transmit op. PERF finds no installed
; handler, reads the effect table and emits a packet; nothing is captured.
; Cycles (docs/cost-model.md): LI 1; PERF 1 + CAM search 1 + table read 6;
; HALT 1.
; isa: v0.4
; expect-outcome: halted
; expect-output: A
; expect-instructions: 3
; expect-cycles: 10
; expect-stat: performs_remote = 1
; expect-stat: continuations_captured = 0
; expect-stat: effect_table_lookups = 1
    LI    v0, 0x41           ; 'A'
    PERF  family=2, op=0, v0
    HALT
