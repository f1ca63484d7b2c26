; The same word is ENTER 1 in v0.5: two stack words are reserved.
; expect-outcome: halted
; expect-stat: peak_stack_words = 2
    LI v0, 1
    .insn 0xD881
    LEAVE 1
    HALT
