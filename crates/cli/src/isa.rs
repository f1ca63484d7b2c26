//! `cml isa`: the instruction table, as aligned text or as Markdown.

use cml_isa::{syntax, OperandKind, TABLE};

use crate::{write_stdout, Ending};

/// Print the instruction set.
///
/// Prints every instruction of the machine, generated from the one
/// instruction table the assembler, disassembler and machine all use: its
/// opcode (with the sub-function for the v0.5 groups that share one), its
/// assembly syntax, the ISA version that introduced it and what it does.
/// The operand kinds follow, with their widths and ranges. `--markdown`
/// prints the same table as the Markdown of `docs/isa-reference.md`, with
/// each instruction's bit layout.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  cml isa                              the table as aligned text
  cml isa | grep PERF                  one instruction
  cml isa --markdown > docs/isa-reference.md")]
pub struct IsaArgs {
    /// Print Markdown (the form of docs/isa-reference.md) instead of text.
    #[arg(long)]
    pub markdown: bool,
}

/// Runs `cml isa`.
pub fn print_instruction_set(args: &IsaArgs) -> Ending {
    let text = if args.markdown {
        cml_isa::reference_markdown()
    } else {
        plain_table()
    };
    write_stdout(text.as_bytes());
    Ending::Success
}

/// The instruction table as aligned plain text, then the operand kinds.
pub fn plain_table() -> String {
    let mut instructions = vec![[
        "opcode".to_string(),
        "instruction".to_string(),
        "version".to_string(),
        "what it does".to_string(),
    ]];
    for spec in TABLE {
        let opcode = match spec.sub_function {
            Some(sub_function) => format!("{:#04x}/{}", spec.opcode, sub_function.value),
            None => format!("{:#04x}", spec.opcode),
        };
        instructions.push([
            opcode,
            syntax(spec),
            spec.version.to_string(),
            spec.semantics.to_string(),
        ]);
    }

    let mut kinds: Vec<OperandKind> = Vec::new();
    for field in TABLE.iter().flat_map(|spec| spec.fields) {
        if !kinds.contains(&field.kind) {
            kinds.push(field.kind);
        }
    }
    let mut operand_kinds = vec![[
        "operand kind".to_string(),
        "bits".to_string(),
        "range".to_string(),
        "pc-relative".to_string(),
    ]];
    for kind in kinds {
        operand_kinds.push([
            kind.description().to_string(),
            kind.width().to_string(),
            format!("{}..={}", kind.minimum(), kind.maximum()),
            if kind.is_pc_relative() { "yes" } else { "no" }.to_string(),
        ]);
    }

    let mut text = aligned(&instructions);
    text.push('\n');
    text.push_str(&aligned(&operand_kinds));
    text
}

/// Rows as columns padded to their widest cell, two spaces apart, with no
/// trailing spaces.
fn aligned<const COLUMNS: usize>(rows: &[[String; COLUMNS]]) -> String {
    let mut widths = [0usize; COLUMNS];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in rows {
        let mut line = String::new();
        for (index, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if index + 1 < COLUMNS {
                let padding = widths[index] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', padding));
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plain_table_lists_every_instruction_once() {
        let table = plain_table();
        for spec in TABLE {
            let syntax = syntax(spec);
            assert!(
                table.lines().any(|line| line.contains(&syntax)),
                "{syntax} missing"
            );
        }
        assert!(table.lines().all(|line| line == line.trim_end()));
    }
}
