; v0.5 stack slots (gap 1): ENTER reserves tagged slots of two words
; (value, then tag), STS and LDS keep the tag, LEAVE releases them. The
; program is 11 words: the record is at PTR 12.
; expect-register: v3 = PTR 0x000c
; expect-register: v4 = INT -5
; expect-memory: 0xf9fc = 0x000c
; expect-memory: 0xf9fd = 0x0001
; expect-memory: 0xf9fe = 0xfffb
; expect-memory: 0xf9ff = 0x0000
; expect-stat: peak_stack_words = 4
    ENTER 2
    ALLOC v1, RECORD, 0
    STS v1, 0
    LI v2, -5
    STS v2, 1
    LI v1, 0
    LI v2, 0
    LDS v3, 0
    LDS v4, 1
    LEAVE 2
    HALT
