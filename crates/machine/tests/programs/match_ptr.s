; MATCH on a PTR indexes its jump table by the variant byte of the header
; at vs - 1 (§9); SETV rewrote the variant to 2.
; expect-register: v2 = INT 12
    ALLOC v1, SUM, 1
    SETV v1, 2
    MATCH v0, v1, 0
    .table case0, case1, case2
case0:
    LI v2, 10
    HALT
case1:
    LI v2, 11
    HALT
case2:
    LI v2, 12
    HALT
