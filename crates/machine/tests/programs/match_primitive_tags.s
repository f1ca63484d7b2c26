; MATCH on anything but a PTR indexes by the tag itself (§9): INT 0,
; CLOSURE 3, UNIT 4, BOOL 5. Entries the program never needs are missing.
; expect-register: v1 = INT 1
; expect-register: v2 = INT 4
; expect-register: v3 = INT 5
; expect-register: v4 = INT 3
    LI v0, 77
    MATCH v7, v0, 0
    .table int_case, _, _, _, _, _
int_case:
    LI v1, 1
    SETTAG v0, UNIT
    MATCH v7, v0, 0
    .table _, _, _, _, unit_case
unit_case:
    LI v2, 4
    SETTAG v0, BOOL
    MATCH v7, v0, 0
    .table _, _, _, _, _, bool_case
bool_case:
    LI v3, 5
    SETTAG v0, CLOSURE
    MATCH v7, v0, 0
    .table _, _, _, closure_case
closure_case:
    LI v4, 3
    HALT
