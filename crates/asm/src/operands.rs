//! Operand values: what an operand written in the source means for a field
//! of a given kind, checked against the kind's range.
//!
//! The rules depend only on the field's [`OperandKind`] from the
//! instruction table: a register field takes `v0`..`v7`; a layout, tag or
//! control-register field also takes its names; a pc-relative field takes
//! a label (the target) or a number (the raw offset); any other field takes
//! a number, a `.equ` constant or a label's address. Word operands of
//! directives take numbers from -0x8000 to 0xFFFF, constants and labels.

use std::collections::HashMap;

use cml_diagnostics::Diagnostic;
use cml_isa::{
    syntax, InstructionSpec, Layout, OperandField, OperandKind, Tag, CONTROL_REGISTER_NAMES,
};

use crate::diagnostics::{code, error};
use crate::lexer::Span;
use crate::parser::{Operand, Value};
use crate::program::{Constant, FieldValue, Reference, TableEntry, WordValue};

/// The smallest value a word operand accepts (as a signed 16-bit number).
pub(crate) const WORD_MINIMUM: i64 = -0x8000;
/// The largest value a word operand accepts (as an unsigned 16-bit number).
pub(crate) const WORD_MAXIMUM: i64 = 0xFFFF;

pub(crate) fn expected_number(operand: &Operand) -> Diagnostic {
    error(
        code::BAD_OPERAND,
        "expected a number",
        operand.span.clone(),
        "this is not a number",
    )
    .with_hint("write a number such as 12, -3, 0x41 or 'A'")
}

/// Checks an operand's `key=` against the field name it stands for.
pub(crate) fn check_key(
    spec: &InstructionSpec,
    field_name: &str,
    operand: &Operand,
) -> Result<(), Diagnostic> {
    match &operand.key {
        Some((key, span)) if !key.eq_ignore_ascii_case(field_name) => Err(error(
            code::BAD_OPERAND,
            format!(
                "this operand of `{}` is `{field_name}`, not `{key}`",
                spec.name
            ),
            span.clone(),
            format!("expected `{field_name}=` or no name here"),
        )
        .with_note(format!("the operands are, in order: {}", syntax(spec)))
        .with_hint("write the operands in the table's order")),
        _ => Ok(()),
    }
}

/// The register a name denotes (`v0`..`v7`, any case), or `Err(())` for a
/// name that looks like a register but is not one (`v8`).
fn register_number(name: &str) -> Option<Result<i32, ()>> {
    let digits = name.strip_prefix(['v', 'V'])?;
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    match digits.parse::<i32>() {
        Ok(index) if (0..8).contains(&index) => Some(Ok(index)),
        _ => Some(Err(())),
    }
}

/// The value a name denotes in a field of this kind (`RECORD`, `INT`,
/// `HP`), if the kind has names.
fn named_value(kind: OperandKind, name: &str) -> Option<i32> {
    match kind {
        OperandKind::Layout => Layout::from_name(name).map(|layout| layout.code() as i32),
        OperandKind::Tag => Tag::from_name(name).map(|tag| tag.code() as i32),
        OperandKind::ControlRegister => CONTROL_REGISTER_NAMES
            .iter()
            .position(|candidate| candidate.eq_ignore_ascii_case(name))
            .map(|index| index as i32),
        _ => None,
    }
}

/// The value of one operand for one table field.
pub(crate) fn field_value(
    spec: &InstructionSpec,
    field: &OperandField,
    operand: &Operand,
    constants: &HashMap<String, Constant>,
) -> Result<FieldValue, Diagnostic> {
    check_key(spec, field.name, operand)?;
    let kind = field.kind;
    let describe = || format!("{}'s {} is {}", spec.name, field.name, kind.description());
    if kind == OperandKind::Register {
        let problem = match &operand.value {
            Value::Name(name) => match register_number(name) {
                Some(Ok(index)) => return Ok(FieldValue::Fixed(index)),
                Some(Err(())) => format!("`{name}` is not a register"),
                None => format!("`{name}` is not a register"),
            },
            Value::Number(number) => format!("`{number}` is a number, not a register"),
            Value::Text(_) => "a string is not a register".to_string(),
        };
        return Err(error(
            code::BAD_REGISTER,
            problem,
            operand.span.clone(),
            "expected a register: there are eight, v0 to v7",
        )
        .with_note(describe())
        .with_hint("write v0, v1, ... or v7"));
    }
    let value = match &operand.value {
        Value::Number(number) => *number,
        Value::Name(name) => {
            if let Some(value) = named_value(kind, name) {
                return Ok(FieldValue::Fixed(value));
            }
            if register_number(name).is_some() {
                return Err(error(
                    code::BAD_OPERAND,
                    format!(
                        "`{name}` is a register, but {} takes no register here",
                        spec.name
                    ),
                    operand.span.clone(),
                    format!("expected {}", kind.description()),
                )
                .with_note(describe())
                .with_note(format!("the operands are, in order: {}", syntax(spec)))
                .with_hint("check the operand order"));
            }
            match constants.get(name) {
                Some(constant) => constant.value,
                None => {
                    let reference = Reference {
                        name: name.clone(),
                        span: operand.span.clone(),
                    };
                    return Ok(if kind.is_pc_relative() {
                        FieldValue::Target(reference)
                    } else {
                        FieldValue::Address(reference)
                    });
                }
            }
        }
        Value::Text(_) => {
            return Err(error(
                code::BAD_OPERAND,
                "a string is not an instruction operand",
                operand.span.clone(),
                format!("expected {}", kind.description()),
            )
            .with_note(describe())
            .with_hint("strings belong in `.ascii` and `.asciz`"));
        }
    };
    let minimum = kind.assembler_minimum() as i64;
    let maximum = kind.assembler_maximum() as i64;
    if (minimum..=maximum).contains(&value) {
        Ok(FieldValue::Fixed(value as i32))
    } else {
        Err(out_of_range(
            operand.span.clone(),
            value,
            minimum,
            maximum,
            &format!("{}'s {}", spec.name, field.name),
            &describe(),
            kind.is_pc_relative(),
        ))
    }
}

/// A word operand: a number (-0x8000..=0xFFFF), a constant, or a label's
/// address.
pub(crate) fn word_value(
    operand: &Operand,
    constants: &HashMap<String, Constant>,
) -> Result<WordValue, Diagnostic> {
    let value = match &operand.value {
        Value::Number(number) => *number,
        Value::Name(name) => match constants.get(name) {
            Some(constant) => constant.value,
            None => {
                return Ok(WordValue::Address(Reference {
                    name: name.clone(),
                    span: operand.span.clone(),
                }))
            }
        },
        Value::Text(_) => {
            return Err(error(
                code::BAD_OPERAND,
                "a string is not a word",
                operand.span.clone(),
                "expected a number or a label",
            )
            .with_hint("use `.ascii \"text\"` for text"))
        }
    };
    if (WORD_MINIMUM..=WORD_MAXIMUM).contains(&value) {
        Ok(WordValue::Fixed(value as u16))
    } else {
        Err(out_of_range(
            operand.span.clone(),
            value,
            WORD_MINIMUM,
            WORD_MAXIMUM,
            "a word",
            "a word is 16 bits: -32768..=65535",
            false,
        ))
    }
}

/// One `.table` entry: `_`, a label, or a raw number.
pub(crate) fn table_entry(
    operand: &Operand,
    constants: &HashMap<String, Constant>,
) -> Result<TableEntry, Diagnostic> {
    if operand.value == Value::Name("_".to_string()) {
        return Ok(TableEntry::Missing);
    }
    Ok(match word_value(operand, constants)? {
        WordValue::Fixed(word) => TableEntry::Raw(word),
        WordValue::Address(reference) => TableEntry::Target(reference),
    })
}

/// A value outside its range. `what` names the place ("LI's imm8"),
/// `description` says what it holds.
pub(crate) fn out_of_range(
    span: Span,
    value: i64,
    minimum: i64,
    maximum: i64,
    what: &str,
    description: &str,
    pc_relative: bool,
) -> Diagnostic {
    let hint = if pc_relative {
        "write a label instead of an offset: the assembler computes the offset and lengthens \
         branches and jumps that cannot reach"
            .to_string()
    } else {
        format!("use a value in {minimum}..={maximum}")
    };
    error(
        code::OUT_OF_RANGE,
        format!("`{value}` does not fit in {what}"),
        span,
        format!("this must be in {minimum}..={maximum}"),
    )
    .with_note(description.to_string())
    .with_note(format!("expected {minimum}..={maximum}, found {value}"))
    .with_hint(hint)
}
