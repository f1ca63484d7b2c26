//! The primitives of the IR (`Value::Primitive`): arithmetic and
//! comparisons on immediates, pointer steps, and the machine's `__`
//! primitives (HALT, the core's ID, the number of cores, a payload tagged
//! as a pointer), each a few instructions into v2.

use std::fmt::Write;

use cml_ir::{Atom, Primitive};

use super::Emitter;

impl Emitter<'_> {
    pub(super) fn primitive(&mut self, primitive: Primitive, atoms: &[Atom], slot: Option<u8>) {
        match primitive {
            Primitive::Halt => {
                self.line("HALT");
                self.store_unit(slot);
                return;
            }
            Primitive::CoreId => {
                self.line("CSRR v2, CORE");
                self.store("v2", slot);
                return;
            }
            Primitive::CoreCount => {
                // The boot ROM's parameter block keeps the number of
                // cores at 0xFF81 (docs/soc-decisions.md); a bare boot
                // leaves the word 0, which means one core.
                let one = self.fresh_label("one_core");
                let done = self.fresh_label("counted");
                self.line("LI v2, 0x81");
                self.line("LIH v2, 0xFF");
                self.line("SETTAG v2, PTR");
                self.line("LD v2, v2, 0");
                self.line(&format!("BZ v2, {one}"));
                self.line(&format!("JMP {done}"));
                let _ = writeln!(self.text, "{one}:");
                self.line("LI v2, 1");
                let _ = writeln!(self.text, "{done}:");
                self.store("v2", slot);
                return;
            }
            Primitive::PointerFromPayload => {
                self.load("v2", &atoms[0]);
                self.line("SETTAG v2, PTR");
                self.store("v2", slot);
                return;
            }
            Primitive::Increment | Primitive::Decrement => {
                // INC/DEC take a 4-bit immediate: a longer step is a run
                // of them, 15 words at a time.
                let mnemonic = if primitive == Primitive::Increment {
                    "INC"
                } else {
                    "DEC"
                };
                self.load("v2", &atoms[0]);
                let mut words = match atoms.get(1) {
                    Some(Atom::Int(n)) => i64::from(*n).max(0),
                    _ => 0,
                };
                if words == 0 {
                    self.line(&format!("{mnemonic} v2, v2, 0"));
                }
                while words > 0 {
                    let step = words.min(15);
                    self.line(&format!("{mnemonic} v2, v2, {step}"));
                    words -= step;
                }
                self.store("v2", slot);
                return;
            }
            _ => {}
        }
        self.load("v2", &atoms[0]);
        if let Some(second) = atoms.get(1) {
            self.load("v3", second);
        }
        let simple = match primitive {
            Primitive::Add => Some("ADD"),
            Primitive::Subtract => Some("SUB"),
            Primitive::Multiply => Some("MUL"),
            Primitive::Divide => Some("DIV"),
            Primitive::Remainder => Some("REM"),
            Primitive::Less => Some("SLT"),
            Primitive::BitAnd => Some("AND"),
            Primitive::BitOr => Some("OR"),
            Primitive::BitXor => Some("XOR"),
            Primitive::ShiftLeft => Some("SHL"),
            Primitive::ShiftRight => Some("SHR"),
            Primitive::Equal | Primitive::Not => None,
            Primitive::Increment
            | Primitive::Decrement
            | Primitive::Halt
            | Primitive::CoreId
            | Primitive::CoreCount
            | Primitive::PointerFromPayload => None,
        };
        if let Some(mnemonic) = simple {
            self.line(&format!("{mnemonic} v2, v2, v3"));
        } else if primitive == Primitive::Not {
            self.line("SETTAG v2, INT");
            self.line("LI v3, 1");
            self.line("XOR v2, v2, v3");
            self.line("SETTAG v2, BOOL");
        } else {
            let equal = self.fresh_label("equal");
            let done = self.fresh_label("compared");
            self.same_value_bits(&equal, &done);
        }
        self.store("v2", slot);
    }

    /// v2 ← BOOL: whether v2 and v3 hold the same 16 bits, whatever
    /// their tags (`==` on immediates, and the instance probe's answer
    /// against the run routine's own closure). `equal` and `done` are
    /// fresh labels.
    pub(super) fn same_value_bits(&mut self, equal: &str, done: &str) {
        self.line("SETTAG v2, INT");
        self.line("SETTAG v3, INT");
        self.line("SUB v2, v2, v3");
        self.line(&format!("BZ v2, {equal}"));
        self.line("LI v2, 0");
        self.line(&format!("JMP {done}"));
        let _ = writeln!(self.text, "{equal}:");
        self.line("LI v2, 1");
        let _ = writeln!(self.text, "{done}:");
        self.line("SETTAG v2, BOOL");
    }
}
