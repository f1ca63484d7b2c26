; Without v0.5's MUL, multiplication is a shift-and-add loop: 6 or 7
; instructions per bit of the multiplier (docs/isa-decisions.md, gap 3).
; 123 x 45: 45 = 101101b, four 1 bits (7 instructions each) and two 0 bits
; (6 each) = 40, plus 4 LIs, the final BZ and HALT = 46. MUL does it in 1.
; isa: v0.4
; expect-register: v2 = INT 5535
; expect-instructions: 46
    LI v0, 123
    LI v1, 45
    LI v2, 0
    LI v3, 1
loop:
    BZ  v1, done
    AND v4, v1, v3
    BZ  v4, skip
    ADD v2, v2, v0
skip:
    SHL v0, v0, v3
    SHR v1, v1, v3
    JMP loop
done:
    HALT
