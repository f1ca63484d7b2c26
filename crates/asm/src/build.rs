//! From parsed lines to the program model: directives, labels, constants,
//! and instructions with their operands checked against the table.
//!
//! Every operand rule comes from the instruction table: the number of
//! operands is the row's field count plus its trailing words, each field's
//! kind says whether it takes a register, a name (layout, tag, control
//! register), a number, or a label, and the kind's assembler range bounds
//! the number. Nothing here is specific to one mnemonic. A line with an
//! error leaves a placeholder of the instruction's size, so that later
//! lines still get their own diagnostics.

use std::collections::HashMap;

use cml_diagnostics::Diagnostic;
use cml_isa::{syntax, InstructionSpec, IsaVersion, Mnemonic, TABLE};

use crate::diagnostics::{closest, code, error, syntax_error};
use crate::lexer::Span;
use crate::operands::{
    check_key, expected_number, field_value, out_of_range, table_entry, word_value, WORD_MAXIMUM,
    WORD_MINIMUM,
};
use crate::parser::{Line, Operand, Statement, Value};
use crate::program::{
    Constant, EntryValue, InstructionItem, Item, ItemKind, LabelDefinition, Program, Reach,
    Section, WordValue,
};

/// The directives the assembler knows.
pub(crate) const DIRECTIVES: [&str; 11] = [
    ".org", ".word", ".ascii", ".asciz", ".zero", ".fill", ".table", ".insn", ".entry", ".isa",
    ".equ",
];

/// Builds the program from parsed lines. Problems are appended to
/// `errors`; the program is still returned so layout can find more.
pub(crate) fn build_program(
    lines: &[Line],
    default_isa: IsaVersion,
    errors: &mut Vec<Diagnostic>,
) -> Program {
    let mut builder = Builder {
        program: Program {
            isa: default_isa,
            sections: vec![Section {
                origin: 0,
                span: None,
                items: Vec::new(),
            }],
            labels: Vec::new(),
            label_index: HashMap::new(),
            constants: HashMap::new(),
            entry: None,
        },
        errors,
        isa_span: None,
        entry_span: None,
    };
    builder.read_isa_and_constants(lines);
    for line in lines {
        builder.line(line);
    }
    builder.program
}

struct Builder<'errors> {
    program: Program,
    errors: &'errors mut Vec<Diagnostic>,
    isa_span: Option<Span>,
    entry_span: Option<Span>,
}

impl Builder<'_> {
    /// The first pass: `.isa` (which decides what instructions exist) and
    /// `.equ` constants (which may be used before their line).
    fn read_isa_and_constants(&mut self, lines: &[Line]) {
        for statement in lines.iter().filter_map(|line| line.statement.as_ref()) {
            let name = statement.name.to_ascii_lowercase();
            if name == ".isa" {
                self.isa_directive(statement);
            } else if name == ".equ" {
                self.equ_directive(statement);
            }
        }
    }

    fn isa_directive(&mut self, statement: &Statement) {
        if !self.operand_count(statement, 1, 1, ".isa VERSION") {
            return;
        }
        let operand = &statement.operands[0];
        let version = match &operand.value {
            Value::Name(name) => IsaVersion::from_name(name),
            _ => None,
        };
        let Some(version) = version else {
            self.errors.push(
                error(
                    code::BAD_OPERAND,
                    "unknown ISA version",
                    operand.span.clone(),
                    "this names no ISA version",
                )
                .with_note("the versions are v0.4 (the book's) and v0.5 (v0.4 plus extensions)")
                .with_hint("write `.isa v0.4` or `.isa v0.5`"),
            );
            return;
        };
        if let Some(first) = &self.isa_span {
            if version != self.program.isa {
                self.errors.push(
                    error(
                        code::DUPLICATE_DIRECTIVE,
                        "conflicting `.isa` directives",
                        statement.span.clone(),
                        format!("this asks for {version}"),
                    )
                    .with_secondary(
                        0,
                        first.clone(),
                        format!("this asked for {}", self.program.isa),
                    )
                    .with_hint("keep one `.isa` directive"),
                );
            }
            return;
        }
        self.program.isa = version;
        self.isa_span = Some(statement.span.clone());
    }

    fn equ_directive(&mut self, statement: &Statement) {
        if !self.operand_count(statement, 2, 2, ".equ NAME, VALUE") {
            return;
        }
        let Value::Name(name) = &statement.operands[0].value else {
            self.errors.push(
                syntax_error(
                    "`.equ` needs a name",
                    statement.operands[0].span.clone(),
                    "this is not a name",
                )
                .with_hint("write `.equ NAME, VALUE`"),
            );
            return;
        };
        let value_operand = &statement.operands[1];
        let value = match self.constant_value(value_operand) {
            Ok(value) => value,
            Err(diagnostic) => {
                self.errors.push(diagnostic);
                return;
            }
        };
        let span = statement.operands[0].span.clone();
        if let Some(existing) = self.program.constants.get(name) {
            self.errors
                .push(duplicate_definition(name, &span, &existing.span));
            return;
        }
        self.program
            .constants
            .insert(name.clone(), Constant { value, span });
    }

    /// A number, or a constant defined on an earlier line.
    fn constant_value(&self, operand: &Operand) -> Result<i64, Diagnostic> {
        match &operand.value {
            Value::Number(number) => Ok(*number),
            Value::Name(name) => match self.program.constants.get(name) {
                Some(constant) => Ok(constant.value),
                None => Err(error(
                    code::UNDEFINED_LABEL,
                    format!("constant `{name}` is not defined"),
                    operand.span.clone(),
                    "no `.equ` before this line defines it",
                )
                .with_hint("a constant's value is a number or an earlier constant")),
            },
            Value::Text(_) => Err(expected_number(operand)),
        }
    }

    fn line(&mut self, line: &Line) {
        let statement = line.statement.as_ref();
        let is_org = statement.is_some_and(|s| s.name.eq_ignore_ascii_case(".org"));
        // Labels on a `.org` line name the new origin.
        if is_org {
            if let Some(statement) = statement {
                self.org_directive(statement);
            }
        }
        for label in &line.labels {
            self.define_label(&label.name, &label.span);
        }
        let Some(statement) = statement else { return };
        if is_org {
            return;
        }
        if statement.name.starts_with('.') {
            self.directive(statement);
        } else {
            self.instruction(statement);
        }
    }

    fn define_label(&mut self, name: &str, span: &Span) {
        if let Some(&index) = self.program.label_index.get(name) {
            let first = self.program.labels[index].span.clone();
            self.errors.push(duplicate_definition(name, span, &first));
            return;
        }
        if let Some(constant) = self.program.constants.get(name) {
            self.errors
                .push(duplicate_definition(name, span, &constant.span));
            return;
        }
        let section = self.program.sections.len() - 1;
        let item = self.program.sections[section].items.len();
        self.program
            .label_index
            .insert(name.to_string(), self.program.labels.len());
        self.program.labels.push(LabelDefinition {
            name: name.to_string(),
            span: span.clone(),
            section,
            item,
        });
    }

    fn push_item(&mut self, kind: ItemKind, span: Span) {
        let section = self
            .program
            .sections
            .last_mut()
            .expect("there is always a section");
        if section.span.is_none() {
            section.span = Some(span.clone());
        }
        section.items.push(Item { kind, span });
    }

    /// Checks the operand count of a directive.
    fn operand_count(
        &mut self,
        statement: &Statement,
        minimum: usize,
        maximum: usize,
        usage: &str,
    ) -> bool {
        let found = statement.operands.len();
        if (minimum..=maximum).contains(&found) {
            return true;
        }
        let expected = if minimum == maximum {
            format!("{minimum}")
        } else if maximum == usize::MAX {
            format!("at least {minimum}")
        } else {
            format!("{minimum} to {maximum}")
        };
        let name = statement.name.to_ascii_lowercase();
        self.errors.push(
            error(
                code::OPERAND_COUNT,
                format!("`{name}` takes {expected} operand{}", plural(maximum)),
                statement.span.clone(),
                format!("found {found}"),
            )
            .with_note(format!("expected {expected}, found {found}"))
            .with_hint(format!("write `{usage}`")),
        );
        false
    }

    fn directive(&mut self, statement: &Statement) {
        let name = statement.name.to_ascii_lowercase();
        let span = statement.span.clone();
        match name.as_str() {
            ".isa" | ".equ" => {}
            ".word" => {
                if self.operand_count(statement, 1, usize::MAX, ".word VALUE, ...") {
                    let results = statement
                        .operands
                        .iter()
                        .map(|operand| word_value(operand, &self.program.constants))
                        .collect();
                    let words = self.report_all(results);
                    if let Some(words) = words {
                        self.push_item(ItemKind::Words { words, data: true }, span);
                    }
                }
            }
            ".ascii" | ".asciz" => {
                if self.operand_count(statement, 1, 1, &format!("{name} \"text\"")) {
                    let operand = &statement.operands[0];
                    let Value::Text(bytes) = &operand.value else {
                        self.errors.push(
                            error(
                                code::BAD_OPERAND,
                                format!("`{name}` needs a string"),
                                operand.span.clone(),
                                "this is not a string literal",
                            )
                            .with_hint(format!("write `{name} \"text\"`")),
                        );
                        return;
                    };
                    let mut words: Vec<WordValue> = bytes
                        .iter()
                        .map(|&byte| WordValue::Fixed(byte as u16))
                        .collect();
                    if name == ".asciz" {
                        words.push(WordValue::Fixed(0));
                    }
                    self.push_item(ItemKind::Words { words, data: true }, span);
                }
            }
            ".zero" | ".fill" => {
                let (count, usage) = if name == ".zero" {
                    (1, ".zero COUNT")
                } else {
                    (2, ".fill COUNT, VALUE")
                };
                if !self.operand_count(statement, count, count, usage) {
                    return;
                }
                let length = self.number(&statement.operands[0], 0, 0x1_0000, "a word count");
                let value = match statement.operands.get(1) {
                    Some(operand) => word_value(operand, &self.program.constants)
                        .map_err(|diagnostic| self.errors.push(diagnostic))
                        .ok(),
                    None => Some(WordValue::Fixed(0)),
                };
                if let (Some(length), Some(value)) = (length, value) {
                    let words = vec![value; length as usize];
                    self.push_item(ItemKind::Words { words, data: true }, span);
                }
            }
            ".table" => {
                let results = statement
                    .operands
                    .iter()
                    .map(|operand| table_entry(operand, &self.program.constants))
                    .collect();
                let entries = self.report_all(results);
                if let Some(entries) = entries {
                    self.push_item(ItemKind::Table(entries), span);
                }
            }
            ".insn" => {
                if self.operand_count(statement, 1, 1, ".insn WORD") {
                    let operand = &statement.operands[0];
                    if let Some(word) = self.number(operand, WORD_MINIMUM, WORD_MAXIMUM, "a word") {
                        let words = vec![WordValue::Fixed(word as u16)];
                        self.push_item(ItemKind::Words { words, data: false }, span);
                    }
                }
            }
            ".entry" => self.entry_directive(statement),
            _ => {
                let mut diagnostic = error(
                    code::UNKNOWN_DIRECTIVE,
                    format!("unknown directive `{}`", statement.name),
                    statement.name_span.clone(),
                    "the assembler has no such directive",
                )
                .with_note(format!("the directives are {}", DIRECTIVES.join(" ")));
                diagnostic = match closest(&name, DIRECTIVES) {
                    Some(suggestion) => {
                        diagnostic.with_hint(format!("did you mean `{suggestion}`?"))
                    }
                    None => diagnostic.with_hint("a name ending in `:` is a label"),
                };
                self.errors.push(diagnostic);
            }
        }
    }

    /// Collects per-operand results, reporting every error; `None` if any
    /// failed.
    fn report_all<T>(&mut self, results: Vec<Result<T, Diagnostic>>) -> Option<Vec<T>> {
        let mut values = Vec::new();
        let mut failed = false;
        for result in results {
            match result {
                Ok(value) => values.push(value),
                Err(diagnostic) => {
                    self.errors.push(diagnostic);
                    failed = true;
                }
            }
        }
        (!failed).then_some(values)
    }

    /// A number or constant within `minimum..=maximum`.
    fn number(&mut self, operand: &Operand, minimum: i64, maximum: i64, what: &str) -> Option<i64> {
        let result = self.constant_value(operand).and_then(|value| {
            if (minimum..=maximum).contains(&value) {
                Ok(value)
            } else {
                Err(out_of_range(
                    operand.span.clone(),
                    value,
                    minimum,
                    maximum,
                    what,
                    &format!("{what} ({minimum}..={maximum})"),
                    false,
                ))
            }
        });
        result
            .map_err(|diagnostic| self.errors.push(diagnostic))
            .ok()
    }

    fn org_directive(&mut self, statement: &Statement) {
        if !self.operand_count(statement, 1, 1, ".org ADDRESS") {
            return;
        }
        if let Some(origin) = self.number(&statement.operands[0], 0, 0xFFFF, "an address") {
            self.program.sections.push(Section {
                origin: origin as u32,
                span: Some(statement.span.clone()),
                items: Vec::new(),
            });
        }
    }

    fn entry_directive(&mut self, statement: &Statement) {
        if !self.operand_count(statement, 1, 1, ".entry LABEL") {
            return;
        }
        if let Some(first) = &self.entry_span {
            self.errors.push(
                error(
                    code::DUPLICATE_DIRECTIVE,
                    "`.entry` is given twice",
                    statement.span.clone(),
                    "a second entry point",
                )
                .with_secondary(0, first.clone(), "the first one")
                .with_hint("keep one `.entry` directive"),
            );
            return;
        }
        self.entry_span = Some(statement.span.clone());
        let operand = &statement.operands[0];
        match word_value(operand, &self.program.constants) {
            Ok(WordValue::Fixed(address)) => self.program.entry = Some(EntryValue::Fixed(address)),
            Ok(WordValue::Address(reference)) => {
                self.program.entry = Some(EntryValue::Label(reference))
            }
            Err(diagnostic) => self.errors.push(diagnostic),
        }
    }

    fn instruction(&mut self, statement: &Statement) {
        let Some(mnemonic) = Mnemonic::from_name(&statement.name) else {
            self.errors.push(unknown_mnemonic(statement));
            return;
        };
        let spec = mnemonic.spec();
        let placeholder = ItemKind::Words {
            words: vec![WordValue::Fixed(0); 1 + spec.trailing_words as usize],
            data: false,
        };
        if spec.version > self.program.isa {
            self.errors
                .push(extension_error(spec, statement, &self.isa_span));
            self.push_item(placeholder, statement.span.clone());
            return;
        }
        let expected = spec.fields.len() + spec.trailing_words as usize;
        if statement.operands.len() != expected {
            self.errors.push(operand_count_error(spec, statement));
            self.push_item(placeholder, statement.span.clone());
            return;
        }
        let mut fields = Vec::new();
        let mut trailing = Vec::new();
        let mut failed = false;
        for (index, operand) in statement.operands.iter().enumerate() {
            let result = match spec.fields.get(index) {
                Some(field) => {
                    field_value(spec, field, operand, &self.program.constants).map(|value| {
                        fields.push(value);
                    })
                }
                None => check_key(spec, "target", operand)
                    .and_then(|()| word_value(operand, &self.program.constants))
                    .map(|word| trailing.push(word)),
            };
            if let Err(diagnostic) = result {
                self.errors.push(diagnostic);
                failed = true;
            }
        }
        let kind = if failed {
            placeholder
        } else {
            ItemKind::Instruction(InstructionItem {
                spec,
                fields,
                trailing,
                reach: Reach::Near,
            })
        };
        self.push_item(kind, statement.span.clone());
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

fn duplicate_definition(name: &str, span: &Span, first: &Span) -> Diagnostic {
    error(
        code::DUPLICATE_LABEL,
        format!("`{name}` is defined twice"),
        span.clone(),
        "defined again here",
    )
    .with_secondary(0, first.clone(), "first defined here")
    .with_note("a label or constant names one thing in the whole file")
    .with_hint("rename one of them")
}

fn unknown_mnemonic(statement: &Statement) -> Diagnostic {
    let names = TABLE.iter().map(|spec| spec.name);
    let diagnostic = error(
        code::UNKNOWN_MNEMONIC,
        format!("unknown mnemonic `{}`", statement.name),
        statement.name_span.clone(),
        format!("no instruction is called `{}`", statement.name),
    );
    match closest(&statement.name, names) {
        Some(suggestion) => diagnostic.with_hint(format!("did you mean `{suggestion}`?")),
        None => {
            let all: Vec<&str> = TABLE.iter().map(|spec| spec.name).collect();
            let diagnostic =
                diagnostic.with_note(format!("the instructions are {}", all.join(" ")));
            if statement.operands.is_empty() {
                diagnostic.with_hint(
                    "a label needs a colon after its name; `cml isa` lists the instructions",
                )
            } else {
                diagnostic.with_hint("`cml isa` lists the instructions")
            }
        }
    }
}

fn extension_error(
    spec: &InstructionSpec,
    statement: &Statement,
    isa_span: &Option<Span>,
) -> Diagnostic {
    let mut diagnostic = error(
        code::V05_EXTENSION,
        format!("instruction `{}` is an ISA v0.5 extension", spec.name),
        statement.name_span.clone(),
        "not part of ISA v0.4",
    )
    .with_note(format!("{}: {}", syntax(spec), spec.semantics))
    .with_hint("assemble with --isa v0.5 (the default) or avoid the extension");
    if let Some(span) = isa_span {
        diagnostic = diagnostic.with_secondary(0, span.clone(), "ISA v0.4 is chosen here");
    }
    diagnostic
}

fn operand_count_error(spec: &InstructionSpec, statement: &Statement) -> Diagnostic {
    let expected = spec.fields.len() + spec.trailing_words as usize;
    let found = statement.operands.len();
    let (span, message) = if found > expected {
        let first_extra = &statement.operands[expected];
        let last = statement.operands.last().unwrap_or(first_extra);
        (
            first_extra.span.start..last.span.end,
            if found - expected == 1 {
                "one operand too many".to_string()
            } else {
                format!("{} operands too many", found - expected)
            },
        )
    } else {
        (
            statement.span.clone(),
            format!(
                "{} operand{} missing",
                expected - found,
                plural(expected - found)
            ),
        )
    };
    let operand_names = syntax(spec);
    let names = operand_names
        .split_once(' ')
        .map_or("nothing", |(_, names)| names);
    error(
        code::OPERAND_COUNT,
        format!(
            "`{}` takes {expected} operand{}, found {found}",
            spec.name,
            plural(expected)
        ),
        span,
        message,
    )
    .with_note(format!(
        "{} takes {expected} operand{}: {names}",
        spec.name,
        plural(expected)
    ))
    .with_hint(format!("write `{operand_names}`"))
}
