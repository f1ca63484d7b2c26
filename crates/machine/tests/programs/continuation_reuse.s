; A consumed continuation's record is reused by the next capture
; (docs/isa-decisions.md, gap 7): 1000 PERF/RESU round trips allocate one
; record of 27 payload words + header + size word = 29 heap words.
; expect-register: v3 = INT 0
; expect-stat: continuations_captured = 1000
; expect-stat: continuations_recycled = 999
; expect-stat: resumes = 1000
; expect-stat: peak_heap_words = 29
    INST 8, 0, +1
    JMP main
    JMP handler
main:
    LI  v3, 0xE8
    LIH v3, 0x03              ; 1000
    LI  v2, 1
loop:
    PERF 8, 0, v0
    SUB v3, v3, v2
    BZ  v3, done
    JMP loop
done:
    HALT
handler:
    RESU v1, v0
