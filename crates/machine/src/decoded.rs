//! Pre-decoded instructions: what the dispatch loop matches on.
//!
//! Every memory word has a slot holding its [`Op`]. Slots start as
//! [`Op::NotDecoded`] and are filled the first time the word executes, from
//! the ISA table's decoder ([`cml_isa::decode`]); every store to a word
//! resets its slot, so self-modifying code and loaded data stay correct.
//! An `Op` depends only on its word and its address: pc-relative targets
//! are resolved to absolute addresses here, once. Words a MATCH or JMPA
//! reads at run time (tables, JMPA's address) are read from memory when
//! they execute.
//!
//! The one exception is a fused sequence ([`with_fused_pairs`]): the slot
//! of a word whose instruction is commonly followed by another (ADD then
//! CALL, BZ then JMP), or by two (ADD, XOR, RET), gets a kind naming them
//! all, so that the dispatch loop runs them in one dispatch. Such a slot
//! depends on its word and the next one or two, so a store resets the
//! stored word's slot and makes the two slots before it keep only the
//! instructions before the word ([`forget_word`]): they are not reset, as
//! a fused slot before them may read operands from them. While a slot
//! holds a sequence, the next slots are decoded too (the loop reads the
//! later instructions' operands from them). Fusing changes nothing a
//! program can observe: each instruction is issued and counted as its
//! own, and everything but the dispatch loop sees only the first.

use cml_isa::{EffectId, Instruction, IsaVersion};

use crate::DECODED_SLOTS;

const ADDRESS_MASK: usize = 0xFFFF;

/// A register number. An enum rather than a `u8` so that the compiler
/// knows it is below 8: indexing the eight registers needs neither a mask
/// nor a bounds check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[repr(u8)]
pub(crate) enum Reg {
    #[default]
    V0,
    V1,
    V2,
    V3,
    V4,
    V5,
    V6,
    V7,
}

impl Reg {
    /// The register with this number (only the low three bits count).
    pub(crate) const fn from_index(index: usize) -> Reg {
        match index & 7 {
            0 => Reg::V0,
            1 => Reg::V1,
            2 => Reg::V2,
            3 => Reg::V3,
            4 => Reg::V4,
            5 => Reg::V5,
            6 => Reg::V6,
            _ => Reg::V7,
        }
    }
}

/// The fused sequences. `(Pair, First, Second)` makes `Kind::Pair` the
/// slot of a `First` instruction immediately followed by a `Second`; the
/// dispatch loop runs both halves in one dispatch; everything else (the
/// reference implementation, traces, faults) sees only the first half.
///
/// A first half never writes memory (so it cannot change the second half's
/// word under it) and never leaves the straight line except BZ, whose
/// not-taken case falls into the second half. The list is the commonest
/// sequences: ALU + ALU, LI or MOV + ALU (loading an operand), ALU + BZ
/// (compare and branch), ALU + CALL/RET/JMP (set up a call, a result or a
/// loop counter), BZ + JMP.
///
/// After the `;`, `(Triple, Pair, First, Second, Third)` makes
/// `Kind::Triple` the slot of the pair `Pair` (`First`, `Second`) whose
/// next slot holds the pair (`Second`, `Third`): three instructions in one
/// dispatch. The one rule is the end of a basic block: two instructions
/// that compute (LI, MOV or ALU, then ALU) and the transfer that leaves
/// the block, RET (a function's result), JMP (a loop's step) or CALL (its
/// argument). BZ is left out: a triple ending in BZ would take the BZ out
/// of the BZ + JMP pair that usually follows, for no fewer dispatches.
///
/// `with_fused_pairs!(m(args))` calls `m!(args; pairs; triples)`, so that
/// the kinds, the fusing rule and the dispatch loop's arms come from this
/// one table.
macro_rules! with_fused_pairs {
    ($callback:ident($($args:tt)*)) => {
        $callback! {
            $($args)*;
            (LiAdd, Li, Add), (LiSub, Li, Sub), (LiAnd, Li, And), (LiOr, Li, Or),
            (LiXor, Li, Xor), (LiBz, Li, Bz), (LiJmp, Li, Jmp), (LiCall, Li, Call),
            (LiRet, Li, Ret),
            (MovAdd, Mov, Add), (MovSub, Mov, Sub), (MovAnd, Mov, And), (MovOr, Mov, Or),
            (MovXor, Mov, Xor), (MovBz, Mov, Bz), (MovJmp, Mov, Jmp), (MovCall, Mov, Call),
            (MovRet, Mov, Ret),
            (AddAdd, Add, Add), (AddSub, Add, Sub), (AddAnd, Add, And), (AddOr, Add, Or),
            (AddXor, Add, Xor), (AddBz, Add, Bz), (AddJmp, Add, Jmp), (AddCall, Add, Call),
            (AddRet, Add, Ret),
            (SubAdd, Sub, Add), (SubSub, Sub, Sub), (SubAnd, Sub, And), (SubOr, Sub, Or),
            (SubXor, Sub, Xor), (SubBz, Sub, Bz), (SubJmp, Sub, Jmp), (SubCall, Sub, Call),
            (SubRet, Sub, Ret),
            (AndAdd, And, Add), (AndSub, And, Sub), (AndAnd, And, And), (AndOr, And, Or),
            (AndXor, And, Xor), (AndBz, And, Bz), (AndJmp, And, Jmp), (AndCall, And, Call),
            (AndRet, And, Ret),
            (OrAdd, Or, Add), (OrSub, Or, Sub), (OrAnd, Or, And), (OrOr, Or, Or),
            (OrXor, Or, Xor), (OrBz, Or, Bz), (OrJmp, Or, Jmp), (OrCall, Or, Call),
            (OrRet, Or, Ret),
            (XorAdd, Xor, Add), (XorSub, Xor, Sub), (XorAnd, Xor, And), (XorOr, Xor, Or),
            (XorXor, Xor, Xor), (XorBz, Xor, Bz), (XorJmp, Xor, Jmp), (XorCall, Xor, Call),
            (XorRet, Xor, Ret),
            (SltBz, Slt, Bz), (BzJmp, Bz, Jmp);
            (LiAddRet, LiAdd, Li, Add, Ret), (LiSubRet, LiSub, Li, Sub, Ret),
            (LiAndRet, LiAnd, Li, And, Ret), (LiOrRet, LiOr, Li, Or, Ret),
            (LiXorRet, LiXor, Li, Xor, Ret),
            (MovAddRet, MovAdd, Mov, Add, Ret), (MovSubRet, MovSub, Mov, Sub, Ret),
            (MovAndRet, MovAnd, Mov, And, Ret), (MovOrRet, MovOr, Mov, Or, Ret),
            (MovXorRet, MovXor, Mov, Xor, Ret),
            (AddAddRet, AddAdd, Add, Add, Ret), (AddSubRet, AddSub, Add, Sub, Ret),
            (AddAndRet, AddAnd, Add, And, Ret), (AddOrRet, AddOr, Add, Or, Ret),
            (AddXorRet, AddXor, Add, Xor, Ret),
            (SubAddRet, SubAdd, Sub, Add, Ret), (SubSubRet, SubSub, Sub, Sub, Ret),
            (SubAndRet, SubAnd, Sub, And, Ret), (SubOrRet, SubOr, Sub, Or, Ret),
            (SubXorRet, SubXor, Sub, Xor, Ret),
            (AndAddRet, AndAdd, And, Add, Ret), (AndSubRet, AndSub, And, Sub, Ret),
            (AndAndRet, AndAnd, And, And, Ret), (AndOrRet, AndOr, And, Or, Ret),
            (AndXorRet, AndXor, And, Xor, Ret),
            (OrAddRet, OrAdd, Or, Add, Ret), (OrSubRet, OrSub, Or, Sub, Ret),
            (OrAndRet, OrAnd, Or, And, Ret), (OrOrRet, OrOr, Or, Or, Ret),
            (OrXorRet, OrXor, Or, Xor, Ret),
            (XorAddRet, XorAdd, Xor, Add, Ret), (XorSubRet, XorSub, Xor, Sub, Ret),
            (XorAndRet, XorAnd, Xor, And, Ret), (XorOrRet, XorOr, Xor, Or, Ret),
            (XorXorRet, XorXor, Xor, Xor, Ret),
            (LiAddJmp, LiAdd, Li, Add, Jmp), (LiSubJmp, LiSub, Li, Sub, Jmp),
            (LiAndJmp, LiAnd, Li, And, Jmp), (LiOrJmp, LiOr, Li, Or, Jmp),
            (LiXorJmp, LiXor, Li, Xor, Jmp),
            (MovAddJmp, MovAdd, Mov, Add, Jmp), (MovSubJmp, MovSub, Mov, Sub, Jmp),
            (MovAndJmp, MovAnd, Mov, And, Jmp), (MovOrJmp, MovOr, Mov, Or, Jmp),
            (MovXorJmp, MovXor, Mov, Xor, Jmp),
            (AddAddJmp, AddAdd, Add, Add, Jmp), (AddSubJmp, AddSub, Add, Sub, Jmp),
            (AddAndJmp, AddAnd, Add, And, Jmp), (AddOrJmp, AddOr, Add, Or, Jmp),
            (AddXorJmp, AddXor, Add, Xor, Jmp),
            (SubAddJmp, SubAdd, Sub, Add, Jmp), (SubSubJmp, SubSub, Sub, Sub, Jmp),
            (SubAndJmp, SubAnd, Sub, And, Jmp), (SubOrJmp, SubOr, Sub, Or, Jmp),
            (SubXorJmp, SubXor, Sub, Xor, Jmp),
            (AndAddJmp, AndAdd, And, Add, Jmp), (AndSubJmp, AndSub, And, Sub, Jmp),
            (AndAndJmp, AndAnd, And, And, Jmp), (AndOrJmp, AndOr, And, Or, Jmp),
            (AndXorJmp, AndXor, And, Xor, Jmp),
            (OrAddJmp, OrAdd, Or, Add, Jmp), (OrSubJmp, OrSub, Or, Sub, Jmp),
            (OrAndJmp, OrAnd, Or, And, Jmp), (OrOrJmp, OrOr, Or, Or, Jmp),
            (OrXorJmp, OrXor, Or, Xor, Jmp),
            (XorAddJmp, XorAdd, Xor, Add, Jmp), (XorSubJmp, XorSub, Xor, Sub, Jmp),
            (XorAndJmp, XorAnd, Xor, And, Jmp), (XorOrJmp, XorOr, Xor, Or, Jmp),
            (XorXorJmp, XorXor, Xor, Xor, Jmp),
            (LiAddCall, LiAdd, Li, Add, Call), (LiSubCall, LiSub, Li, Sub, Call),
            (LiAndCall, LiAnd, Li, And, Call), (LiOrCall, LiOr, Li, Or, Call),
            (LiXorCall, LiXor, Li, Xor, Call),
            (MovAddCall, MovAdd, Mov, Add, Call), (MovSubCall, MovSub, Mov, Sub, Call),
            (MovAndCall, MovAnd, Mov, And, Call), (MovOrCall, MovOr, Mov, Or, Call),
            (MovXorCall, MovXor, Mov, Xor, Call),
            (AddAddCall, AddAdd, Add, Add, Call), (AddSubCall, AddSub, Add, Sub, Call),
            (AddAndCall, AddAnd, Add, And, Call), (AddOrCall, AddOr, Add, Or, Call),
            (AddXorCall, AddXor, Add, Xor, Call),
            (SubAddCall, SubAdd, Sub, Add, Call), (SubSubCall, SubSub, Sub, Sub, Call),
            (SubAndCall, SubAnd, Sub, And, Call), (SubOrCall, SubOr, Sub, Or, Call),
            (SubXorCall, SubXor, Sub, Xor, Call),
            (AndAddCall, AndAdd, And, Add, Call), (AndSubCall, AndSub, And, Sub, Call),
            (AndAndCall, AndAnd, And, And, Call), (AndOrCall, AndOr, And, Or, Call),
            (AndXorCall, AndXor, And, Xor, Call),
            (OrAddCall, OrAdd, Or, Add, Call), (OrSubCall, OrSub, Or, Sub, Call),
            (OrAndCall, OrAnd, Or, And, Call), (OrOrCall, OrOr, Or, Or, Call),
            (OrXorCall, OrXor, Or, Xor, Call),
            (XorAddCall, XorAdd, Xor, Add, Call), (XorSubCall, XorSub, Xor, Sub, Call),
            (XorAndCall, XorAnd, Xor, And, Call), (XorOrCall, XorOr, Xor, Or, Call),
            (XorXorCall, XorXor, Xor, Xor, Call),
        }
    };
}
pub(crate) use with_fused_pairs;

/// Declares [`Kind`] with the plain kinds and the fused pairs, and the
/// functions that relate them.
macro_rules! declare_kinds {
    (;
        $(($pair:ident, $first:ident, $second:ident)),* ;
        $(($triple:ident, $lead:ident, $first3:ident, $second3:ident, $third:ident)),* $(,)?
    ) => {
        /// What an [`Op`] does: one kind per instruction of the table, the
        /// two states of a slot that holds no instruction, and the fused
        /// pairs of [`with_fused_pairs`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub(crate) enum Kind {
            /// The slot has not been decoded since the word last changed.
            NotDecoded,
            /// The word is not an instruction in the running ISA version.
            Illegal,
            Li,
            Lih,
            Add,
            Sub,
            And,
            Or,
            Xor,
            Shl,
            Shr,
            Mul,
            Div,
            Rem,
            Slt,
            Bz,
            Jmp,
            Jmpa,
            Ld,
            St,
            Alloc,
            Mov,
            Call,
            Tcall,
            Ret,
            Match,
            Inst,
            Instt,
            Unin,
            Perf,
            Resu,
            Resus,
            Setv,
            Settag,
            Halt,
            Inc,
            Dec,
            Lds,
            Sts,
            Enter,
            Leave,
            Csrr,
            Csrw,
            Cas,
            $($pair,)*
            $($triple,)*
        }

        impl Kind {
            /// The kind of the slot's own instruction: a fused sequence's
            /// first, any other kind itself.
            pub(crate) const fn first_half(self) -> Kind {
                match self {
                    $(Kind::$pair => Kind::$first,)*
                    $(Kind::$triple => Kind::$first3,)*
                    plain => plain,
                }
            }

            /// The kind of a fused sequence's second instruction.
            const fn second_half(self) -> Option<Kind> {
                match self {
                    $(Kind::$pair => Some(Kind::$second),)*
                    $(Kind::$triple => Some(Kind::$second3),)*
                    _ => None,
                }
            }

            /// The kind of the slot's first `count` instructions (1 or 2):
            /// what a slot keeps when the word `count` after it changes.
            pub(crate) const fn first_instructions(self, count: usize) -> Kind {
                match (self, count) {
                    (kind, 1) => kind.first_half(),
                    $((Kind::$triple, _) => Kind::$lead,)*
                    (kind, _) => kind,
                }
            }

            /// Whether some listed pair begins with `self`.
            pub(crate) const fn may_begin_pair(self) -> bool {
                $(if matches!(self, Kind::$first) {
                    return true;
                })*
                false
            }

            /// The fused pair of `self` followed by `second`, if listed.
            const fn fused_with(self, second: Kind) -> Option<Kind> {
                match (self, second) {
                    $((Kind::$first, Kind::$second) => Some(Kind::$pair),)*
                    _ => None,
                }
            }

            /// The triple of the pair `self` followed by `third`, if listed.
            const fn extended_with(self, third: Kind) -> Option<Kind> {
                match (self, third) {
                    $((Kind::$lead, Kind::$third) => Some(Kind::$triple),)*
                    _ => None,
                }
            }
        }

        #[cfg(test)]
        /// Every triple's pair is the pair of its first two instructions,
        /// and its last two are a listed pair too.
        const TRIPLES: &[(Kind, Kind, Kind, Kind, Kind)] =
            &[$((Kind::$triple, Kind::$lead, Kind::$first3, Kind::$second3, Kind::$third)),*];
    };
}
with_fused_pairs!(declare_kinds());

/// One instruction, ready to execute: a kind and up to three small operands
/// and one 16-bit operand, at fixed places, so that the dispatch loop reads
/// exactly the fields an instruction needs.
///
/// Field use by kind: `a` is the first register (vd, vf, vk, or the
/// register of LDS/STS/CSRR/CSRW/SETV/SETTAG, CAS's expected value and
/// result), `b` the second (vs, va, vv; CAS's address), `c` the third
/// (vt; CAS's new value). `imm` is LI's value, LIH's high byte, a resolved
/// branch target, LD/ST's offset, ALLOC's count, INC/DEC's amount, a MATCH
/// table address, INST's handler address, a slot, a count, a tag or a
/// control-register number. `effect` is the effect index of INST, INSTT,
/// UNIN and PERF, and ALLOC's layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, align(8))]
pub(crate) struct Op {
    pub kind: Kind,
    pub a: Reg,
    pub b: Reg,
    pub c: Reg,
    pub imm: u16,
    /// The effect index (family·16 + op) of INST, INSTT, UNIN and PERF;
    /// ALLOC's layout.
    pub effect: u8,
}

impl Op {
    /// A slot that must be decoded before it runs.
    pub const NOT_DECODED: Op = Op::new(Kind::NotDecoded, Reg::V0, Reg::V0, Reg::V0, 0);
    /// A word that is not an instruction.
    pub const ILLEGAL: Op = Op::new(Kind::Illegal, Reg::V0, Reg::V0, Reg::V0, 0);

    /// An op with these fields and no effect.
    pub const fn new(kind: Kind, a: Reg, b: Reg, c: Reg, imm: u16) -> Op {
        Op {
            kind,
            a,
            b,
            c,
            imm,
            effect: 0,
        }
    }

    /// An op about an effect (or ALLOC's layout).
    const fn with_effect(kind: Kind, effect: u8, a: Reg, imm: u16) -> Op {
        Op {
            kind,
            a,
            b: Reg::V0,
            c: Reg::V0,
            imm,
            effect,
        }
    }
}

/// After a store to the word at `address`: resets the word's own slot,
/// and makes the slots before it that fuse that word keep only the
/// instructions before it (a pair at `address - 1` its first half, a
/// triple at `address - 2` its first two). Those slots are not reset, as a
/// fused slot before them may read its later instructions' operands from
/// them, and their own first instructions have not changed.
#[inline(always)]
pub(crate) fn forget_word(decoded: &mut [Op; DECODED_SLOTS], address: usize) {
    let address = address & ADDRESS_MASK;
    decoded[address] = Op::NOT_DECODED;
    for count in 1..=2 {
        let before = address.wrapping_sub(count) & ADDRESS_MASK;
        decoded[before].kind = decoded[before].kind.first_instructions(count);
    }
}

/// The effect index (family·16 + op) of an effect.
fn index(family: u8, op: u8) -> u8 {
    EffectId::new(family, op).index() as u8
}

/// Decodes the word at `address` for a machine running `isa`.
pub(crate) fn predecode(word: u16, address: u16, isa: IsaVersion) -> Op {
    let Ok(instruction) = cml_isa::decode(word) else {
        return Op::ILLEGAL;
    };
    if instruction.version() > isa {
        return Op::ILLEGAL;
    }
    let next = address.wrapping_add(1);
    let relative = |offset: i16| next.wrapping_add(offset as u16);
    let r = |register: cml_isa::Register| Reg::from_index(register.index());
    const V0: Reg = Reg::V0;
    let rrr = |kind, vd, vs, vt| Op::new(kind, r(vd), r(vs), r(vt), 0);
    match instruction {
        Instruction::Li { vd, imm8 } => Op::new(Kind::Li, r(vd), V0, V0, imm8 as u16),
        Instruction::Lih { vd, imm8 } => Op::new(Kind::Lih, r(vd), V0, V0, imm8 as u16),
        Instruction::Add { vd, vs, vt } => rrr(Kind::Add, vd, vs, vt),
        Instruction::Sub { vd, vs, vt } => rrr(Kind::Sub, vd, vs, vt),
        Instruction::And { vd, vs, vt } => rrr(Kind::And, vd, vs, vt),
        Instruction::Or { vd, vs, vt } => rrr(Kind::Or, vd, vs, vt),
        Instruction::Xor { vd, vs, vt } => rrr(Kind::Xor, vd, vs, vt),
        Instruction::Shl { vd, vs, vt } => rrr(Kind::Shl, vd, vs, vt),
        Instruction::Shr { vd, vs, vt } => rrr(Kind::Shr, vd, vs, vt),
        Instruction::Mul { vd, vs, vt } => rrr(Kind::Mul, vd, vs, vt),
        Instruction::Div { vd, vs, vt } => rrr(Kind::Div, vd, vs, vt),
        Instruction::Rem { vd, vs, vt } => rrr(Kind::Rem, vd, vs, vt),
        Instruction::Slt { vd, vs, vt } => rrr(Kind::Slt, vd, vs, vt),
        Instruction::Bz { vs, off8 } => Op::new(Kind::Bz, r(vs), V0, V0, relative(off8)),
        Instruction::Jmp { off11 } => Op::new(Kind::Jmp, V0, V0, V0, relative(off11)),
        Instruction::Jmpa {} => Op::new(Kind::Jmpa, V0, V0, V0, 0),
        Instruction::Ld { vd, vs, off5 } => Op::new(Kind::Ld, r(vd), r(vs), V0, off5 as u16),
        Instruction::St { vd, vs, off5 } => Op::new(Kind::St, r(vd), r(vs), V0, off5 as u16),
        Instruction::Alloc { vd, layout, n } => {
            Op::with_effect(Kind::Alloc, layout.code(), r(vd), n as u16)
        }
        Instruction::Mov { vd, vs } => Op::new(Kind::Mov, r(vd), r(vs), V0, 0),
        Instruction::Call { vf, va } => Op::new(Kind::Call, r(vf), r(va), V0, 0),
        Instruction::Tcall { vf, va } => Op::new(Kind::Tcall, r(vf), r(va), V0, 0),
        Instruction::Ret { va } => Op::new(Kind::Ret, V0, r(va), V0, 0),
        Instruction::Match { vd: _, vs, tbl5 } => {
            Op::new(Kind::Match, V0, r(vs), V0, next.wrapping_add(tbl5 as u16))
        }
        Instruction::Inst { family, op, hpc3 } => {
            Op::with_effect(Kind::Inst, index(family, op), V0, relative(hpc3))
        }
        Instruction::Instt { family, op, hpc3 } => {
            Op::with_effect(Kind::Instt, index(family, op), V0, relative(hpc3))
        }
        Instruction::Unin { family, op } => Op::with_effect(Kind::Unin, index(family, op), V0, 0),
        Instruction::Perf { family, op, vr } => {
            Op::with_effect(Kind::Perf, index(family, op), r(vr), 0)
        }
        Instruction::Resu { vk, vv } => Op::new(Kind::Resu, r(vk), r(vv), V0, 0),
        Instruction::Resus { vk, vv } => Op::new(Kind::Resus, r(vk), r(vv), V0, 0),
        Instruction::Setv { vd, variant8 } => Op::new(Kind::Setv, r(vd), V0, V0, variant8 as u16),
        Instruction::Settag { vd, tag } => Op::new(Kind::Settag, r(vd), V0, V0, tag.code() as u16),
        Instruction::Halt {} => Op::new(Kind::Halt, V0, V0, V0, 0),
        Instruction::Inc { vd, vs, imm4 } => Op::new(Kind::Inc, r(vd), r(vs), V0, imm4 as u16),
        Instruction::Dec { vd, vs, imm4 } => Op::new(Kind::Dec, r(vd), r(vs), V0, imm4 as u16),
        Instruction::Lds { vd, slot } => Op::new(Kind::Lds, r(vd), V0, V0, slot as u16),
        Instruction::Sts { vs, slot } => Op::new(Kind::Sts, r(vs), V0, V0, slot as u16),
        Instruction::Enter { count } => Op::new(Kind::Enter, V0, V0, V0, count as u16),
        Instruction::Leave { count } => Op::new(Kind::Leave, V0, V0, V0, count as u16),
        Instruction::Csrr { vd, csr } => Op::new(Kind::Csrr, r(vd), V0, V0, csr as u16),
        Instruction::Csrw { vs, csr } => Op::new(Kind::Csrw, r(vs), V0, V0, csr as u16),
        Instruction::Cas { vd, vs, vt } => rrr(Kind::Cas, vd, vs, vt),
    }
}

/// The slot of `first`, the decoding of the word at `address`, given
/// `next`, the slot of the word after it: `first` itself, the pair of the
/// two when [`with_fused_pairs`] lists it, or a triple when `next` is
/// itself a pair that extends it. No fused sequence wraps around the end
/// of memory (slot 0xFFFF is never a pair, so no triple begins at 0xFFFE).
pub(crate) fn fuse(first: Op, next: Op, address: u16) -> Op {
    match first.kind.fused_with(next.kind.first_half()) {
        Some(pair) if address != u16::MAX => {
            let kind = match next.kind.second_half() {
                Some(third) => match pair.extended_with(third) {
                    Some(triple) => triple,
                    None => pair,
                },
                None => pair,
            };
            Op { kind, ..first }
        }
        _ => first,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_triple_is_two_overlapping_pairs() {
        for &(triple, lead, first, second, third) in TRIPLES {
            assert_eq!(first.fused_with(second), Some(lead), "{triple:?}");
            assert!(second.fused_with(third).is_some(), "{triple:?}");
            assert_eq!(triple.first_half(), first, "{triple:?}");
            assert_eq!(triple.first_instructions(2), lead, "{triple:?}");
        }
    }

    #[test]
    fn a_function_tail_fuses_into_a_triple() {
        let at = |address: u16, instruction: Instruction| {
            predecode(instruction.encode(), address, IsaVersion::V0_4)
        };
        let (v0, v2) = (
            cml_isa::Register::new(0).unwrap(),
            cml_isa::Register::new(2).unwrap(),
        );
        let add = at(
            19,
            Instruction::Add {
                vd: v0,
                vs: v0,
                vt: v2,
            },
        );
        let xor = at(
            20,
            Instruction::Xor {
                vd: v0,
                vs: v0,
                vt: v2,
            },
        );
        let ret = at(21, Instruction::Ret { va: v0 });
        let xor_ret = fuse(xor, ret, 20);
        assert_eq!(xor_ret.kind, Kind::XorRet);
        assert_eq!(fuse(add, xor_ret, 19).kind, Kind::AddXorRet);
        // Without the pair after it, ADD + XOR stays a pair.
        assert_eq!(fuse(add, xor, 19).kind, Kind::AddXor);
    }

    #[test]
    fn an_op_is_eight_bytes() {
        assert_eq!(std::mem::size_of::<Op>(), 8);
    }

    #[test]
    fn targets_count_from_the_next_instruction() {
        let jmp = Instruction::Jmp { off11: -1 }.encode();
        let op = predecode(jmp, 10, IsaVersion::V0_4);
        assert_eq!((op.kind, op.imm), (Kind::Jmp, 10));
        let inst = Instruction::Inst {
            family: 2,
            op: 0,
            hpc3: 1,
        }
        .encode();
        let op = predecode(inst, 100, IsaVersion::V0_4);
        assert_eq!((op.kind, op.effect, op.imm), (Kind::Inst, 0x20, 102));
    }

    #[test]
    fn extensions_are_illegal_in_v0_4() {
        let word = Instruction::Enter { count: 1 }.encode();
        assert_eq!(predecode(word, 0, IsaVersion::V0_4), Op::ILLEGAL);
        let op = predecode(word, 0, IsaVersion::V0_5);
        assert_eq!((op.kind, op.imm), (Kind::Enter, 1));
    }
}
