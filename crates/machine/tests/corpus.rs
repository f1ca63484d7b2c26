//! The machine's test corpus: every `.s` file in `tests/programs/` is a
//! program with its expected results in header comments. Adding a case
//! means adding a file. Each program runs on both engines, and both must
//! meet every expectation.
//!
//! Expectations are written by hand from the spec (Appendix A) and the
//! project's documented resolutions (`docs/isa-decisions.md`,
//! `docs/cost-model.md`), never copied from a run:
//!
//! ```text
//! ; isa: v0.4                      (default v0.5)
//! ; max-cycles: 5000               (default 1,000,000)
//! ; device: recorder 0x20          (attach a packet recorder at a tile)
//! ; expect-outcome: halted | cycle-limit | trapped: <fault title>
//! ; expect-output: A\n             (UART console bytes, with \n escapes)
//! ; expect-register: v0 = INT 65   (as `Value` prints: INT n, PTR 0x..., UNIT, BOOL n)
//! ; expect-memory: 0x0100 = 0x1234
//! ; expect-cycles: 12
//! ; expect-instructions: 10
//! ; expect-stat: cam_hits = 3
//! ; expect-packet: 0x20 = 0x800700000BEEF000
//! ; expect-trap-pc: 0x0004
//! ```

use std::path::Path;

use cml_asm::{assemble, AssembleOptions};
use cml_isa::IsaVersion;
use cml_machine::{Engine, Machine, PacketRecorder, RunOutcome, Stats};

#[derive(Default)]
struct Expectations {
    isa: Option<IsaVersion>,
    max_cycles: Option<u64>,
    recorders: Vec<u8>,
    outcome: Option<String>,
    output: Option<String>,
    registers: Vec<(usize, String)>,
    memory: Vec<(u16, u16)>,
    cycles: Option<u64>,
    instructions: Option<u64>,
    stats: Vec<(String, u64)>,
    packets: Vec<(u8, u64)>,
    trap_pc: Option<u16>,
}

fn number(text: &str) -> u64 {
    let text = text.trim();
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16),
        None => text.replace('_', "").parse(),
    };
    parsed.unwrap_or_else(|_| panic!("not a number: {text}"))
}

fn parse_expectations(source: &str) -> Expectations {
    let mut expectations = Expectations::default();
    for line in source.lines() {
        let Some(rest) = line.trim().strip_prefix(';') else {
            continue;
        };
        let Some((key, value)) = rest.trim().split_once(':') else {
            continue;
        };
        let value = value.trim();
        let pair = || {
            value
                .split_once('=')
                .map(|(l, r)| (l.trim(), r.trim()))
                .expect("a = b")
        };
        match key.trim() {
            "isa" => expectations.isa = IsaVersion::from_name(value),
            "max-cycles" => expectations.max_cycles = Some(number(value)),
            "device" => {
                let tile = value
                    .strip_prefix("recorder")
                    .expect("device: recorder TILE");
                expectations.recorders.push(number(tile) as u8);
            }
            "expect-outcome" => expectations.outcome = Some(value.to_string()),
            "expect-output" => {
                let text = value.replace("\\n", "\n").replace("\\s", " ");
                expectations
                    .output
                    .get_or_insert_with(String::new)
                    .push_str(&text);
            }
            "expect-register" => {
                let (register, shown) = pair();
                let index = register.trim_start_matches('v').parse().expect("register");
                expectations.registers.push((index, shown.to_string()));
            }
            "expect-memory" => {
                let (address, word) = pair();
                expectations
                    .memory
                    .push((number(address) as u16, number(word) as u16));
            }
            "expect-cycles" => expectations.cycles = Some(number(value)),
            "expect-instructions" => expectations.instructions = Some(number(value)),
            "expect-stat" => {
                let (name, count) = pair();
                expectations.stats.push((name.to_string(), number(count)));
            }
            "expect-packet" => {
                let (tile, bits) = pair();
                expectations
                    .packets
                    .push((number(tile) as u8, number(bits)));
            }
            "expect-trap-pc" => expectations.trap_pc = Some(number(value) as u16),
            _ => {}
        }
    }
    expectations
}

fn stat(stats: &Stats, name: &str) -> u64 {
    match name {
        "performs_local" => stats.performs_local,
        "performs_tail_resumptive" => stats.performs_tail_resumptive,
        "performs_remote" => stats.performs_remote,
        "cam_hits" => stats.cam_hits,
        "cam_misses" => stats.cam_misses,
        "spill_inspections" => stats.spill_inspections,
        "spills" => stats.spills,
        "spill_promotions" => stats.spill_promotions,
        "effect_table_lookups" => stats.effect_table_lookups,
        "allocations" => stats.allocations,
        "allocated_words" => stats.allocated_words,
        "continuations_captured" => stats.continuations_captured,
        "continuations_recycled" => stats.continuations_recycled,
        "resumes" => stats.resumes,
        "faults" => stats.faults,
        "install_id_renumberings" => stats.install_id_renumberings,
        "peak_stack_words" => stats.peak_stack_words as u64,
        "peak_heap_words" => stats.peak_heap_words as u64,
        other => panic!("unknown statistic {other}"),
    }
}

fn outcome_text(outcome: &RunOutcome) -> String {
    match outcome {
        RunOutcome::Halted => "halted".to_string(),
        RunOutcome::CycleLimit => "cycle-limit".to_string(),
        RunOutcome::Trapped(report) => format!("trapped: {}", report.fault.title()),
    }
}

/// Runs one program on one engine; returns the failures found.
fn check(path: &Path, source: &str, engine: Engine) -> Vec<String> {
    let expectations = parse_expectations(source);
    let isa = expectations.isa.unwrap_or(IsaVersion::V0_5);
    let assembled = match assemble(source, &AssembleOptions { isa }) {
        Ok(assembled) => assembled,
        Err(diagnostics) => {
            let file = cml_diagnostics::SourceFile::new(path.display().to_string(), source);
            return vec![cml_diagnostics::render_plain(&diagnostics, &[file])];
        }
    };
    let mut machine = Machine::boot_bare_program(&assembled.image, isa).expect("loads");
    machine.set_engine(engine);
    for &tile in &expectations.recorders {
        machine.attach_device(Box::new(PacketRecorder::new(tile)));
    }
    let outcome = machine.run(expectations.max_cycles.unwrap_or(1_000_000));
    let stats = machine.stats();
    let mut failures = Vec::new();
    let mut expect = |what: String, expected: String, found: String| {
        if expected != found {
            failures.push(format!("{what}: expected {expected}, found {found}"));
        }
    };
    let outcome_found = outcome_text(&outcome);
    expect(
        "outcome".into(),
        expectations
            .outcome
            .clone()
            .unwrap_or_else(|| "halted".into()),
        outcome_found,
    );
    if let Some(output) = &expectations.output {
        let console = String::from_utf8_lossy(&machine.take_console_output()).into_owned();
        expect(
            "output".into(),
            format!("{output:?}"),
            format!("{console:?}"),
        );
    }
    for (index, shown) in &expectations.registers {
        let value = machine.registers()[*index];
        expect(format!("v{index}"), shown.clone(), value.to_string());
    }
    for &(address, word) in &expectations.memory {
        let found = machine.read(address);
        expect(
            format!("memory[{address:#06x}]"),
            format!("{word:#06x}"),
            format!("{found:#06x}"),
        );
    }
    if let Some(cycles) = expectations.cycles {
        expect(
            "cycles".into(),
            cycles.to_string(),
            stats.cycles.to_string(),
        );
    }
    if let Some(instructions) = expectations.instructions {
        expect(
            "instructions".into(),
            instructions.to_string(),
            stats.instructions.to_string(),
        );
    }
    for (name, count) in &expectations.stats {
        expect(
            format!("stat {name}"),
            count.to_string(),
            stat(&stats, name).to_string(),
        );
    }
    for &tile in &expectations.recorders {
        let sent: Vec<String> = machine
            .device(tile)
            .map(|device| {
                device
                    .received()
                    .iter()
                    .map(|p| format!("{:#018x}", p.encode()))
                    .collect()
            })
            .unwrap_or_default();
        let wanted: Vec<String> = expectations
            .packets
            .iter()
            .filter(|(t, _)| *t == tile)
            .map(|(_, bits)| format!("{bits:#018x}"))
            .collect();
        expect(
            format!("packets to {tile:#04x}"),
            wanted.join(" "),
            sent.join(" "),
        );
    }
    if let (Some(pc), RunOutcome::Trapped(report)) = (expectations.trap_pc, &outcome) {
        expect(
            "trap pc".into(),
            format!("{pc:#06x}"),
            format!("{:#06x}", report.pc),
        );
    }
    failures
}

#[test]
fn every_program_in_the_corpus_meets_its_expectations() {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs");
    let mut paths: Vec<_> = std::fs::read_dir(&directory)
        .expect("tests/programs exists")
        .map(|entry| entry.expect("readable").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "s"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 30,
        "the corpus has only {} programs",
        paths.len()
    );
    let mut report = String::new();
    for path in &paths {
        let source = std::fs::read_to_string(path).expect("readable");
        for engine in [Engine::Fast, Engine::Reference] {
            for failure in check(path, &source, engine) {
                report.push_str(&format!("{} ({engine:?}): {failure}\n", path.display()));
            }
        }
    }
    assert!(report.is_empty(), "\n{report}");
}
