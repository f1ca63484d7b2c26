//! The dispatch benchmark's program, runnable on its own for
//! `valgrind --tool=callgrind` (host instructions per guest instruction):
//!
//! ```text
//! cargo build --release -p cml-machine --example dispatch_loop
//! valgrind --tool=callgrind target/release/examples/dispatch_loop 20
//! ```
//!
//! The argument is how many times the 65,536-iteration loop runs (each
//! iteration is 9 instructions: ALU, CALL/RET, a branch and a jump), inside
//! one machine, so that setting the machine up is not measured.

use cml_image::{Image, Segment};
use cml_isa::{Instruction, IsaVersion, Layout, Register, Tag};
use cml_machine::{Machine, RunOutcome};

/// The loop: `f(i)` through a closure for i = 1..=65535, repeated
/// `repetitions` times (at most 32,767), then HALT.
pub fn dispatch_loop_image(repetitions: u16) -> Image {
    let v = |index| Register::new(index).unwrap();
    let function = 19;
    let program = [
        Instruction::Alloc {
            vd: v(5),
            layout: Layout::CLOSURE_REC,
            n: 1,
        },
        Instruction::Li {
            vd: v(0),
            imm8: function,
        },
        Instruction::St {
            vd: v(0),
            vs: v(5),
            off5: 0,
        },
        Instruction::Settag {
            vd: v(5),
            tag: Tag::CLOSURE,
        },
        Instruction::Li {
            vd: v(3),
            imm8: (repetitions & 0xFF) as u8 as i8 as i16,
        },
        Instruction::Lih {
            vd: v(3),
            imm8: (repetitions >> 8) as u8,
        },
        Instruction::Li { vd: v(1), imm8: 0 },
        Instruction::Li { vd: v(2), imm8: 1 },
        // loop (8):
        Instruction::Add {
            vd: v(1),
            vs: v(1),
            vt: v(2),
        },
        Instruction::Call { vf: v(5), va: v(1) },
        Instruction::Sub {
            vd: v(4),
            vs: v(0),
            vt: v(1),
        },
        Instruction::And {
            vd: v(4),
            vs: v(4),
            vt: v(2),
        },
        Instruction::Bz { vs: v(1), off8: 1 },
        Instruction::Jmp { off11: -6 },
        // i wrapped to 0: one repetition done (14):
        Instruction::Sub {
            vd: v(3),
            vs: v(3),
            vt: v(2),
        },
        Instruction::Bz { vs: v(3), off8: 1 },
        Instruction::Jmp { off11: -9 },
        Instruction::Halt {},
        Instruction::Halt {},
        // function (19):
        Instruction::Add {
            vd: v(0),
            vs: v(0),
            vt: v(2),
        },
        Instruction::Xor {
            vd: v(0),
            vs: v(0),
            vt: v(2),
        },
        Instruction::Ret { va: v(0) },
    ];
    let mut image = Image::new(IsaVersion::V0_4);
    image.segments.push(Segment {
        origin: 0,
        words: program.iter().map(|i| i.encode()).collect(),
    });
    image
}

/// Runs the program; returns guest instructions retired.
pub fn run_dispatch_loop(image: &Image) -> u64 {
    let mut machine = Machine::boot_bare_program(image, IsaVersion::V0_4).expect("loads");
    assert_eq!(machine.run(u64::MAX), RunOutcome::Halted);
    machine.stats().instructions
}

/// This process's time on a CPU and time spent runnable but waiting for
/// one, in nanoseconds, from Linux's `/proc/self/schedstat` (`None`
/// elsewhere).
#[allow(dead_code)]
fn scheduler_times() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let mut fields = text.split_whitespace().map(|field| field.parse().ok());
    Some((fields.next()??, fields.next()??))
}

/// Runs the program and prints the rate: per second of wall-clock time
/// and, on Linux, per second on a CPU, with how long the run waited for a
/// CPU (on a shared box the wall-clock rate also measures the scheduler).
#[allow(dead_code)]
pub fn measure(image: &Image) {
    let before = scheduler_times();
    let start = std::time::Instant::now();
    let instructions = run_dispatch_loop(image);
    let seconds = start.elapsed().as_secs_f64();
    print!(
        "{instructions} guest instructions in {seconds:.3} s: {:.0} million per second",
        instructions as f64 / seconds / 1e6
    );
    if let (Some((cpu0, wait0)), Some((cpu1, wait1))) = (before, scheduler_times()) {
        let (cpu, wait) = ((cpu1 - cpu0) as f64 / 1e9, (wait1 - wait0) as f64 / 1e9);
        print!(
            "; on a CPU {cpu:.3} s: {:.0} million per second; waited {:.0} ms",
            instructions as f64 / cpu / 1e6,
            wait * 1e3
        );
    }
    println!();
}

#[allow(dead_code)]
fn main() {
    let repetitions = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    measure(&dispatch_loop_image(repetitions));
}
