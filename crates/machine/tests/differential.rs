//! The fast path against the reference implementation, and the machine
//! against arbitrary memory: property tests.
//!
//! Invariant under test (see `reference.rs`): for every program, the fast
//! engine and the reference engine end in the same state: outcome,
//! registers, pc, sp, hp, every memory word, every statistic and the cycle
//! count. And no memory image, however arbitrary, panics the machine.

use cml_image::{Image, Segment};
use cml_isa::{EffectId, EffectTableEntry, Instruction, IsaVersion, TABLE};
use cml_machine::{Engine, Machine, RunOutcome};
use proptest::prelude::*;

/// Runs an image on one engine; returns everything observable.
fn run(image: &Image, engine: Engine, cycles: u64, stepping: bool) -> (RunOutcome, Machine) {
    let mut machine = Machine::boot_bare_program(image, IsaVersion::V0_5).unwrap();
    machine.set_engine(engine);
    // A local handler for effect (8, 1) and a tail-resumptive one for
    // (8, 2), so random PERFs reach both dispatch paths.
    machine.set_effect_table_entry(
        EffectId::new(8, 1),
        EffectTableEntry::Local { handler_pc: 3 },
    );
    machine.set_effect_table_entry(
        EffectId::new(8, 2),
        EffectTableEntry::LocalTailResumptive { handler_pc: 5 },
    );
    let outcome = if stepping {
        machine.set_cycle_limit(cycles);
        loop {
            match machine.step() {
                Ok(_) => {}
                Err(outcome) => break outcome,
            }
        }
    } else {
        machine.run(cycles)
    };
    (outcome, machine)
}

fn assert_same(left: &(RunOutcome, Machine), right: &(RunOutcome, Machine)) {
    assert_eq!(left.0, right.0, "outcome");
    let (a, b) = (&left.1, &right.1);
    assert_eq!(a.registers(), b.registers(), "registers");
    assert_eq!(
        (a.pc(), a.sp(), a.hp()),
        (b.pc(), b.sp(), b.hp()),
        "pc, sp, hp"
    );
    assert_eq!(a.stats(), b.stats(), "statistics and cycles");
    for address in 0..=u16::MAX {
        assert_eq!(a.read(address), b.read(address), "memory at {address:#06x}");
    }
    assert_eq!(a.handler_frames(), b.handler_frames(), "handler frames");
}

/// A random legal instruction, weighted toward the ones the fast path runs.
fn instruction() -> impl Strategy<Value = u16> {
    let any_row = (0..TABLE.len(), any::<[i32; 3]>()).prop_map(|(row, values)| {
        let spec = &TABLE[row];
        Instruction::from_operands(spec.mnemonic, &values[..spec.fields.len()])
            .unwrap()
            .encode()
    });
    let hot = (0usize..8, any::<[i32; 3]>()).prop_map(|(pick, values)| {
        let names = ["ADD", "SUB", "LI", "BZ", "MOV", "LDS", "STS", "ALLOC"];
        let spec = cml_isa::Mnemonic::from_name(names[pick]).unwrap().spec();
        Instruction::from_operands(spec.mnemonic, &values[..spec.fields.len()])
            .unwrap()
            .encode()
    });
    prop_oneof![3 => any_row, 2 => hot, 1 => any::<u16>()]
}

fn program() -> impl Strategy<Value = Image> {
    proptest::collection::vec(instruction(), 8..64).prop_map(|words| {
        let mut image = Image::new(IsaVersion::V0_5);
        image.segments.push(Segment { origin: 0, words });
        image
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn fast_path_matches_reference(image in program(), cycles in 1u64..3000) {
        let fast = run(&image, Engine::Fast, cycles, false);
        let reference = run(&image, Engine::Reference, cycles, false);
        assert_same(&fast, &reference);
    }

    #[test]
    fn stepping_matches_running(image in program(), cycles in 1u64..500) {
        let running = run(&image, Engine::Fast, cycles, false);
        let stepping = run(&image, Engine::Fast, cycles, true);
        assert_same(&running, &stepping);
    }

    #[test]
    fn arbitrary_memory_never_panics(
        words in proptest::collection::vec(any::<u16>(), 1..2048),
        origin in any::<u16>(),
        table in proptest::collection::vec((any::<u8>(), any::<u32>()), 0..32),
        engine in prop_oneof![Just(Engine::Fast), Just(Engine::Reference)],
    ) {
        let mut machine = Machine::new(IsaVersion::V0_5);
        machine.set_engine(engine);
        for (offset, word) in words.iter().enumerate() {
            machine.write(origin.wrapping_add(offset as u16), *word);
        }
        for (effect, raw) in table {
            machine.set_effect_table_entry(EffectId::from_index(effect), EffectTableEntry::decode(raw));
        }
        machine.set_pc(origin);
        let _ = machine.run(20_000);
        let _ = machine.stats();
    }
}
