; An index past the end of the table traps (§9): BOOL is index 5 and the
; table has 2 entries.
; expect-outcome: trapped: MATCH has no entry for this index
; expect-trap-pc: 0x0001
    SETTAG v0, BOOL
    MATCH v7, v0, 0
    .table a, b
a:
b:
    HALT
