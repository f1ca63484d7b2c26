//! The instruction table: the one place the instruction set is declared.
//!
//! Each row gives the Rust name, the 5-bit opcode (and, for the v0.5
//! groups that share an opcode, the sub-function value and its bit
//! position), the mnemonic, the encoding form of §7, the ISA version that
//! introduced it, the operand fields with their kinds and low-bit
//! positions, and the semantics in the words of §8 (or of
//! `docs/isa-decisions.md` for extensions). Encoder, decoder, assembler,
//! disassembler and the machine's dispatch all derive from these rows.
//!
//! Field positions of the five forms (§7), bit 15 on the left:
//!
//! ```text
//! R3     opcode(5) vd(3) vs(3) vt(3) reserved(2)
//! RR5    opcode(5) vd(3) vs(3) imm5(5)
//! RI8    opcode(5) vd(3) imm8(8)
//! J11    opcode(5) imm11(11)
//! E      opcode(5) family(4) op(4) hpc3/vr(3)
//! ```
//!
//! The custom forms of §8 keep the order the spec lists their fields in:
//! ALLOC `opcode vd(3) layout(4) n(4)`, SETTAG `opcode vd(3) tag(3)
//! reserved(5)`, INC/DEC `opcode vd(3) vs(3) imm4(4) reserved(1)`. The v0.5
//! frame and system groups are `opcode vd(3) funct(2) slot/csr(6)`; the v0.5 R3 groups put
//! their sub-function in R3's two reserved bits.
//!
//! Bits a row does not assign must be zero: a word with a stray reserved
//! bit is illegal, which keeps decoding a bijection onto legal words.

use crate::{
    FieldValue, Form, InstructionSpec, IsaVersion, OperandField, OperandKind, Operands, SubFunction,
};

instruction_set! {
    Li = 0x00, "LI", RI8, V0_4, (vd: Register @ 8, imm8: SignedImmediate8 @ 0),
        "vd ← (INT, sign-ext(imm8))";
    Lih = 0x01, "LIH", RI8, V0_4, (vd: Register @ 8, imm8: UnsignedImmediate8 @ 0),
        "vd.v ← (vd.v & 0xFF) | (imm8 << 8); the tag is unchanged";
    Add = 0x02, "ADD", R3, V0_4, (vd: Register @ 8, vs: Register @ 5, vt: Register @ 2),
        "vd ← (INT, vs.v + vt.v), wrapping; both must be INT";
    Sub = 0x03, "SUB", R3, V0_4, (vd: Register @ 8, vs: Register @ 5, vt: Register @ 2),
        "vd ← (INT, vs.v - vt.v), wrapping; both must be INT";
    Bz = 0x04, "BZ", RI8, V0_4, (vs: Register @ 8, off8: BranchOffset8 @ 0),
        "if vs.v == 0 then pc ← pc + 1 + sext(off8); any tag";
    Jmp = 0x05, "JMP", J11, V0_4, (off11: JumpOffset11 @ 0),
        "pc ← pc + 1 + sext(off11)";
    Ld = 0x06, "LD", RR5, V0_4, (vd: Register @ 8, vs: Register @ 5, off5: MemoryOffset5 @ 0),
        "vd ← (INT, mem[vs.v + sext(off5)]); vs must be PTR, CONT or CLOSURE";
    St = 0x07, "ST", RR5, V0_4, (vd: Register @ 8, vs: Register @ 5, off5: MemoryOffset5 @ 0),
        "mem[vs.v + sext(off5)] ← vd.v; vs must be PTR; the tag of vd is discarded";
    Alloc = 0x08, "ALLOC", Custom, V0_4, (vd: Register @ 8, layout: Layout @ 4, n: Count4 @ 0),
        "bump-allocate a header and n payload words; vd ← (PTR, hp + 1); n = 15 takes the payload size from vd (INT) and stores it in the word after the header";
    Mov = 0x09, "MOV", R3, V0_4, (vd: Register @ 8, vs: Register @ 5),
        "vd ← vs (tag and value)";
    Call = 0x0A, "CALL", R3, V0_4, (vf: Register @ 8, va: Register @ 5),
        "vf must be CLOSURE; push return pc, v6.v, v6.tag; v6 ← vf; v0 ← va; pc ← mem[vf.v]";
    Ret = 0x0B, "RET", RI8, V0_4, (va: Register @ 8),
        "pop v6.tag, v6.v, return pc; v0 ← va; pc ← return pc";
    Match = 0x0C, "MATCH", RR5, V0_4, (vd: Register @ 8, vs: Register @ 5, tbl5: TableOffset5 @ 0),
        "index ← variant byte of vs's header if vs is PTR, else vs's tag; pc ← pc + 1 + table[index], the table at pc + 1 + tbl5";
    Inst = 0x0D, "INST", E, V0_4, (family: Family @ 7, op: EffectOp @ 3, hpc3: HandlerOffset3 @ 0),
        "install a handler for (family, op) at pc + 1 + sext(hpc3), recording the prompt sp and v6, with the next install-ID";
    Unin = 0x0E, "UNIN", E, V0_4, (family: Family @ 7, op: EffectOp @ 3),
        "uninstall the most recently installed handler for (family, op)";
    Perf = 0x0F, "PERF", E, V0_4, (family: Family @ 7, op: EffectOp @ 3, vr: Register @ 0),
        "perform (family, op) with argument vr: installed handler, else the effect table's Local, Remote or Unhandled";
    Resu = 0x10, "RESU", R3, V0_4, (vk: Register @ 8, vv: Register @ 5),
        "vk must be an unused CONT; mark it used; restore its registers, stack slice and handler frames; v0 ← vv; pc ← saved pc";
    Setv = 0x11, "SETV", RI8, V0_4, (vd: Register @ 8, variant8: UnsignedImmediate8 @ 0),
        "set the variant byte of the header at vd.v - 1; vd must be PTR";
    Settag = 0x12, "SETTAG", Custom, V0_4, (vd: Register @ 8, tag: Tag @ 5),
        "vd.tag ← tag (the value is unchanged)";
    Halt = 0x13, "HALT", J11, V0_4, (),
        "stop the core until a packet arrives; the run ends when every core is halted and nothing is in flight";
    And = 0x14, "AND", R3, V0_4, (vd: Register @ 8, vs: Register @ 5, vt: Register @ 2),
        "vd ← (INT, vs.v & vt.v); both must be INT";
    Or = 0x15, "OR", R3, V0_4, (vd: Register @ 8, vs: Register @ 5, vt: Register @ 2),
        "vd ← (INT, vs.v | vt.v); both must be INT";
    Xor = 0x16, "XOR", R3, V0_4, (vd: Register @ 8, vs: Register @ 5, vt: Register @ 2),
        "vd ← (INT, vs.v ^ vt.v); both must be INT";
    Shl = 0x17, "SHL", R3, V0_4, (vd: Register @ 8, vs: Register @ 5, vt: Register @ 2),
        "vd ← (INT, vs.v << (vt.v & 15)); both must be INT";
    Shr = 0x18, "SHR", R3, V0_4, (vd: Register @ 8, vs: Register @ 5, vt: Register @ 2),
        "vd ← (INT, vs.v >> (vt.v & 15)), logical; both must be INT";
    Inc = 0x19, "INC", Custom, V0_4, (vd: Register @ 8, vs: Register @ 5, imm4: UnsignedImmediate4 @ 1),
        "vd ← (PTR, vs.v + imm4); vs must be PTR";
    Dec = 0x1A, "DEC", Custom, V0_4, (vd: Register @ 8, vs: Register @ 5, imm4: UnsignedImmediate4 @ 1),
        "vd ← (PTR, vs.v - imm4); vs must be PTR";
    Lds = 0x1B / 0 @ 6 : 2, "LDS", Custom, V0_5, (vd: Register @ 8, slot: Slot6 @ 0),
        "vd ← stack slot `slot` (value at sp + 2·slot, tag at sp + 2·slot + 1)";
    Sts = 0x1B / 1 @ 6 : 2, "STS", Custom, V0_5, (vs: Register @ 8, slot: Slot6 @ 0),
        "stack slot `slot` ← vs (value and tag)";
    Enter = 0x1B / 2 @ 6 : 2, "ENTER", Custom, V0_5, (count: Slot6 @ 0),
        "sp ← sp - 2·count: reserve `count` tagged stack slots";
    Leave = 0x1B / 3 @ 6 : 2, "LEAVE", Custom, V0_5, (count: Slot6 @ 0),
        "sp ← sp + 2·count: release `count` tagged stack slots";
    Tcall = 0x1C / 0 @ 0 : 2, "TCALL", R3, V0_5, (vf: Register @ 8, va: Register @ 5),
        "tail call: vf must be CLOSURE; v6 ← vf; v0 ← va; pc ← mem[vf.v]; nothing is pushed";
    Jmpa = 0x1C / 1 @ 0 : 2, "JMPA", R3, V0_5, trailing 1, (),
        "pc ← mem[pc + 1]: jump to the absolute address in the next word";
    Resus = 0x1C / 2 @ 0 : 2, "RESUS", R3, V0_5, (vk: Register @ 8, vv: Register @ 5),
        "resume shallowly: as RESU, but the catching handler's own frames are not reinstalled";
    Cas = 0x1C / 3 @ 0 : 2, "CAS", R3, V0_5, (vd: Register @ 8, vs: Register @ 5, vt: Register @ 2),
        "compare-and-swap, atomically: vs must be PTR; if mem[vs.v] == vd.v then mem[vs.v] ← vt.v; vd ← (BOOL, 1 if it stored else 0)";
    Mul = 0x1D / 0 @ 0 : 2, "MUL", R3, V0_5, (vd: Register @ 8, vs: Register @ 5, vt: Register @ 2),
        "vd ← (INT, vs.v × vt.v), wrapping; both must be INT";
    Div = 0x1D / 1 @ 0 : 2, "DIV", R3, V0_5, (vd: Register @ 8, vs: Register @ 5, vt: Register @ 2),
        "vd ← (INT, vs.v ÷ vt.v), signed, rounding toward zero; both must be INT; a zero divisor faults";
    Rem = 0x1D / 2 @ 0 : 2, "REM", R3, V0_5, (vd: Register @ 8, vs: Register @ 5, vt: Register @ 2),
        "vd ← (INT, vs.v rem vt.v), signed, with the sign of vs; both must be INT; a zero divisor faults";
    Slt = 0x1D / 3 @ 0 : 2, "SLT", R3, V0_5, (vd: Register @ 8, vs: Register @ 5, vt: Register @ 2),
        "vd ← (BOOL, 1 if vs.v < vt.v signed else 0); both must be INT";
    Instt = 0x1E, "INSTT", E, V0_5, (family: Family @ 7, op: EffectOp @ 3, hpc3: HandlerOffset3 @ 0),
        "as INST, but the handler is tail-resumptive: PERF calls it like CALL, capturing nothing, and it returns with RET";
    Csrr = 0x1F / 0 @ 6 : 2, "CSRR", Custom, V0_5, (vd: Register @ 8, csr: ControlRegister @ 0),
        "vd ← (INT, control register csr)";
    Csrw = 0x1F / 1 @ 6 : 2, "CSRW", Custom, V0_5, (vs: Register @ 8, csr: ControlRegister @ 0),
        "control register csr ← vs.v (read-only registers and a busy spill region fault)";
}
