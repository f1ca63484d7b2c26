//! Fused pairs change nothing observable: runs with and without fusion,
//! on both engines, agree under every cycle limit.

use cml_image::{Image, Segment};
use cml_isa::{Instruction, IsaVersion, Register};
use proptest::prelude::*;

use crate::{Engine, Machine, RunOutcome};

fn run(words: &[u16], engine: Engine, fusion: bool, cycles: u64) -> (RunOutcome, Machine) {
    let mut image = Image::new(IsaVersion::V0_5);
    image.segments.push(Segment {
        origin: 0,
        words: words.to_vec(),
    });
    let mut machine = Machine::boot_bare_program(&image, IsaVersion::V0_5).unwrap();
    machine.set_engine(engine);
    machine.fusion = fusion;
    let outcome = machine.run(cycles);
    (outcome, machine)
}

fn assert_same(left: &(RunOutcome, Machine), right: &(RunOutcome, Machine), what: &str) {
    assert_eq!(left.0, right.0, "{what}: outcome");
    let (a, b) = (&left.1, &right.1);
    assert_eq!(a.registers(), b.registers(), "{what}: registers");
    assert_eq!(
        (a.pc(), a.sp(), a.hp()),
        (b.pc(), b.sp(), b.hp()),
        "{what}: pc, sp, hp"
    );
    assert_eq!(a.stats(), b.stats(), "{what}: statistics and cycles");
    assert!(a.words[..] == b.words[..], "{what}: memory");
}

/// Runs `words` with every cycle limit up to `most`: fused fast,
/// unfused fast and unfused reference must agree each time.
fn agree_under_every_limit(words: &[u16], most: u64) {
    for cycles in 1..=most {
        let fused = run(words, Engine::Fast, true, cycles);
        let unfused = run(words, Engine::Fast, false, cycles);
        let reference = run(words, Engine::Reference, false, cycles);
        assert_same(&fused, &unfused, &format!("fused/unfused at {cycles}"));
        assert_same(&fused, &reference, &format!("fused/reference at {cycles}"));
    }
}

fn v(index: u8) -> Register {
    Register::new(index).unwrap()
}

/// An instruction from the pairs' alphabet, with registers v1-v4 and
/// short branches, so that random programs are mostly pairs.
fn instruction() -> impl Strategy<Value = u16> {
    (0usize..14, 1u8..5, 1u8..5, 1u8..5, -3i16..4).prop_map(|(pick, d, s, t, small)| {
        let (vd, vs, vt) = (v(d), v(s), v(t));
        match pick {
            0 => Instruction::Li { vd, imm8: small },
            1 => Instruction::Mov { vd, vs },
            2 => Instruction::Add { vd, vs, vt },
            3 => Instruction::Sub { vd, vs, vt },
            4 => Instruction::And { vd, vs, vt },
            5 => Instruction::Or { vd, vs, vt },
            6 => Instruction::Xor { vd, vs, vt },
            7 => Instruction::Slt { vd, vs, vt },
            8 => Instruction::Bz { vs, off8: small },
            9 => Instruction::Jmp { off11: small },
            10 => Instruction::Settag {
                vd,
                tag: cml_isa::Tag::PTR,
            },
            11 => Instruction::Ret { va: vs },
            12 => Instruction::Call { vf: v(5), va: vs },
            _ => Instruction::St {
                vd,
                vs,
                off5: small,
            },
        }
        .encode()
    })
}

#[test]
fn a_store_after_a_pair_leaves_the_pair_whole() {
    // The pair at 4 (ADD + ADD) takes its second half's operands from
    // slot 5. The store at 9 rewrites word 6 (with its own value), so
    // slot 5, which may pair with word 6, can no longer hold a pair;
    // but slot 4's second half is still the ADD at 5.
    let program = [
        Instruction::Li { vd: v(5), imm8: 6 },
        Instruction::Settag {
            vd: v(5),
            tag: cml_isa::Tag::PTR,
        },
        Instruction::Li { vd: v(1), imm8: 1 },
        Instruction::Li { vd: v(2), imm8: 2 },
        // 4:
        Instruction::Add {
            vd: v(3),
            vs: v(3),
            vt: v(2),
        },
        Instruction::Add {
            vd: v(4),
            vs: v(4),
            vt: v(1),
        },
        // 6: taken the first time (v6 = 0), to 8.
        Instruction::Bz { vs: v(6), off8: 1 },
        Instruction::Halt {},
        // 8:
        Instruction::Ld {
            vd: v(7),
            vs: v(5),
            off5: 0,
        },
        Instruction::St {
            vd: v(7),
            vs: v(5),
            off5: 0,
        },
        Instruction::Li { vd: v(6), imm8: 1 },
        Instruction::Li { vd: v(0), imm8: 5 },
        Instruction::Jmp { off11: -9 },
    ];
    let words: Vec<u16> = program.iter().map(|i| i.encode()).collect();
    for engine in [Engine::Fast, Engine::Reference] {
        let (outcome, machine) = run(&words, engine, true, 1000);
        assert_eq!(outcome, RunOutcome::Halted);
        let registers = machine.registers();
        // Two passes through 4 and 5: v3 = 2 + 2, v4 = 1 + 1; v0 as
        // set at 11.
        assert_eq!(registers[3].bits(), 4, "{engine:?}: v3");
        assert_eq!(registers[4].bits(), 2, "{engine:?}: v4");
        assert_eq!(registers[0].bits(), 5, "{engine:?}: v0");
    }
    agree_under_every_limit(&words, 30);
}

#[test]
fn the_dispatch_loop_agrees_under_every_limit() {
    // ALU + CALL, ALU + ALU, ALU + RET, ALU + BZ and BZ + JMP, with a
    // store into the second half of a pair on the way.
    let program = [
        Instruction::Alloc {
            vd: v(5),
            layout: cml_isa::Layout::CLOSURE_REC,
            n: 1,
        },
        Instruction::Li { vd: v(0), imm8: 12 },
        Instruction::St {
            vd: v(0),
            vs: v(5),
            off5: 0,
        },
        Instruction::Settag {
            vd: v(5),
            tag: cml_isa::Tag::CLOSURE,
        },
        Instruction::Li { vd: v(1), imm8: 3 },
        Instruction::Li { vd: v(2), imm8: 1 },
        // loop (6):
        Instruction::Sub {
            vd: v(1),
            vs: v(1),
            vt: v(2),
        },
        Instruction::Call { vf: v(5), va: v(1) },
        Instruction::Add {
            vd: v(3),
            vs: v(3),
            vt: v(0),
        },
        Instruction::Bz { vs: v(1), off8: 1 },
        Instruction::Jmp { off11: -5 },
        Instruction::Halt {},
        // function (12):
        Instruction::Add {
            vd: v(0),
            vs: v(0),
            vt: v(2),
        },
        Instruction::Xor {
            vd: v(0),
            vs: v(0),
            vt: v(2),
        },
        Instruction::Ret { va: v(0) },
    ];
    let words: Vec<u16> = program.iter().map(|i| i.encode()).collect();
    let (outcome, machine) = run(&words, Engine::Fast, true, 1000);
    assert_eq!(outcome, RunOutcome::Halted);
    // 6 set-up; 3 passes of SUB, CALL, ADD, XOR, RET, ADD, BZ, JMP,
    // the last without its JMP (BZ taken); HALT.
    assert_eq!(machine.stats().instructions, 6 + 3 * 8 - 1 + 1);
    agree_under_every_limit(&words, 40);
}

/// LI then LIH: `word` in `vd`, whatever its high bit.
fn load_word(vd: Register, word: u16) -> [Instruction; 2] {
    [
        Instruction::Li {
            vd,
            imm8: word as u8 as i8 as i16,
        },
        Instruction::Lih {
            vd,
            imm8: (word >> 8) as u8,
        },
    ]
}

/// A closure in `vd` for the function at `address`.
fn closure(vd: Register, address: i16) -> [Instruction; 4] {
    [
        Instruction::Alloc {
            vd,
            layout: cml_isa::Layout::CLOSURE_REC,
            n: 1,
        },
        Instruction::Li {
            vd: v(0),
            imm8: address,
        },
        Instruction::St {
            vd: v(0),
            vs: vd,
            off5: 0,
        },
        Instruction::Settag {
            vd,
            tag: cml_isa::Tag::CLOSURE,
        },
    ]
}

#[test]
fn stores_into_a_triple_change_what_it_runs() {
    // f at 29 and g at 32 are both ADD v0,v0,v2 / XOR v0,v0,v2 /
    // RET v0, each one triple once called. Then f's RET becomes
    // RET v2 (a store to a triple's third word) and g's XOR becomes
    // OR (a store to its second), and both are called again.
    const F: i16 = 29;
    const G: i16 = 32;
    let add = Instruction::Add {
        vd: v(0),
        vs: v(0),
        vt: v(2),
    };
    let xor = Instruction::Xor {
        vd: v(0),
        vs: v(0),
        vt: v(2),
    };
    let or = Instruction::Or {
        vd: v(0),
        vs: v(0),
        vt: v(2),
    };
    let store = |address: i16, instruction: Instruction| {
        let mut code = vec![
            Instruction::Li {
                vd: v(7),
                imm8: address,
            },
            Instruction::Settag {
                vd: v(7),
                tag: cml_isa::Tag::PTR,
            },
        ];
        code.extend(load_word(v(0), instruction.encode()));
        code.push(Instruction::St {
            vd: v(0),
            vs: v(7),
            off5: 0,
        });
        code
    };
    let mut program = Vec::new();
    program.extend(closure(v(5), F));
    program.extend(closure(v(6), G));
    program.extend([
        Instruction::Li { vd: v(2), imm8: 1 },
        Instruction::Li { vd: v(1), imm8: 6 },
        Instruction::Call { vf: v(5), va: v(1) },
        Instruction::Mov { vd: v(3), vs: v(0) },
        Instruction::Call { vf: v(6), va: v(1) },
        Instruction::Mov { vd: v(4), vs: v(0) },
    ]);
    program.extend(store(F + 2, Instruction::Ret { va: v(2) }));
    program.extend(store(G + 1, or));
    program.extend([
        Instruction::Call { vf: v(5), va: v(1) },
        Instruction::Add {
            vd: v(3),
            vs: v(3),
            vt: v(0),
        },
        Instruction::Call { vf: v(6), va: v(1) },
        Instruction::Add {
            vd: v(4),
            vs: v(4),
            vt: v(0),
        },
        Instruction::Halt {},
    ]);
    assert_eq!(program.len(), F as usize);
    program.extend([add, xor, Instruction::Ret { va: v(0) }]);
    program.extend([add, xor, Instruction::Ret { va: v(0) }]);
    let words: Vec<u16> = program.iter().map(|i| i.encode()).collect();
    for engine in [Engine::Fast, Engine::Reference] {
        let (outcome, machine) = run(&words, engine, true, 1000);
        assert_eq!(outcome, RunOutcome::Halted, "{engine:?}");
        let registers = machine.registers();
        // f(6) = (6 + 1) ^ 1 = 6, then v2 = 1: 6 + 1.
        assert_eq!(registers[3].bits(), 7, "{engine:?}: v3");
        // g(6) = 6, then (6 + 1) | 1 = 7: 6 + 7.
        assert_eq!(registers[4].bits(), 13, "{engine:?}: v4");
    }
    agree_under_every_limit(&words, 80);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn fused_and_unfused_agree_under_every_limit(
        words in proptest::collection::vec(instruction(), 4..24),
    ) {
        agree_under_every_limit(&words, 60);
    }

    /// A random function body (RET at its end) called three times, so
    /// that its ALU runs before RET, JMP and CALL become triples, and
    /// stores land in them between calls.
    #[test]
    fn fused_and_unfused_agree_in_called_functions(
        body in proptest::collection::vec(instruction(), 2..16),
    ) {
        let mut program = closure(v(5), 8).to_vec();
        program.extend([
            Instruction::Call { vf: v(5), va: v(1) },
            Instruction::Call { vf: v(5), va: v(2) },
            Instruction::Call { vf: v(5), va: v(3) },
            Instruction::Halt {},
        ]);
        let mut words: Vec<u16> = program.iter().map(|i| i.encode()).collect();
        words.extend(body);
        words.push(Instruction::Ret { va: v(1) }.encode());
        agree_under_every_limit(&words, 80);
    }
}
