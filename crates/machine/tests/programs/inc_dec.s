; INC and DEC add to and subtract from a PTR and give a PTR (§8). The
; program is 5 words: the record is at PTR 6.
; expect-register: v1 = PTR 0x0009
; expect-register: v2 = PTR 0xfffa
; expect-register: v3 = PTR 0x0015
    ALLOC v0, RECORD, 4
    INC v1, v0, 3
    DEC v2, v1, 15
    INC v3, v1, 12
    HALT
