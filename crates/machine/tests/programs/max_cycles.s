; A run stops at the cycle limit, exactly.
; max-cycles: 1000
; expect-outcome: cycle-limit
; expect-cycles: 1000
; expect-instructions: 1000
loop:
    JMP loop
