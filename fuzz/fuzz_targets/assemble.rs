//! Any text: the assembler never panics, and whatever it assembles
//! disassembles to text that assembles to the same image.
#![no_main]

use cml_asm::{assemble, disassemble, AssembleOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|source: &str| {
    let options = AssembleOptions { isa: cml_isa::IsaVersion::V0_5 };
    if let Ok(assembled) = assemble(source, &options) {
        let text = disassemble(&assembled.image);
        let again = assemble(&text, &options).expect("disassembly reassembles");
        assert_eq!(again.image, assembled.image);
    }
});
