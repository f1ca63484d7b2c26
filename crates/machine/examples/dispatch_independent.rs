//! A control for `dispatch_loop`: the same program, the same instruction
//! kinds and the same fused slots, but the SUB, the AND and the function's
//! ADD, XOR and RET read only v2 (the constant 1), so no instruction in
//! them waits for a register the one before it wrote. Only the chains the
//! loop cannot avoid remain: i (v1) from one iteration to the next, and
//! pc, sp and v6 through CALL's frame. If the guest registers' round trip
//! through memory limited the loop, this one would run faster. It does
//! not (docs/performance.md, "Wall clock, second look"), but mind the
//! layout: the two binaries place `hot_loop` at different addresses, which
//! alone moves the rate by 15-20 %, so compare several builds, on a CPU.
//!
//! A second argument `body` or `tail` makes only the function's three
//! (`body`) or only the SUB and AND (`tail`) independent.
//!
//! ```text
//! cargo build --release -p cml-machine --example dispatch_loop --example dispatch_independent
//! for i in $(seq 9); do target/release/examples/dispatch_loop 400; \
//!   target/release/examples/dispatch_independent 400; done
//! ```

#[path = "dispatch_loop.rs"]
mod dispatch_loop;

use cml_isa::{Instruction, Register};

fn main() {
    let repetitions = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let which = std::env::args().nth(2).unwrap_or_else(|| "all".into());
    let v = |index| Register::new(index).unwrap();
    let mut image = dispatch_loop::dispatch_loop_image(repetitions);
    let words = &mut image.segments[0].words;
    let rrr = |address: usize, words: &mut Vec<u16>, instruction: Instruction| {
        words[address] = instruction.encode();
    };
    if which != "body" {
        // SUB v4, v2, v2; AND v7, v2, v2 (were SUB v4, v0, v1; AND v4, v4, v2).
        rrr(
            10,
            words,
            Instruction::Sub {
                vd: v(4),
                vs: v(2),
                vt: v(2),
            },
        );
        rrr(
            11,
            words,
            Instruction::And {
                vd: v(7),
                vs: v(2),
                vt: v(2),
            },
        );
    }
    if which != "tail" {
        // ADD v4, v2, v2; XOR v7, v2, v2; RET v2 (were ADD v0, v0, v2;
        // XOR v0, v0, v2; RET v0).
        rrr(
            19,
            words,
            Instruction::Add {
                vd: v(4),
                vs: v(2),
                vt: v(2),
            },
        );
        rrr(
            20,
            words,
            Instruction::Xor {
                vd: v(7),
                vs: v(2),
                vt: v(2),
            },
        );
        rrr(21, words, Instruction::Ret { va: v(2) });
    }
    dispatch_loop::measure(&image);
}
