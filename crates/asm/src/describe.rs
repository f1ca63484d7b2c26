//! One instruction in words, for traces and trap reports.

use std::fmt::Write;

use cml_isa::decode;

/// One instruction for traces and trap reports, e.g.
/// "BZ v0, -3 (→ 0x0010 loop)".
///
/// `address` is where `word` is; `next_word` is the word after it (JMPA's
/// target); `symbol` names addresses. pc-relative operands are written as
/// offsets followed by the target address (wrapping around memory as the
/// machine does) and its name, if it has one. An illegal word is written
/// `.insn 0x....` with the reason.
pub fn describe_instruction(
    word: u16,
    address: u16,
    next_word: u16,
    symbol: &dyn Fn(u16) -> Option<String>,
) -> String {
    let instruction = match decode(word) {
        Ok(instruction) => instruction,
        Err(illegal) => return format!(".insn {word:#06x} (illegal: {illegal})"),
    };
    let spec = instruction.mnemonic().spec();
    let mut targets = Vec::new();
    let mut text = crate::disassemble::write_instruction(&instruction, |offset| {
        targets.push(address.wrapping_add(1).wrapping_add(offset as u16));
        None
    });
    if spec.trailing_words > 0 {
        let _ = write!(text, " {next_word:#06x}");
        targets.push(next_word);
    }
    for target in targets {
        let _ = write!(text, " (→ {target:#06x}");
        if let Some(name) = symbol(target) {
            let _ = write!(text, " {name}");
        }
        text.push(')');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(address: u16) -> Option<String> {
        (address == 0x0010).then(|| "loop".to_string())
    }

    #[test]
    fn a_branch_shows_its_target_and_its_name() {
        // BZ v0, -3 at 0x0012: the target is 0x0013 - 3 = 0x0010.
        let word = 0x2000 | 0xFD;
        assert_eq!(
            describe_instruction(word, 0x0012, 0, &names),
            "BZ v0, -3 (→ 0x0010 loop)"
        );
    }

    #[test]
    fn plain_instructions_and_illegal_words() {
        assert_eq!(describe_instruction(0x0041, 0, 0, &names), "LI v0, 65");
        assert_eq!(
            describe_instruction(0x7900, 0, 0, &names),
            "PERF family=2, op=0, v0"
        );
        assert!(describe_instruction(0x0903 | 0x0004, 0, 0, &names).starts_with("LIH"));
        assert!(describe_instruction(0x1001, 0, 0, &names).starts_with(".insn 0x1001 (illegal"));
    }

    #[test]
    fn jmpa_shows_the_word_after_it() {
        assert_eq!(
            describe_instruction(0xE001, 0x0100, 0x0010, &names),
            "JMPA 0x0010 (→ 0x0010 loop)"
        );
    }
}
