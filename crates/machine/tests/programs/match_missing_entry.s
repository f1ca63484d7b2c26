; A missing table entry traps (§9): the table's `_` entry for index 1.
; expect-outcome: trapped: MATCH has no entry for this index
; expect-trap-pc: 0x0002
    ALLOC v1, SUM, 0
    SETV v1, 1
    MATCH v0, v1, 0
    .table zero, _, two
zero:
two:
    HALT
