//! What `cml run` says about a run: trap reports, the cycle-limit message,
//! trace lines and statistics.
//!
//! Every function here is pure: it takes what the machine reported and the
//! image (for symbol names) and returns text, so that tests can snapshot
//! it. Instructions are written by `cml_asm::describe_instruction`.

use std::fmt::Write;
use std::time::Duration;

use cml_diagnostics::ColorChoice;
use cml_image::Image;
use cml_isa::EffectId;
use cml_machine::{Dispatch, Event, Stats, TraceRecord, TrapReport};

const BOLD_RED: &str = "\x1b[1;31m";
const BOLD_CYAN: &str = "\x1b[1;36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Text in a terminal style, or plain.
fn paint(text: &str, style: &str, color: ColorChoice) -> String {
    match color {
        ColorChoice::Always => format!("{style}{text}{RESET}"),
        ColorChoice::Never => text.to_string(),
    }
}

/// The first line of an error: `error: <title>`.
fn error_line(title: &str, color: ColorChoice) -> String {
    format!(
        "{}{}\n",
        paint("error", BOLD_RED, color),
        paint(&format!(": {title}"), BOLD, color)
    )
}

/// The last line of an error: `  hint: <hint>`.
fn hint_line(hint: &str, color: ColorChoice) -> String {
    format!("  {}: {hint}\n", paint("hint", BOLD_CYAN, color))
}

/// The image's name for an address: the nearest symbol at or before it in
/// the same segment, as `label` or `label+3`.
pub fn symbol_and_offset(image: &Image, address: u16) -> Option<String> {
    let segment = image
        .segments
        .iter()
        .find(|segment| segment.origin <= address && (address as u32) < segment.end())?;
    let symbol = image
        .symbols
        .iter()
        .filter(|symbol| symbol.address >= segment.origin && symbol.address <= address)
        .max_by_key(|symbol| symbol.address)?;
    let offset = address - symbol.address;
    Some(if offset == 0 {
        symbol.name.clone()
    } else {
        format!("{}+{offset}", symbol.name)
    })
}

/// One instruction, with the image's symbols naming branch targets.
pub fn describe(image: &Image, address: u16, words: [u16; 2]) -> String {
    let symbol = |target: u16| image.symbol_at(target).map(str::to_string);
    cml_asm::describe_instruction(words[0], address, words[1], &symbol)
}

/// Where the machine is: `0x0012 (loop+3): BZ v0, -3 (→ 0x0010 loop)`.
pub fn location(image: &Image, address: u16, words: [u16; 2]) -> String {
    let name = match symbol_and_offset(image, address) {
        Some(name) => format!(" ({name})"),
        None => String::new(),
    };
    format!("{address:#06x}{name}: {}", describe(image, address, words))
}

/// The report of a fault nothing handled (exit code 3): the fault, where
/// it happened, the registers, and what to do about it.
pub fn trap_report(report: &TrapReport, image: &Image, color: ColorChoice) -> String {
    let title = if report.double_fault {
        format!(
            "trap: double fault while delivering a fault: {}",
            report.fault
        )
    } else {
        format!("trap: {}", report.fault)
    };
    let mut text = error_line(&title, color);
    let _ = writeln!(text, "  at {}", location(image, report.pc, report.words));
    let fault_effect = EffectId::FAULT;
    if report.double_fault {
        let _ = writeln!(
            text,
            "  fault code {} was raised as effect {fault_effect}, and delivering it faulted again",
            report.fault.code()
        );
    } else {
        let _ = writeln!(
            text,
            "  fault code {} was raised as effect {fault_effect}, and nothing handles that effect",
            report.fault.code()
        );
    }
    text.push_str("  registers:\n");
    let mut cells: Vec<String> = report
        .registers
        .iter()
        .enumerate()
        .map(|(index, value)| format!("v{index} = {value}"))
        .collect();
    cells.push(format!("sp = {:#06x}", report.sp));
    cells.push(format!("hp = {:#06x}", report.hp));
    cells.push(format!("cycle = {}", report.cycle));
    let width = cells
        .iter()
        .map(|cell| cell.chars().count())
        .max()
        .unwrap_or(0)
        + 3;
    for row in cells.chunks(4) {
        let mut line = String::from("   ");
        for cell in row {
            let _ = write!(line, " {cell:<width$}");
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text.push_str(&hint_line(&trap_hint(report), color));
    text
}

/// What to do about a trap: the fault's own hint, or, for an effect the
/// boot ROM binds only when there is something at the other end (Appendix
/// C.7's families: 2-6 the first device of each kind, 7 the other
/// cores), what was missing.
fn trap_hint(report: &TrapReport) -> String {
    if let cml_machine::Fault::UnhandledEffect { effect } = report.fault {
        match effect.family() {
            7 if effect.op() < 8 => {
                return format!(
                    "{effect} is the boot ROM's message to core {} (Appendix C.7), bound only \
                     when that core is on the mesh: run with more --cores, or send only to \
                     cores below __read_core_count ()",
                    effect.op()
                )
            }
            // The ROM gives device kind k the family k + 1.
            family @ 2..=6 => {
                return format!(
                    "family {family} is the boot ROM's binding of the first {} on the mesh \
                     (Appendix C.7), and there is none in this run (see --describe), or \
                     the program was booted bare (--boot bare binds only (2, 0))",
                    cml_soc::DeviceKind::from_code(family - 1).name()
                )
            }
            _ => {}
        }
    }
    report.fault.hint().to_string()
}

/// The message for a run stopped by `--max-cycles` (exit code 4), with
/// the instruction the machine was about to issue.
pub fn cycle_limit_report(
    cycles: u64,
    limit: u64,
    image: &Image,
    pc: u16,
    words: [u16; 2],
    color: ColorChoice,
) -> String {
    let mut text = error_line(
        &format!("stopped after {cycles} cycles (--max-cycles {limit})"),
        color,
    );
    let _ = writeln!(text, "  next: {}", location(image, pc, words));
    text.push_str(&hint_line(
        "the program may be in an infinite loop; if it only needs longer, raise the limit with --max-cycles",
        color,
    ));
    text
}

/// One `--trace` line: cycle, pc, the instruction, then what it did (the
/// registers it wrote and the events), separated by semicolons.
pub fn trace_line(record: &TraceRecord, image: &Image) -> String {
    let mut effects: Vec<String> = record
        .registers_written
        .iter()
        .map(|(register, value)| format!("{register}={value}"))
        .collect();
    effects.extend(
        record
            .events
            .iter()
            .map(|event| describe_event(event, image)),
    );
    trace_columns(
        record.cycle,
        record.pc,
        &describe(image, record.pc, record.words),
        &effects,
    )
}

/// The `--trace` line of the instruction whose fault stopped the machine.
pub fn trace_trap_line(cycle: u64, report: &TrapReport, image: &Image) -> String {
    let mut effect = format!("fault: {}", report.fault);
    if report.double_fault {
        effect.push_str(" (double fault)");
    }
    effect.push_str(" → trap");
    trace_columns(
        cycle,
        report.pc,
        &describe(image, report.pc, report.words),
        &[effect],
    )
}

fn trace_columns(cycle: u64, pc: u16, instruction: &str, effects: &[String]) -> String {
    let line = format!(
        "{cycle:>10}  {pc:#06x}  {instruction:<36}  {}",
        effects.join("; ")
    );
    line.trim_end().to_string()
}

/// An address with its symbol, if it has one: `0x0012 (handler)`.
fn named_address(image: &Image, address: u16) -> String {
    match image.symbol_at(address) {
        Some(name) => format!("{address:#06x} ({name})"),
        None => format!("{address:#06x}"),
    }
}

/// One event of a trace line.
pub fn describe_event(event: &Event, image: &Image) -> String {
    match event {
        Event::Performed {
            effect,
            argument,
            dispatch,
        } => {
            let destination = match dispatch {
                Dispatch::Captured {
                    handler_pc,
                    continuation,
                } => format!(
                    "handler {}, continuation {continuation:#06x}",
                    named_address(image, *handler_pc)
                ),
                Dispatch::TailResumptive { handler_pc } => {
                    format!(
                        "tail-resumptive handler {}",
                        named_address(image, *handler_pc)
                    )
                }
                Dispatch::Remote { packet } => format!("remote {packet}"),
            };
            format!("perform {effect} {argument} → {destination}")
        }
        Event::Resumed {
            continuation,
            shallow,
        } => {
            let kind = if *shallow {
                "resume shallowly"
            } else {
                "resume"
            };
            format!("{kind} {continuation:#06x}")
        }
        Event::Installed {
            effect,
            install_id,
            handler_pc,
        } => format!(
            "install {effect} id {install_id} → {}",
            named_address(image, *handler_pc)
        ),
        Event::Uninstalled { effect, install_id } => {
            format!("uninstall {effect} id {install_id}")
        }
        Event::FaultRaised { fault } => format!("fault: {fault}"),
    }
}

/// A count with its thousands separated: `1,234,567`.
pub fn grouped(count: u64) -> String {
    let digits = count.to_string();
    let mut text = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    text
}

/// The `--stats` report: what the run did, counted, and how fast the host
/// ran it.
pub fn stats_report(stats: &Stats, host_time: Duration) -> String {
    let cycles_per_instruction = if stats.instructions == 0 {
        "-".to_string()
    } else {
        format!("{:.2}", stats.cycles as f64 / stats.instructions as f64)
    };
    let performs = stats.performs_local + stats.performs_tail_resumptive + stats.performs_remote;
    // Each row: a label, a number (right-aligned), and what follows it.
    let mut rows: Vec<(&str, String, String)> = vec![
        ("instructions", grouped(stats.instructions), String::new()),
        ("cycles", grouped(stats.cycles), String::new()),
        (
            "cycles per instruction",
            cycles_per_instruction,
            String::new(),
        ),
        (
            "PERFs",
            grouped(performs),
            format!(
                " (local {}, tail-resumptive {}, remote {})",
                grouped(stats.performs_local),
                grouped(stats.performs_tail_resumptive),
                grouped(stats.performs_remote)
            ),
        ),
        ("CAM hits", grouped(stats.cam_hits), String::new()),
        ("CAM misses", grouped(stats.cam_misses), String::new()),
        (
            "spill inspections",
            grouped(stats.spill_inspections),
            String::new(),
        ),
        ("spills", grouped(stats.spills), String::new()),
        ("promotions", grouped(stats.spill_promotions), String::new()),
        (
            "effect-table lookups",
            grouped(stats.effect_table_lookups),
            String::new(),
        ),
        (
            "allocations",
            grouped(stats.allocations),
            format!(" ({} words)", grouped(stats.allocated_words)),
        ),
        (
            "continuations captured",
            grouped(stats.continuations_captured),
            String::new(),
        ),
        (
            "continuations recycled",
            grouped(stats.continuations_recycled),
            String::new(),
        ),
        ("resumes", grouped(stats.resumes), String::new()),
        ("faults", grouped(stats.faults), String::new()),
        (
            "install-ID renumberings",
            grouped(stats.install_id_renumberings),
            String::new(),
        ),
        (
            "peak stack",
            grouped(stats.peak_stack_words as u64),
            " words".to_string(),
        ),
        (
            "peak heap",
            grouped(stats.peak_heap_words as u64),
            " words".to_string(),
        ),
    ];
    rows.push(host_time_row(stats.instructions, host_time));
    let label_width = rows.iter().map(|row| row.0.len()).max().unwrap_or(0);
    let value_width = rows.iter().map(|row| row.1.len()).max().unwrap_or(0);
    let mut text = String::from("statistics:\n");
    for (label, value, suffix) in &rows {
        let _ = writeln!(
            text,
            "  {label:<label_width$}  {value:>value_width$}{suffix}"
        );
    }
    text
}

/// The host time row: `12.345 ms (2.4 million guest instructions per
/// second)`.
fn host_time_row(instructions: u64, host_time: Duration) -> (&'static str, String, String) {
    let seconds = host_time.as_secs_f64();
    let time = if seconds < 1.0 {
        format!("{:.3} ms", seconds * 1000.0)
    } else {
        format!("{seconds:.3} s")
    };
    if seconds <= 0.0 {
        return ("host time", time, String::new());
    }
    let rate = instructions as f64 / seconds;
    let rate = if rate >= 1e6 {
        format!("{:.1} million", rate / 1e6)
    } else {
        grouped(rate.round() as u64)
    };
    let speed = format!(" ({rate} guest instructions per second)");
    ("host time", time, speed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cml_image::{Segment, Symbol};

    fn image_with_labels() -> Image {
        let mut image = Image::new(cml_isa::IsaVersion::V0_5);
        image.segments.push(Segment {
            origin: 0,
            words: vec![0x0041, 0x7900, 0x9800, 0x9800],
        });
        image.symbols.push(Symbol {
            name: "main".to_string(),
            address: 0,
        });
        image.symbols.push(Symbol {
            name: "done".to_string(),
            address: 2,
        });
        image
    }

    #[test]
    fn addresses_are_named_by_the_nearest_preceding_symbol() {
        let image = image_with_labels();
        assert_eq!(symbol_and_offset(&image, 0).as_deref(), Some("main"));
        assert_eq!(symbol_and_offset(&image, 1).as_deref(), Some("main+1"));
        assert_eq!(symbol_and_offset(&image, 3).as_deref(), Some("done+1"));
        assert_eq!(symbol_and_offset(&image, 4), None);
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn a_location_shows_the_symbol_and_the_instruction() {
        let image = image_with_labels();
        assert_eq!(
            location(&image, 1, [0x7900, 0x9800]),
            "0x0001 (main+1): PERF family=2, op=0, v0"
        );
    }
}
