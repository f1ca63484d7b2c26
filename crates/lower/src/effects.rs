//! Effect numbering (gap 13, `docs/backend.md`): the manifest that maps
//! each operation to its (family, op), and the resolution of the
//! operation an expression or a clause names.

use std::collections::HashMap;

use cml_check::declarations::Declarations;
use cml_ir::{Effect, ManifestEntry};
use cml_syntax::ast::Path;

/// The family user effects start in (Appendix C.7: "user-defined").
const FIRST_USER_FAMILY: u8 = 0x8;
/// The last family user effects may spill into (0xE is the back end's,
/// [`cml_ir::BACK_END_FAMILY`]).
const LAST_USER_FAMILY: u8 = cml_ir::BACK_END_FAMILY - 1;
/// The family of hardware effects: packets surfacing as PERFs (Appendix
/// A §15, `docs/soc-decisions.md`).
pub const HARDWARE_FAMILY: u8 = 0xF;

/// How a hardware effect's 16-bit payload becomes the clause's argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload {
    /// The payload is the argument as it is (an `int`, a `byte`, a core
    /// ID).
    Bits,
    /// The payload is the address of a heap object that another core
    /// built in the shared memory (chapter 14's "ship pointers"): the
    /// clause gives it the PTR tag the packet could not carry.
    Pointer,
}

/// One operation bound to a hardware effect (`docs/backend.md`,
/// "Hardware effects"): the operation `operation` of an effect named
/// `effect` (`None`: the effect's only operation) is the hardware PERF
/// (0xF, `op`) instead of a user family.
#[derive(Clone, Copy, Debug)]
pub struct HardwareBinding {
    pub effect: &'static str,
    pub operation: Option<&'static str>,
    pub op: u8,
    pub payload: Payload,
}

/// Effects bound to hardware effects by name. Chapter 11's `Tick` is the
/// timer's tick packet (op 0x03, payload the core ID); chapter 12's
/// `KeyArrival` is the keyboard's key event (op 0x01, payload the key
/// byte, bit 7 set on a release); chapter 14's `Hardware` effect has
/// both as `tick` and `key_arrival`, and `noc_arrival`, a core-to-core
/// message (C.3's op 0x04, which the boot ROM binds (7, c) to send to
/// core c) whose payload is a pointer to the message.
pub const HARDWARE_BINDINGS: [HardwareBinding; 5] = [
    HardwareBinding {
        effect: "Tick",
        operation: None,
        op: 0x03,
        payload: Payload::Bits,
    },
    HardwareBinding {
        effect: "KeyArrival",
        operation: None,
        op: 0x01,
        payload: Payload::Bits,
    },
    HardwareBinding {
        effect: "Hardware",
        operation: Some("tick"),
        op: 0x03,
        payload: Payload::Bits,
    },
    HardwareBinding {
        effect: "Hardware",
        operation: Some("key_arrival"),
        op: 0x01,
        payload: Payload::Bits,
    },
    HardwareBinding {
        effect: "Hardware",
        operation: Some("noc_arrival"),
        op: 0x04,
        payload: Payload::Pointer,
    },
];

/// The hardware ops of an effect's operations, when every one of them is
/// bound (an effect is bound whole or not at all).
fn hardware_ops(name: &str, operations: &[&str]) -> Option<Vec<u8>> {
    let binding = |operation: &str| {
        HARDWARE_BINDINGS.iter().find(|binding| {
            binding.effect == name
                && match binding.operation {
                    None => operations.len() == 1,
                    Some(bound) => bound == operation,
                }
        })
    };
    operations
        .iter()
        .map(|operation| binding(operation).map(|binding| binding.op))
        .collect()
}

/// Whether a hardware effect's payload is a pointer (see [`Payload`]).
pub fn payload_is_pointer(effect: Effect) -> bool {
    effect.family == HARDWARE_FAMILY
        && HARDWARE_BINDINGS
            .iter()
            .any(|binding| binding.op == effect.op && binding.payload == Payload::Pointer)
}

/// Whether an operation is a hardware effect (family 0xF, op 1 and up:
/// op 0 is the faults').
pub fn is_hardware(effect: Effect) -> bool {
    effect.family == HARDWARE_FAMILY && effect.op >= 1
}

/// Every operation's number.
#[derive(Clone, Debug, Default)]
pub struct EffectNumbers {
    /// (effect, operation) to number.
    pub numbers: HashMap<(String, String), Effect>,
    /// The manifest, in numbering order.
    pub manifest: Vec<ManifestEntry>,
    /// Effects that did not fit in families 0x8-0xD.
    pub overflow: Vec<String>,
}

impl EffectNumbers {
    /// Numbers every declared effect: `Scheduler` family 0, `Mem` family 1,
    /// `IO` family 2 from op 1 (op 0 is the UART transmit binding), user
    /// effects packed into 0x8-0xD in declaration order (0xE is the back
    /// end's).
    pub fn assign(declarations: &Declarations) -> EffectNumbers {
        let mut effects: Vec<_> = declarations.effects.values().collect();
        // Module effects in source order; prelude ones (no span) first, by name.
        effects.sort_by_key(|effect| {
            (
                effect.span.as_ref().map_or(0, |span| span.start + 1),
                effect.name.clone(),
            )
        });
        let mut numbers = EffectNumbers::default();
        let mut family = FIRST_USER_FAMILY;
        let mut next_op = 0u8;
        for effect in effects {
            let count = effect.operations.len();
            if count == 0 {
                continue;
            }
            let operation_names: Vec<&str> = effect
                .operations
                .iter()
                .map(|operation| operation.name.as_str())
                .collect();
            let hardware = hardware_ops(&effect.name, &operation_names);
            let (effect_family, first_op) = match effect.name.as_str() {
                "Scheduler" => (0, 0),
                "Mem" => (1, 0),
                "IO" => (2, 1),
                _ if hardware.is_some() => (HARDWARE_FAMILY, 0),
                _ => {
                    if next_op as usize + count > 16 {
                        family += 1;
                        next_op = 0;
                    }
                    if family > LAST_USER_FAMILY || count > 16 {
                        numbers.overflow.push(effect.name.clone());
                        continue;
                    }
                    let first = next_op;
                    next_op += count as u8;
                    (family, first)
                }
            };
            for (index, operation) in effect.operations.iter().enumerate() {
                let op = match &hardware {
                    Some(ops) => ops[index] as usize,
                    None => first_op as usize + index,
                };
                if op > 15 {
                    numbers.overflow.push(effect.name.clone());
                    break;
                }
                let number = Effect {
                    family: effect_family,
                    op: op as u8,
                };
                numbers
                    .numbers
                    .insert((effect.name.clone(), operation.name.clone()), number);
                numbers.manifest.push(ManifestEntry {
                    effect_name: effect.name.clone(),
                    operation_name: operation.name.clone(),
                    effect: number,
                });
            }
        }
        numbers
    }

    /// The (effect name, operation name) a path in `perform` or a clause
    /// names: `E.op`, an operation alone (`Yield`, chapter 10), or a
    /// one-operation effect by its name.
    pub fn resolve(&self, declarations: &Declarations, path: &Path) -> Option<(String, String)> {
        let segments: Vec<&str> = path.segments.iter().map(|s| s.text.as_str()).collect();
        match segments.as_slice() {
            [effect, operation] => {
                let info = declarations.effects.get(*effect)?;
                info.operation(operation)?;
                Some((effect.to_string(), operation.to_string()))
            }
            [name] => {
                if let Some(info) = declarations.effects.get(*name) {
                    if info.operations.len() == 1 {
                        return Some((name.to_string(), info.operations[0].name.clone()));
                    }
                }
                let mut found = declarations.effects.values().filter_map(|info| {
                    info.operation(name)
                        .map(|operation| (info.name.clone(), operation.name.clone()))
                });
                let first = found.next()?;
                found.next().is_none().then_some(first)
            }
            _ => None,
        }
    }

    /// The number of a resolved operation.
    pub fn number(&self, effect: &str, operation: &str) -> Option<Effect> {
        self.numbers
            .get(&(effect.to_string(), operation.to_string()))
            .copied()
    }
}
