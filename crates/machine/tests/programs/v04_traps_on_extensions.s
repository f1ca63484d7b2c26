; In strict v0.4 mode the reserved opcodes are illegal: 0xD881 is the v0.5
; instruction ENTER 1 (opcode 0x1B, sub-function 2, count 1).
; isa: v0.4
; expect-outcome: trapped: illegal instruction
; expect-trap-pc: 0x0001
    LI v0, 1
    .insn 0xD881
    HALT
