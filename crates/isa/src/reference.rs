//! A readable listing of the instruction table, for `cml isa` and for
//! `docs/isa-reference.md` (which a test keeps equal to this output).

use std::fmt::Write;

use crate::{OperandKind, TABLE};

/// The instruction table as a Markdown document.
pub fn reference_markdown() -> String {
    let mut out = String::new();
    out.push_str("# Instruction reference\n\n");
    out.push_str(
        "Generated from the instruction table in `crates/isa/src/table.rs` by \
         `cml isa --markdown`; do not edit by hand. Bit positions count from 0 \
         (least significant). Offsets marked *pc-relative* count from the \
         address of the next instruction.\n\n",
    );
    out.push_str("| opcode | mnemonic | version | encoding | semantics |\n");
    out.push_str("|---|---|---|---|---|\n");
    for spec in TABLE {
        let opcode = match spec.sub_function {
            Some(sub) => format!("{:#04x}/{}", spec.opcode, sub.value),
            None => format!("{:#04x}", spec.opcode),
        };
        let _ = writeln!(
            out,
            "| {opcode} | `{}` | {} | `{}` | {} |",
            syntax(spec),
            spec.version,
            layout_line(spec),
            spec.semantics.replace('|', "\\|"),
        );
    }
    out.push_str("\nOperand kinds:\n\n");
    out.push_str("| kind | bits | range | pc-relative |\n|---|---|---|---|\n");
    for kind in ALL_KINDS {
        let _ = writeln!(
            out,
            "| {} | {} | {}..={} | {} |",
            kind.description(),
            kind.width(),
            kind.minimum(),
            kind.maximum(),
            if kind.is_pc_relative() { "yes" } else { "no" }
        );
    }
    out
}

/// The assembly syntax of a row: `ADD vd, vs, vt`.
pub fn syntax(spec: &crate::InstructionSpec) -> String {
    let names: Vec<&str> = spec.fields.iter().map(|field| field.name).collect();
    let mut text = spec.name.to_string();
    if spec.trailing_words > 0 {
        text.push_str(" target");
    } else if !names.is_empty() {
        text.push(' ');
        text.push_str(&names.join(", "));
    }
    text
}

/// The bit layout of a row, most significant field first:
/// `01111 family:4 op:4 vr:3`.
fn layout_line(spec: &crate::InstructionSpec) -> String {
    let mut parts: Vec<(u32, String)> = vec![(11, format!("{:05b}", spec.opcode))];
    if let Some(sub) = spec.sub_function {
        parts.push((
            sub.low_bit,
            format!("{:0width$b}", sub.value, width = sub.width as usize),
        ));
    }
    for field in spec.fields {
        parts.push((
            field.low_bit,
            format!("{}:{}", field.name, field.kind.width()),
        ));
    }
    parts.sort_by_key(|(low_bit, _)| std::cmp::Reverse(*low_bit));
    let mut covered_to = 16;
    let mut text = Vec::new();
    for (low_bit, part) in parts {
        let width = match part.split_once(':') {
            Some((_, width)) => width.parse::<u32>().unwrap_or(0),
            None => part.len() as u32,
        };
        let top = low_bit + width;
        if top < covered_to {
            text.push(format!("0:{}", covered_to - top));
        }
        text.push(part);
        covered_to = low_bit;
    }
    if covered_to > 0 {
        text.push(format!("0:{covered_to}"));
    }
    text.join(" ")
}

const ALL_KINDS: [OperandKind; 16] = [
    OperandKind::Register,
    OperandKind::SignedImmediate8,
    OperandKind::UnsignedImmediate8,
    OperandKind::BranchOffset8,
    OperandKind::JumpOffset11,
    OperandKind::MemoryOffset5,
    OperandKind::TableOffset5,
    OperandKind::HandlerOffset3,
    OperandKind::Family,
    OperandKind::EffectOp,
    OperandKind::Layout,
    OperandKind::Count4,
    OperandKind::Tag,
    OperandKind::UnsignedImmediate4,
    OperandKind::Slot6,
    OperandKind::ControlRegister,
];
