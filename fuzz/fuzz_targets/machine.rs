//! Any memory contents: the machine never panics, and both engines agree.
#![no_main]

use cml_isa::{EffectId, EffectTableEntry, IsaVersion};
use cml_machine::{Engine, Machine};
use libfuzzer_sys::fuzz_target;

fn run(words: &[u16], engine: Engine) -> Machine {
    let mut machine = Machine::new(IsaVersion::V0_5);
    machine.set_engine(engine);
    for (address, word) in words.iter().enumerate() {
        machine.write(address as u16, *word);
    }
    machine.set_effect_table_entry(EffectId::new(8, 1), EffectTableEntry::Local { handler_pc: 3 });
    let _ = machine.run(5_000);
    machine
}

fuzz_target!(|bytes: &[u8]| {
    let words: Vec<u16> = bytes.chunks(2).map(|pair| u16::from_le_bytes([pair[0], *pair.get(1).unwrap_or(&0)])).collect();
    let fast = run(&words, Engine::Fast);
    let reference = run(&words, Engine::Reference);
    assert_eq!(fast.registers(), reference.registers());
    assert_eq!(fast.stats(), reference.stats());
    assert_eq!((fast.pc(), fast.sp(), fast.hp()), (reference.pc(), reference.sp(), reference.hp()));
});
