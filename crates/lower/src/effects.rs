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

/// Effects bound to a hardware effect by name (`docs/backend.md`,
/// "Hardware effects"): a one-operation effect with this name is the
/// hardware PERF (0xF, op) instead of a user family. Chapter 11's `Tick`
/// is the timer's tick packet (op 0x03, payload the core ID);
/// `KeyArrival` is the keyboard's key event (op 0x01, payload the key
/// byte, bit 7 set on a release).
pub const HARDWARE_EFFECTS: [(&str, u8); 2] = [("Tick", 0x03), ("KeyArrival", 0x01)];

/// The hardware op a one-operation effect of this name is bound to.
fn hardware_op(name: &str, operation_count: usize) -> Option<u8> {
    if operation_count != 1 {
        return None;
    }
    HARDWARE_EFFECTS
        .iter()
        .find(|(hardware, _)| *hardware == name)
        .map(|(_, op)| *op)
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
            let (effect_family, first_op) = match effect.name.as_str() {
                "Scheduler" => (0, 0),
                "Mem" => (1, 0),
                "IO" => (2, 1),
                name if hardware_op(name, count).is_some() => {
                    (HARDWARE_FAMILY, hardware_op(name, count).unwrap_or(0))
                }
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
                let op = first_op as usize + index;
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
