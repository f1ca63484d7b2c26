//! One function to assembly: the prologue (handler installs for a run
//! routine, `ENTER`, parameters into their slots), then the body term,
//! each IR value by a short fixed sequence over v2-v5 (v0-v5 and v7 for
//! calls), every result stored into its frame slot. Two sequences span
//! IR instructions: a comparison feeding a branch is branched on without
//! storing its `bool` (`branches`), and a self tail call jumps back to
//! the body (`tail_jumps`).

mod branches;
mod primitives;
mod tail_jumps;

use std::collections::HashMap;
use std::fmt::Write;

use cml_ir::{
    Atom, BlockId, Function, FunctionKind, LocalId, ObjectKind, Program, Runtime, Term, Value,
    PROBE,
};

use crate::data::DataLayout;
use crate::frame::{self, Frame, MAX_SLOTS};
use crate::{CodegenError, SourceLines};

/// The label of function `index`: its number and its name, so that
/// traces and trap reports name the CML function.
pub fn label(index: usize, name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("fn{index}_{name}")
}

/// The most fields an object holds in its inline payload (15 words).
const MAX_FIELDS: usize = 7;
/// The most variables a closure record holds (2 words of code and arity,
/// then six tagged slots); the lowering puts any more in a record its
/// last slot points to.
const MAX_CAPTURED: usize = 6;

/// Loads a 16-bit number into a register (tag INT).
pub fn load_number(text: &mut String, register: &str, number: u16) {
    if !(0x80..0xFF80).contains(&number) {
        let _ = writeln!(text, "    LI {register}, {}", number as i16);
    } else {
        let _ = writeln!(text, "    LI {register}, {}", number & 0xFF);
        let _ = writeln!(text, "    LIH {register}, {}", number >> 8);
    }
}

enum Context {
    Tail,
    Into { slot: Option<u8>, join: String },
}

struct Emitter<'a> {
    program: &'a Program,
    layout: &'a DataLayout,
    frame: Frame,
    index: usize,
    labels: usize,
    text: String,
    lines: Option<&'a SourceLines<'a>>,
    last_line: usize,
    last_position: (usize, usize),
    error: Option<CodegenError>,
    /// Whether hardware effects can interrupt this code (`crate::preemptible`).
    preemptible: bool,
    /// For a capturing clause, the frame size of the run routine that
    /// installed it: a tail call leaves that frame too (`tail_call_leave`).
    run_frame_size: Option<usize>,
    /// How many times each local is read (`branches`).
    uses: HashMap<LocalId, usize>,
    /// How self tail calls jump, if the function makes any (`tail_jumps`).
    self_jump: Option<tail_jumps::SelfJump>,
}

/// The assembly of one function, whose frame the caller allocated
/// (`frame::allocate`, done once per function: the tail calls of clauses
/// need their run routine's frame size too).
pub fn emit(
    program: &Program,
    layout: &DataLayout,
    index: usize,
    function: &Function,
    frame: frame::Frame,
    lines: Option<&SourceLines>,
    run_frame_size: Option<usize>,
) -> Result<String, CodegenError> {
    if frame.size > MAX_SLOTS {
        return Err(CodegenError {
            message: format!(
                "`{}` needs {} frame slots; the machine addresses 64",
                function.name, frame.size
            ),
            span: function.span.clone(),
        });
    }
    if function.captured_count > MAX_CAPTURED {
        return Err(CodegenError {
            message: format!(
                "`{}` captures {} variables; a closure record holds {MAX_CAPTURED} \
                 (the lowering should have chained the rest)",
                function.name, function.captured_count
            ),
            span: function.span.clone(),
        });
    }
    let mut emitter = Emitter {
        program,
        layout,
        frame,
        index,
        labels: 0,
        text: String::new(),
        lines,
        last_line: 0,
        last_position: (0, 0),
        error: None,
        preemptible: crate::preemptible(program),
        run_frame_size,
        uses: branches::use_counts(&function.body),
        self_jump: None,
    };
    emitter.self_jump = emitter.plan_self_jump(function);
    emitter.prologue(function);
    emitter.body(function);
    match emitter.error {
        Some(error) => Err(error),
        None => Ok(emitter.text),
    }
}

impl Emitter<'_> {
    fn line(&mut self, instruction: &str) {
        self.text.push_str("    ");
        self.text.push_str(instruction);
        self.text.push('\n');
    }

    fn fresh_label(&mut self, what: &str) -> String {
        self.labels += 1;
        format!(".L{}_{what}{}", self.index, self.labels)
    }

    fn block_label(&self, block: BlockId) -> String {
        format!(".L{}_block{}", self.index, block.0)
    }

    fn slot(&self, local: &cml_ir::LocalId) -> u8 {
        self.frame.slots[local]
    }

    fn prologue(&mut self, function: &Function) {
        let _ = writeln!(
            self.text,
            "\n; {} ({} parameters, {} captured)",
            function.name,
            function.parameters.len(),
            function.captured_count
        );
        if let (Some(lines), Some(span)) = (self.lines, &function.span) {
            let (number, text) = lines.line(span.start);
            let _ = writeln!(self.text, "; line {number}: {}", text.trim());
            self.last_line = number;
        }
        let _ = writeln!(self.text, "{}:", label(self.index, &function.name));
        if let FunctionKind::HandlerRun {
            clauses,
            tail_clauses,
            deep,
        } = &function.kind
        {
            // Modes (docs/backend.md, "Handler instances"): v2 = 1
            // installs at this sp and tail-calls the thunk in v0; v2 = 3
            // resumes the continuation in v0 with v1; 0 and 2 run the body.
            let install = self.fresh_label("install");
            let resume = self.fresh_label("resume");
            let body = self.fresh_label("run");
            self.line("LI v3, 1");
            self.line("SUB v3, v2, v3");
            self.line(&format!("BZ v3, {install}"));
            self.line("LI v3, 3");
            self.line("SUB v3, v2, v3");
            self.line(&format!("BZ v3, {resume}"));
            self.line(&format!("JMP {body}"));
            let _ = writeln!(self.text, "{install}:");
            let mut installs: Vec<(&str, cml_ir::Effect, String)> = Vec::new();
            for (effect, clause) in clauses {
                let name = &self.program.function(*clause).name;
                installs.push(("INST", *effect, label(clause.0 as usize, name)));
            }
            for (effect, clause) in tail_clauses {
                let name = &self.program.function(*clause).name;
                installs.push(("INSTT", *effect, label(clause.0 as usize, name)));
            }
            if !deep {
                installs.push(("INSTT", PROBE, "__probe".to_string()));
            }
            for (mnemonic, effect, target) in installs {
                let past = self.fresh_label("installed");
                self.line(&format!("{mnemonic} {}, {}, +1", effect.family, effect.op));
                self.line(&format!("JMP {past}"));
                self.line(&format!("JMP {target}"));
                let _ = writeln!(self.text, "{past}:");
            }
            if *deep {
                // The body (mode 1) calls the thunk inside the slice.
                self.line(&format!("JMP {body}"));
            } else {
                self.line("MOV v7, v0");
                self.line("LI v0, 0");
                self.line("SETTAG v0, UNIT");
                self.line("TCALL v7, v0");
            }
            let _ = writeln!(self.text, "{resume}:");
            self.line("RESU v0, v1");
            let _ = writeln!(self.text, "{body}:");
        }
        if self.frame.size > 0 {
            self.line(&format!("ENTER {}", self.frame.size));
        }
        for (register, parameter) in function.parameters.iter().enumerate() {
            if let Some(slot) = self.frame.slots.get(parameter) {
                self.line(&format!("STS v{register}, {slot}"));
            }
        }
    }

    fn leave(&mut self) {
        if self.frame.size > 0 {
            self.line(&format!("LEAVE {}", self.frame.size));
        }
    }

    fn source_comment(&mut self, span: &Option<cml_ir::Span>) {
        if let (Some(lines), Some(span)) = (self.lines, span) {
            let (number, text) = lines.line(span.start);
            if number != self.last_line {
                let _ = writeln!(self.text, "    ; line {number}: {}", text.trim());
                self.last_line = number;
            }
            let position = (number, lines.column(span.start));
            if position != self.last_position {
                // The debug table's entry (docs/backend.md, "Debug
                // information"): the driver takes these labels out of
                // the image's symbols into its pc → line:column table.
                self.labels += 1;
                let _ = writeln!(
                    self.text,
                    "{}L{}_C{}_{}_{}:",
                    crate::DEBUG_LABEL_PREFIX,
                    position.0,
                    position.1,
                    self.index,
                    self.labels
                );
                self.last_position = position;
            }
        }
    }

    /// Loads an atom into a register, with its tag.
    fn load(&mut self, register: &str, atom: &Atom) {
        match atom {
            Atom::Local(local) => {
                let slot = self.slot(local);
                self.line(&format!("LDS {register}, {slot}"));
            }
            Atom::Int(number) => load_number(&mut self.text, register, *number as u16),
            Atom::Bool(value) => {
                self.line(&format!("LI {register}, {}", u8::from(*value)));
                self.line(&format!("SETTAG {register}, BOOL"));
            }
            Atom::Unit => {
                self.line(&format!("LI {register}, 0"));
                self.line(&format!("SETTAG {register}, UNIT"));
            }
            Atom::String(id) => {
                load_number(&mut self.text, register, self.layout.string(id.0));
                self.line(&format!("SETTAG {register}, PTR"));
            }
            Atom::StaticClosure(function) => {
                load_number(
                    &mut self.text,
                    register,
                    self.layout.function_closure(*function),
                );
                self.line(&format!("SETTAG {register}, CLOSURE"));
            }
            Atom::Constant(variant) => {
                load_number(&mut self.text, register, self.layout.constant(*variant));
                self.line(&format!("SETTAG {register}, PTR"));
            }
        }
    }

    fn store(&mut self, register: &str, slot: Option<u8>) {
        if let Some(slot) = slot {
            self.line(&format!("STS {register}, {slot}"));
        }
    }

    fn load_arguments(&mut self, callee: &Atom, arguments: &[Atom]) {
        for (register, argument) in arguments.iter().enumerate() {
            self.load(&format!("v{register}"), argument);
        }
        self.load("v7", callee);
    }

    /// Emits `let local = value`.
    fn bind(&mut self, local: &Option<LocalId>, value: &Value, span: &Option<cml_ir::Span>) {
        self.source_comment(span);
        let slot = local
            .as_ref()
            .and_then(|local| self.frame.slots.get(local).copied());
        self.value(value, slot);
    }

    fn term(&mut self, term: &Term, context: &Context) {
        if self.branch_on_comparison(term, context) {
            return;
        }
        match term {
            Term::Let {
                local,
                value,
                span,
                body,
            } => {
                self.bind(local, value, span);
                self.term(body, context);
            }
            Term::Return(atom) => match context {
                Context::Tail => {
                    self.load("v0", atom);
                    self.leave();
                    self.line("RET v0");
                }
                Context::Into { slot, join } => {
                    self.load("v2", atom);
                    self.store("v2", *slot);
                    self.line(&format!("JMP {join}"));
                }
            },
            Term::TailCall { callee, arguments } => {
                if matches!(context, Context::Tail) && self.self_tail_call(callee, arguments) {
                    return;
                }
                self.load_arguments(callee, arguments);
                match context {
                    Context::Tail => {
                        self.tail_call_leave();
                        self.line("TCALL v7, v0");
                    }
                    Context::Into { slot, join } => {
                        self.line("CALL v7, v0");
                        self.store("v0", *slot);
                        self.line(&format!("JMP {join}"));
                    }
                }
            }
            Term::TailResume {
                shallow,
                continuation,
                value,
            } => match context {
                Context::Tail => {
                    self.load("v0", value);
                    self.load("v1", continuation);
                    self.leave();
                    self.line(if *shallow {
                        "RESUS v1, v0"
                    } else {
                        "RESU v1, v0"
                    });
                }
                Context::Into { slot, join } => {
                    let resume = Value::Resume {
                        shallow: *shallow,
                        continuation: continuation.clone(),
                        value: value.clone(),
                    };
                    self.value(&resume, *slot);
                    self.line(&format!("JMP {join}"));
                }
            },
            Term::If {
                condition,
                then_branch,
                else_branch,
            } => {
                let otherwise = self.fresh_label("else");
                self.load("v2", condition);
                self.line(&format!("BZ v2, {otherwise}"));
                self.term(then_branch, context);
                let _ = writeln!(self.text, "{otherwise}:");
                self.term(else_branch, context);
            }
            Term::Switch {
                scrutinee,
                variant_count,
                cases,
                default,
            } => {
                self.load("v2", scrutinee);
                self.line("MATCH v3, v2, 0");
                let default_label = default.as_ref().map(|_| self.fresh_label("default"));
                let case_labels: Vec<(u8, String)> = cases
                    .iter()
                    .map(|(variant, _)| (*variant, self.fresh_label("case")))
                    .collect();
                let entries: Vec<String> = (0..*variant_count)
                    .map(|variant| {
                        case_labels
                            .iter()
                            .find(|(v, _)| *v == variant)
                            .map(|(_, label)| label.clone())
                            .or_else(|| default_label.clone())
                            .unwrap_or_else(|| "_".to_string())
                    })
                    .collect();
                self.line(&format!(".table {}", entries.join(", ")));
                for ((_, case), (_, case_label)) in cases.iter().zip(&case_labels) {
                    let _ = writeln!(self.text, "{case_label}:");
                    self.term(case, context);
                }
                if let (Some(default), Some(default_label)) = (default, default_label) {
                    let _ = writeln!(self.text, "{default_label}:");
                    self.term(default, context);
                }
            }
            Term::Blocks { body, blocks } => {
                self.term(body, context);
                for (block, term) in blocks {
                    let _ = writeln!(self.text, "{}:", self.block_label(*block));
                    self.term(term, context);
                }
            }
            Term::Jump(block) => {
                let label = self.block_label(*block);
                self.line(&format!("JMP {label}"));
            }
            Term::Fail(_) => {
                self.line("LI v0, 0");
                self.line("PERF 14, 15, v0      ; no arm matched");
            }
        }
    }

    /// Loads tagged field `field` of the object in `base` (PTR, or CLOSURE
    /// for v6) into v4. Clobbers v3, v5, v7. Preemptible code reads the
    /// value and the tag word with LD and retags with `__retag`.
    fn load_field(&mut self, base: &str, field: usize) {
        if self.preemptible {
            self.line(&format!("LD v4, {base}, {}", 2 * field));
            self.line(&format!("LD v5, {base}, {}", 2 * field + 1));
            self.call_routine("__retag");
        } else {
            self.line("CSRR v3, SP");
            self.at_object(base, &format!("LDS v4, {field}"));
        }
    }

    /// Stores v4, with its tag, into field `field` of the object in
    /// `base` (a register other than v3, v5, v6, v7; PTR when
    /// preemptible). Clobbers v3, v5, v7. Preemptible code gets the tag
    /// with `__tag_of` and writes both words with ST.
    fn store_field(&mut self, base: &str, field: usize) {
        if self.preemptible {
            self.line("MOV v3, v6");
            self.line("MOV v6, v4");
            self.call_routine("__tag_of");
            self.line("MOV v6, v3");
            self.line(&format!("ST v4, {base}, {}", 2 * field));
            self.line(&format!("ST v5, {base}, {}", 2 * field + 1));
        } else {
            self.line("CSRR v3, SP");
            self.at_object(base, &format!("STS v4, {field}"));
        }
    }

    /// Points v2 at this core's block of top-level values (the GP
    /// control register, set by the start routine) and returns the field
    /// of v2 that holds top-level value `index`. Plain code reads fields
    /// up to 63 with LDS; preemptible code reads words up to 15 with LD,
    /// so further cells are reached by stepping v2 on with INC.
    fn global_cell(&mut self, index: usize) -> usize {
        self.line("CSRR v2, GP");
        self.line("SETTAG v2, PTR");
        let reachable = if self.preemptible { 7 } else { 63 };
        if index <= reachable {
            return index;
        }
        let mut words = 2 * index;
        while words > 0 {
            let step = words.min(14);
            self.line(&format!("INC v2, v2, {step}"));
            words -= step;
        }
        0
    }

    /// Calls a runtime routine that keeps v0 (CALL v7, v0 ... RET v0).
    fn call_routine(&mut self, name: &str) {
        load_number(&mut self.text, "v7", self.layout.routine(name));
        self.line("SETTAG v7, CLOSURE");
        self.line("CALL v7, v0");
    }

    /// v1 ← (INT, the tag code of v0), for `__hash`, which takes the
    /// value's tag as a number and reads fields with LD only. Preemptible
    /// code asks `__tag_of` (v6 kept in v4 meanwhile); other code stores
    /// v0 in a slot of its own below the frame and reads the slot's tag
    /// word through a pointer made from sp, which only preemption could
    /// invalidate.
    fn tag_code_of_v0(&mut self) {
        if self.preemptible {
            self.line("MOV v4, v6");
            self.line("MOV v6, v0");
            self.call_routine("__tag_of");
            self.line("MOV v1, v5");
            self.line("MOV v6, v4");
        } else {
            self.line("ENTER 1");
            self.line("STS v0, 0");
            self.line("CSRR v1, SP");
            self.line("SETTAG v1, PTR");
            self.line("LD v1, v1, 1");
            self.line("LEAVE 1");
        }
    }

    /// Points sp at `base` (a register), runs `inner`, points it back.
    fn at_object(&mut self, base: &str, inner: &str) {
        self.line(&format!("CSRW {base}, SP"));
        self.line(inner);
        self.line("CSRW v3, SP");
    }

    fn value(&mut self, value: &Value, slot: Option<u8>) {
        match value {
            Value::Atom(atom) => {
                if slot.is_some() {
                    self.load("v2", atom);
                    self.store("v2", slot);
                }
            }
            Value::Primitive(primitive, atoms) => self.primitive(*primitive, atoms, slot),
            Value::Runtime(routine, atoms) => {
                let name = match routine {
                    Runtime::Concat => "__concat",
                    Runtime::StringOfInt => "__string_of_int",
                    Runtime::Equal => "__equal",
                    Runtime::FormatInt => "__format_int",
                    Runtime::StringOfByte => "__string_of_byte",
                    Runtime::SendMessage => "__send_message",
                    Runtime::Hash => "__hash",
                };
                for (register, atom) in atoms.iter().enumerate() {
                    self.load(&format!("v{register}"), atom);
                }
                let name = if self.preemptible && name == "__equal" {
                    // The operands' tags as INTs in v2 and v3 (v6 kept
                    // in v4 meanwhile), for the preemptible `__equal_p`.
                    self.line("MOV v4, v6");
                    for (operand, tag) in [("v0", "v2"), ("v1", "v3")] {
                        self.line(&format!("MOV v6, {operand}"));
                        self.call_routine("__tag_of");
                        self.line(&format!("MOV {tag}, v5"));
                    }
                    self.line("MOV v6, v4");
                    "__equal_p"
                } else {
                    name
                };
                if name == "__hash" {
                    self.tag_code_of_v0();
                }
                load_number(&mut self.text, "v7", self.layout.routine(name));
                self.line("SETTAG v7, CLOSURE");
                self.line("CALL v7, v0");
                self.store("v0", slot);
            }
            Value::Call { callee, arguments } => {
                self.load_arguments(callee, arguments);
                self.line("CALL v7, v0");
                self.store("v0", slot);
            }
            Value::Allocate { kind, fields } => {
                if fields.len() > MAX_FIELDS {
                    self.error = Some(CodegenError {
                        message: format!(
                            "an object of {} fields; at most {MAX_FIELDS} for now",
                            fields.len()
                        ),
                        span: None,
                    });
                    return;
                }
                let (layout, variant) = match kind {
                    ObjectKind::Record => ("RECORD", 0),
                    ObjectKind::Sum(variant) => ("SUM", *variant),
                };
                let performs = self.program.allocation_performs;
                crate::memory::allocate(&mut self.text, performs, "v2", layout, 2 * fields.len());
                if variant != 0 {
                    self.line(&format!("SETV v2, {variant}"));
                }
                self.fill_fields(fields, 0);
                self.store("v2", slot);
            }
            Value::MakeClosure { function, captured } => {
                let performs = self.program.allocation_performs;
                let size = 2 + 2 * captured.len();
                crate::memory::allocate(&mut self.text, performs, "v2", "CLOSURE_REC", size);
                load_number(
                    &mut self.text,
                    "v4",
                    self.layout.function_closure(*function),
                );
                self.line("SETTAG v4, PTR");
                self.line("LD v5, v4, 0");
                self.line("ST v5, v2, 0");
                self.line("LD v5, v4, 1");
                self.line("ST v5, v2, 1");
                self.fill_fields(captured, 1);
                self.line("SETTAG v2, CLOSURE");
                self.store("v2", slot);
            }
            Value::Field { object, index } => {
                self.load("v2", object);
                self.load_field("v2", *index);
                self.store("v4", slot);
            }
            Value::SetField {
                object,
                index,
                value,
            } => {
                self.load("v2", object);
                self.load("v4", value);
                if self.preemptible {
                    // ST wants a PTR; the object may be a closure (the
                    // patching of local mutual recursion).
                    self.line("SETTAG v2, PTR");
                }
                self.store_field("v2", *index);
                self.store_unit(slot);
            }
            Value::LoadCaptured(index) => {
                self.load_field("v6", *index + 1);
                self.store("v4", slot);
            }
            Value::SetCaptured { index, value } => {
                self.load("v4", value);
                if self.preemptible {
                    self.line("MOV v2, v6");
                    self.line("SETTAG v2, PTR");
                    self.store_field("v2", *index + 1);
                } else {
                    self.line("CSRR v3, SP");
                    self.at_object("v6", &format!("STS v4, {}", index + 1));
                }
                self.store_unit(slot);
            }
            Value::CurrentClosure => self.store("v6", slot),
            Value::LoadGlobal(global) => {
                let field = self.global_cell(global.0 as usize);
                self.load_field("v2", field);
                self.store("v4", slot);
            }
            Value::StoreGlobal(global, value) => {
                self.load("v4", value);
                let field = self.global_cell(global.0 as usize);
                self.store_field("v2", field);
                self.store_unit(slot);
            }
            Value::Perform { effect, argument } => {
                self.load("v0", argument);
                self.line(&format!("PERF {}, {}, v0", effect.family, effect.op));
                self.store("v0", slot);
            }
            Value::Resume {
                shallow,
                continuation,
                value,
            } => {
                self.load("v0", value);
                self.load("v1", continuation);
                let routine = if *shallow { "__resumes" } else { "__resume" };
                load_number(&mut self.text, "v7", self.layout.routine(routine));
                self.line("SETTAG v7, CLOSURE");
                self.line("CALL v7, v0");
                self.store("v0", slot);
            }
            Value::Installed => {
                let equal = self.fresh_label("installed");
                let done = self.fresh_label("probed");
                self.load("v0", &Atom::Unit);
                self.line(&format!(
                    "PERF {}, {}, v0      ; the instance probe",
                    PROBE.family, PROBE.op
                ));
                self.line("MOV v2, v0");
                self.line("MOV v3, v6");
                self.same_value_bits(&equal, &done);
                self.store("v2", slot);
            }
            Value::Uninstall(effects) => {
                for effect in effects {
                    self.line(&format!("UNIN {}, {}", effect.family, effect.op));
                }
                self.store_unit(slot);
            }
            Value::InstallRegion(arena) => {
                self.load("v2", arena);
                let labels = [self.fresh_label("region"), self.fresh_label("region")];
                crate::memory::install_region(&mut self.text, "v2", labels);
                self.store_unit(slot);
            }
            Value::Block(term) => {
                let join = self.fresh_label("join");
                self.term(
                    term,
                    &Context::Into {
                        slot,
                        join: join.clone(),
                    },
                );
                let _ = writeln!(self.text, "{join}:");
            }
        }
    }

    fn store_unit(&mut self, slot: Option<u8>) {
        if slot.is_some() {
            self.load("v2", &Atom::Unit);
            self.store("v2", slot);
        }
    }

    /// Stores atoms into the tagged slots of the object in v2, from slot
    /// `first` on.
    fn fill_fields(&mut self, fields: &[Atom], first: usize) {
        if fields.is_empty() {
            return;
        }
        if self.preemptible {
            for (index, field) in fields.iter().enumerate() {
                self.load("v4", field);
                self.store_field("v2", first + index);
            }
            return;
        }
        self.line("CSRR v3, SP");
        for (index, field) in fields.iter().enumerate() {
            self.load("v4", field);
            self.at_object("v2", &format!("STS v4, {}", first + index));
        }
    }
}
