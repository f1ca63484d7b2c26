//! The static data segment, laid out here so that every address is known
//! before assembly: a `[code, arity]` record (with a CLOSURE_REC header)
//! for every function and runtime routine (the static closure of a
//! function that captures nothing, and where code that builds a closure
//! reads the code address from), constant constructors, string literals,
//! and the bottom handlers' code addresses. Top-level values are not
//! here: each core keeps them in its own block on its heap, found
//! through the GP control register (`docs/backend.md`, "Top-level values
//! are per core").

use std::collections::HashMap;
use std::fmt::Write;

use cml_ir::{Atom, FunctionId, Program, Term, Value};

/// Where the data segment starts.
const DATA_ORIGIN: u16 = 0;

/// The console lock, the data segment's first word: 0 when free, else
/// the number of the core printing plus one (`__io_print` in
/// `runtime.s`, which loads this address with `LI`).
pub const CONSOLE_LOCK: u16 = DATA_ORIGIN;

/// The runtime routines that are called like functions.
pub const RUNTIME_ROUTINES: [(&str, u16); 9] = [
    ("__resume", 1),
    ("__resumes", 1),
    ("__concat", 2),
    ("__string_of_int", 1),
    ("__string_of_byte", 1),
    ("__equal", 2),
    ("__format_int", 2),
    ("__send_message", 2),
    ("__hash", 1),
];

/// The routines of preemptible code, added to the list when
/// [`crate::preemptible`] holds.
pub const PREEMPTIBLE_ROUTINES: [(&str, u16); 3] =
    [("__retag", 0), ("__tag_of", 0), ("__equal_p", 2)];

/// The runtime routines of this program.
fn routines(program: &Program) -> Vec<(&'static str, u16)> {
    let mut routines = RUNTIME_ROUTINES.to_vec();
    if crate::preemptible(program) {
        routines.extend(PREEMPTIBLE_ROUTINES);
    }
    routines
}

/// The address of everything static.
#[derive(Debug, Default)]
pub struct DataLayout {
    /// The payload address of each function's `[code, arity]` record.
    functions: Vec<u16>,
    /// The same for runtime routines.
    routines: HashMap<&'static str, u16>,
    /// The pointer of each constant constructor, by variant.
    constants: Vec<u16>,
    /// The pointer of each string (its size word).
    strings: Vec<u16>,
    /// The word holding `__io_print`'s address.
    pub io_print_word: u16,
    /// The word holding `__probe`'s address (then the words of the other
    /// bottom handlers the start routine binds).
    pub probe_word: u16,
    end: u16,
}

impl DataLayout {
    /// Lays out the static data of a program.
    pub fn new(program: &Program) -> DataLayout {
        let mut layout = DataLayout::default();
        let mut next = CONSOLE_LOCK + 1;
        for _ in &program.functions {
            layout.functions.push(next + 1);
            next += 3;
        }
        for (name, _) in routines(program) {
            layout.routines.insert(name, next + 1);
            next += 3;
        }
        let constants = max_constant(program).map_or(0, |max| max as usize + 1);
        for _ in 0..constants {
            layout.constants.push(next + 1);
            next += 1;
        }
        // The last constant's pointer is one past its header: keep that
        // word inside the segment.
        next += 1;
        for string in &program.strings {
            layout.strings.push(next + 1);
            next += 2 + string.len() as u16;
        }
        layout.io_print_word = next;
        next += 1;
        layout.probe_word = next;
        next += 1;
        layout.end = next;
        layout
    }

    /// The static closure (payload address) of a function.
    pub fn function_closure(&self, function: FunctionId) -> u16 {
        self.functions[function.0 as usize]
    }

    /// The static closure of a runtime routine.
    pub fn routine(&self, name: &str) -> u16 {
        self.routines[name]
    }

    /// The pointer of a constant constructor.
    pub fn constant(&self, variant: u8) -> u16 {
        self.constants[variant as usize]
    }

    /// The pointer of a string literal.
    pub fn string(&self, index: u32) -> u16 {
        self.strings[index as usize]
    }

    /// Writes the data segment.
    pub fn emit(&self, program: &Program, text: &mut String) {
        let _ = writeln!(text, "\n; Static data ({} words).", self.end - DATA_ORIGIN);
        let _ = writeln!(text, ".org {DATA_ORIGIN:#06x}");
        let _ = writeln!(
            text,
            "    .word 0      ; {CONSOLE_LOCK:#06x} the console lock (__io_print)"
        );
        for (index, function) in program.functions.iter().enumerate() {
            let _ = writeln!(
                text,
                "    .word 0x0022, {}, {}      ; {:#06x} closure of {}",
                crate::function::label(index, &function.name),
                function.parameters.len(),
                self.functions[index],
                function.name
            );
        }
        for (name, arity) in routines(program) {
            let _ = writeln!(
                text,
                "    .word 0x0022, {name}, {arity}      ; {:#06x} closure of {name}",
                self.routines[name]
            );
        }
        for (variant, pointer) in self.constants.iter().enumerate() {
            let header = ((variant as u16) << 8) | 0x0004;
            let _ = writeln!(text, "    .word {header:#06x}          ; constant constructor {variant} (pointer {pointer:#06x})");
        }
        let _ = writeln!(text, "    .word 0");
        for (index, string) in program.strings.iter().enumerate() {
            let mut words = vec!["0x00F5".to_string(), string.len().to_string()];
            words.extend(string.iter().map(|byte| byte.to_string()));
            let _ = writeln!(
                text,
                "    .word {}      ; {:#06x} {:?}",
                words.join(", "),
                self.strings[index],
                String::from_utf8_lossy(string)
            );
        }
        let _ = writeln!(
            text,
            "    .word __io_print      ; {:#06x} the bottom console handler",
            self.io_print_word
        );
        let _ = writeln!(
            text,
            "    .word __probe      ; {:#06x} the bottom instance probe",
            self.probe_word
        );
    }
}

/// The largest constant-constructor variant a program uses.
fn max_constant(program: &Program) -> Option<u8> {
    let mut max = None;
    for function in &program.functions {
        visit_term(&function.body, &mut |atom| {
            if let Atom::Constant(variant) = atom {
                max = Some(max.map_or(*variant, |m: u8| m.max(*variant)));
            }
        });
    }
    max
}

pub(crate) fn visit_term(term: &Term, visit: &mut impl FnMut(&Atom)) {
    match term {
        Term::Let { value, body, .. } => {
            visit_value(value, visit);
            visit_term(body, visit);
        }
        Term::Return(atom) => visit(atom),
        Term::TailCall { callee, arguments } => {
            visit(callee);
            arguments.iter().for_each(&mut *visit);
        }
        Term::TailResume {
            continuation,
            value,
            ..
        } => {
            visit(continuation);
            visit(value);
        }
        Term::If {
            condition,
            then_branch,
            else_branch,
        } => {
            visit(condition);
            visit_term(then_branch, visit);
            visit_term(else_branch, visit);
        }
        Term::Switch {
            scrutinee,
            cases,
            default,
            ..
        } => {
            visit(scrutinee);
            for (_, case) in cases {
                visit_term(case, visit);
            }
            if let Some(default) = default {
                visit_term(default, visit);
            }
        }
        Term::Blocks { body, blocks } => {
            visit_term(body, visit);
            for (_, block) in blocks {
                visit_term(block, visit);
            }
        }
        Term::Jump(_) | Term::Fail(_) => {}
    }
}

fn visit_value(value: &Value, visit: &mut impl FnMut(&Atom)) {
    match value {
        Value::Atom(atom) => visit(atom),
        Value::Primitive(_, atoms) | Value::Runtime(_, atoms) => atoms.iter().for_each(&mut *visit),
        Value::Call { callee, arguments } => {
            visit(callee);
            arguments.iter().for_each(&mut *visit);
        }
        Value::Allocate { fields, .. } => fields.iter().for_each(&mut *visit),
        Value::MakeClosure { captured, .. } => captured.iter().for_each(&mut *visit),
        Value::Field { object, .. } => visit(object),
        Value::SetField { object, value, .. } => {
            visit(object);
            visit(value);
        }
        Value::SetCaptured { value, .. }
        | Value::StoreGlobal(_, value)
        | Value::InstallRegion(value) => visit(value),
        Value::Perform { argument, .. } => visit(argument),
        Value::Resume {
            continuation,
            value,
            ..
        } => {
            visit(continuation);
            visit(value);
        }
        Value::Block(term) => visit_term(term, visit),
        Value::LoadCaptured(_)
        | Value::CurrentClosure
        | Value::LoadGlobal(_)
        | Value::Uninstall(_)
        | Value::Installed => {}
    }
}
