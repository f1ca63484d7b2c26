//! Pre-decoded instructions: what the dispatch loop matches on.
//!
//! Every memory word has a slot holding its [`Op`]. Slots start as
//! [`Op::NotDecoded`] and are filled the first time the word executes, from
//! the ISA table's decoder ([`cml_isa::decode`]); every store to a word
//! resets its slot, so self-modifying code and loaded data stay correct.
//! An `Op` depends only on its word and its address: pc-relative targets
//! are resolved to absolute addresses here, once. Words a MATCH or JMPA
//! reads at run time (tables, JMPA's address) are read from memory when
//! they execute, so no slot depends on another word.

use cml_isa::{EffectId, Instruction, IsaVersion};

/// A register number, 0..=7.
pub(crate) type Reg = u8;

/// One instruction, ready to execute. Small and `Copy` so that the dispatch
/// loop reads it in one load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// The slot has not been decoded since the word last changed.
    NotDecoded,
    /// The word is not an instruction in the running ISA version.
    Illegal,
    Li {
        vd: Reg,
        value: u16,
    },
    Lih {
        vd: Reg,
        high: u8,
    },
    Add {
        vd: Reg,
        vs: Reg,
        vt: Reg,
    },
    Sub {
        vd: Reg,
        vs: Reg,
        vt: Reg,
    },
    And {
        vd: Reg,
        vs: Reg,
        vt: Reg,
    },
    Or {
        vd: Reg,
        vs: Reg,
        vt: Reg,
    },
    Xor {
        vd: Reg,
        vs: Reg,
        vt: Reg,
    },
    Shl {
        vd: Reg,
        vs: Reg,
        vt: Reg,
    },
    Shr {
        vd: Reg,
        vs: Reg,
        vt: Reg,
    },
    Mul {
        vd: Reg,
        vs: Reg,
        vt: Reg,
    },
    Div {
        vd: Reg,
        vs: Reg,
        vt: Reg,
    },
    Rem {
        vd: Reg,
        vs: Reg,
        vt: Reg,
    },
    Slt {
        vd: Reg,
        vs: Reg,
        vt: Reg,
    },
    Bz {
        vs: Reg,
        target: u16,
    },
    Jmp {
        target: u16,
    },
    Jmpa,
    Ld {
        vd: Reg,
        vs: Reg,
        offset: i8,
    },
    St {
        vd: Reg,
        vs: Reg,
        offset: i8,
    },
    Alloc {
        vd: Reg,
        layout: u8,
        count: u8,
    },
    Mov {
        vd: Reg,
        vs: Reg,
    },
    Call {
        vf: Reg,
        va: Reg,
    },
    Tcall {
        vf: Reg,
        va: Reg,
    },
    Ret {
        va: Reg,
    },
    Match {
        vs: Reg,
        table: u16,
    },
    Inst {
        effect: u8,
        handler: u16,
        tail_resumptive: bool,
    },
    Unin {
        effect: u8,
    },
    Perf {
        effect: u8,
        vr: Reg,
    },
    Resu {
        vk: Reg,
        vv: Reg,
        shallow: bool,
    },
    Setv {
        vd: Reg,
        variant: u8,
    },
    Settag {
        vd: Reg,
        tag: u8,
    },
    Halt,
    Inc {
        vd: Reg,
        vs: Reg,
        amount: u8,
    },
    Dec {
        vd: Reg,
        vs: Reg,
        amount: u8,
    },
    Lds {
        vd: Reg,
        slot: u8,
    },
    Sts {
        vs: Reg,
        slot: u8,
    },
    Enter {
        count: u8,
    },
    Leave {
        count: u8,
    },
    Csrr {
        vd: Reg,
        csr: u8,
    },
    Csrw {
        vs: Reg,
        csr: u8,
    },
}

/// The effect index (family·16 + op) of an effect.
fn index(family: u8, op: u8) -> u8 {
    EffectId::new(family, op).index() as u8
}

/// Decodes the word at `address` for a machine running `isa`.
pub(crate) fn predecode(word: u16, address: u16, isa: IsaVersion) -> Op {
    let Ok(instruction) = cml_isa::decode(word) else {
        return Op::Illegal;
    };
    if instruction.version() > isa {
        return Op::Illegal;
    }
    let next = address.wrapping_add(1);
    let relative = |offset: i16| next.wrapping_add(offset as u16);
    let r = |register: cml_isa::Register| register.index() as Reg;
    match instruction {
        Instruction::Li { vd, imm8 } => Op::Li {
            vd: r(vd),
            value: imm8 as u16,
        },
        Instruction::Lih { vd, imm8 } => Op::Lih {
            vd: r(vd),
            high: imm8,
        },
        Instruction::Add { vd, vs, vt } => Op::Add {
            vd: r(vd),
            vs: r(vs),
            vt: r(vt),
        },
        Instruction::Sub { vd, vs, vt } => Op::Sub {
            vd: r(vd),
            vs: r(vs),
            vt: r(vt),
        },
        Instruction::And { vd, vs, vt } => Op::And {
            vd: r(vd),
            vs: r(vs),
            vt: r(vt),
        },
        Instruction::Or { vd, vs, vt } => Op::Or {
            vd: r(vd),
            vs: r(vs),
            vt: r(vt),
        },
        Instruction::Xor { vd, vs, vt } => Op::Xor {
            vd: r(vd),
            vs: r(vs),
            vt: r(vt),
        },
        Instruction::Shl { vd, vs, vt } => Op::Shl {
            vd: r(vd),
            vs: r(vs),
            vt: r(vt),
        },
        Instruction::Shr { vd, vs, vt } => Op::Shr {
            vd: r(vd),
            vs: r(vs),
            vt: r(vt),
        },
        Instruction::Mul { vd, vs, vt } => Op::Mul {
            vd: r(vd),
            vs: r(vs),
            vt: r(vt),
        },
        Instruction::Div { vd, vs, vt } => Op::Div {
            vd: r(vd),
            vs: r(vs),
            vt: r(vt),
        },
        Instruction::Rem { vd, vs, vt } => Op::Rem {
            vd: r(vd),
            vs: r(vs),
            vt: r(vt),
        },
        Instruction::Slt { vd, vs, vt } => Op::Slt {
            vd: r(vd),
            vs: r(vs),
            vt: r(vt),
        },
        Instruction::Bz { vs, off8 } => Op::Bz {
            vs: r(vs),
            target: relative(off8),
        },
        Instruction::Jmp { off11 } => Op::Jmp {
            target: relative(off11),
        },
        Instruction::Jmpa {} => Op::Jmpa,
        Instruction::Ld { vd, vs, off5 } => Op::Ld {
            vd: r(vd),
            vs: r(vs),
            offset: off5 as i8,
        },
        Instruction::St { vd, vs, off5 } => Op::St {
            vd: r(vd),
            vs: r(vs),
            offset: off5 as i8,
        },
        Instruction::Alloc { vd, layout, n } => Op::Alloc {
            vd: r(vd),
            layout: layout.code(),
            count: n,
        },
        Instruction::Mov { vd, vs } => Op::Mov {
            vd: r(vd),
            vs: r(vs),
        },
        Instruction::Call { vf, va } => Op::Call {
            vf: r(vf),
            va: r(va),
        },
        Instruction::Tcall { vf, va } => Op::Tcall {
            vf: r(vf),
            va: r(va),
        },
        Instruction::Ret { va } => Op::Ret { va: r(va) },
        Instruction::Match { vd: _, vs, tbl5 } => Op::Match {
            vs: r(vs),
            table: next.wrapping_add(tbl5 as u16),
        },
        Instruction::Inst { family, op, hpc3 } => Op::Inst {
            effect: index(family, op),
            handler: relative(hpc3),
            tail_resumptive: false,
        },
        Instruction::Instt { family, op, hpc3 } => Op::Inst {
            effect: index(family, op),
            handler: relative(hpc3),
            tail_resumptive: true,
        },
        Instruction::Unin { family, op } => Op::Unin {
            effect: index(family, op),
        },
        Instruction::Perf { family, op, vr } => Op::Perf {
            effect: index(family, op),
            vr: r(vr),
        },
        Instruction::Resu { vk, vv } => Op::Resu {
            vk: r(vk),
            vv: r(vv),
            shallow: false,
        },
        Instruction::Resus { vk, vv } => Op::Resu {
            vk: r(vk),
            vv: r(vv),
            shallow: true,
        },
        Instruction::Setv { vd, variant8 } => Op::Setv {
            vd: r(vd),
            variant: variant8,
        },
        Instruction::Settag { vd, tag } => Op::Settag {
            vd: r(vd),
            tag: tag.code(),
        },
        Instruction::Halt {} => Op::Halt,
        Instruction::Inc { vd, vs, imm4 } => Op::Inc {
            vd: r(vd),
            vs: r(vs),
            amount: imm4,
        },
        Instruction::Dec { vd, vs, imm4 } => Op::Dec {
            vd: r(vd),
            vs: r(vs),
            amount: imm4,
        },
        Instruction::Lds { vd, slot } => Op::Lds { vd: r(vd), slot },
        Instruction::Sts { vs, slot } => Op::Sts { vs: r(vs), slot },
        Instruction::Enter { count } => Op::Enter { count },
        Instruction::Leave { count } => Op::Leave { count },
        Instruction::Csrr { vd, csr } => Op::Csrr { vd: r(vd), csr },
        Instruction::Csrw { vs, csr } => Op::Csrw { vs: r(vs), csr },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_op_fits_in_eight_bytes() {
        assert!(
            std::mem::size_of::<Op>() <= 8,
            "{}",
            std::mem::size_of::<Op>()
        );
    }

    #[test]
    fn targets_count_from_the_next_instruction() {
        let jmp = Instruction::Jmp { off11: -1 }.encode();
        assert_eq!(predecode(jmp, 10, IsaVersion::V0_4), Op::Jmp { target: 10 });
        let inst = Instruction::Inst {
            family: 2,
            op: 0,
            hpc3: 1,
        }
        .encode();
        assert_eq!(
            predecode(inst, 100, IsaVersion::V0_4),
            Op::Inst {
                effect: 0x20,
                handler: 102,
                tail_resumptive: false
            }
        );
    }

    #[test]
    fn extensions_are_illegal_in_v0_4() {
        let word = Instruction::Enter { count: 1 }.encode();
        assert_eq!(predecode(word, 0, IsaVersion::V0_4), Op::Illegal);
        assert_eq!(predecode(word, 0, IsaVersion::V0_5), Op::Enter { count: 1 });
    }
}
