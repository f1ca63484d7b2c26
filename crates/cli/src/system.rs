//! `cml run` on the system-on-chip: cores on the mesh, the devices, the
//! boot ROM (crates/system). This module reads the host files the devices
//! use (`--uart-in`, `--keys`, `--disk`, `--nic-in`) and writes the ones
//! they fill (`--nic-out`, the disk image back), and formats what the
//! system reports; everything else is `cml-system`'s.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use cml_diagnostics::{ColorChoice, Diagnostic};
use cml_image::Image;
use cml_isa::IsaVersion;
use cml_soc::TileId;
use cml_system::{host, BootMode, HostInputs, System, SystemConfig, SystemOutcome};

use crate::input::{display_name, Problems};
use crate::run::{RunArgs, TraceChoice};
use crate::{report, write_stderr, write_stdout, Ending};

/// How many cycles run between two writes of the console to stdout.
const CYCLES_PER_SLICE: u64 = 100_000;

/// The most cycles the boot ROM may take before the run stops.
const BOOT_CYCLE_LIMIT: u64 = 10_000_000;

/// The system's options of `cml run`.
#[derive(Debug, Clone, clap::Args)]
pub struct SystemArgs {
    /// How many cores (1 to 8). Every core runs the program from its entry
    /// point with its core ID in v0 and the number of cores in v1.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=8))]
    pub cores: u8,

    /// How the cores start: `rom`, the boot ROM (enumeration, device map,
    /// default effect bindings; ISA v0.5), or `bare`, straight at the entry
    /// point with only effect (2, 0) bound to the UART. `--isa v0.4`
    /// implies `bare`.
    #[arg(long, value_enum, default_value_t = BootChoice::Rom)]
    pub boot: BootChoice,

    /// Bytes the UART receives (as if typed on its serial line); `-`
    /// reads them from standard input.
    #[arg(long, value_name = "FILE")]
    pub uart_in: Option<PathBuf>,

    /// Where the bytes the UART transmits go: a file instead of standard
    /// output.
    #[arg(long, value_name = "FILE")]
    pub uart_out: Option<PathBuf>,

    /// Scripted key events for the keyboard: one per line, `CYCLE KEY
    /// [release]`, KEY a quoted character ('A') or a scancode (0x41).
    #[arg(long, value_name = "FILE")]
    pub keys: Option<PathBuf>,

    /// The disk's image (512-byte sectors), written back when the run
    /// changed it.
    #[arg(long, value_name = "FILE")]
    pub disk: Option<PathBuf>,

    /// Frames the network interface receives, as a pcap capture.
    #[arg(long, value_name = "FILE")]
    pub nic_in: Option<PathBuf>,

    /// Where the frames the network interface transmits go, as a pcap
    /// capture.
    #[arg(long, value_name = "FILE")]
    pub nic_out: Option<PathBuf>,

    /// 0: cores act in ID order each cycle; any other number draws the
    /// order of each cycle from it. The same seed gives the same run.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,

    /// Print the tile placement map to stderr before running.
    #[arg(long)]
    pub describe: bool,
}

/// Where the UART's transmitted bytes go: standard output as the program
/// runs, or the `--uart-out` file.
struct Console {
    file: Option<(PathBuf, std::fs::File)>,
    /// The first write error, reported once at the end.
    error: Option<String>,
}

impl Console {
    fn open(options: &SystemArgs) -> Result<Console, Problems> {
        let file = match &options.uart_out {
            Some(path) => Some((
                path.clone(),
                std::fs::File::create(path).map_err(|error| {
                    Problems::single(
                        Diagnostic::error(format!(
                            "cannot create the UART output `{}`",
                            display_name(path)
                        ))
                        .with_code("cli::output")
                        .with_note(error.to_string())
                        .with_hint("check the directory exists and is writable"),
                    )
                })?,
            )),
            None => None,
        };
        Ok(Console { file, error: None })
    }

    fn write(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        match &mut self.file {
            None => write_stdout(bytes),
            Some((path, file)) => {
                if let Err(error) = file.write_all(bytes) {
                    self.error.get_or_insert_with(|| {
                        format!(
                            "cannot write the UART output `{}`: {error}\n",
                            display_name(path)
                        )
                    });
                }
            }
        }
    }
}

/// How the cores start, as the command line names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BootChoice {
    /// The boot ROM.
    Rom,
    /// No ROM: the program's entry point directly.
    Bare,
}

impl SystemArgs {
    fn uses_devices(&self) -> bool {
        self.uart_in.is_some()
            || self.uart_out.is_some()
            || self.keys.is_some()
            || self.disk.is_some()
            || self.nic_in.is_some()
            || self.nic_out.is_some()
    }
}

/// Runs the program on the system-on-chip, unless the run is a bare boot
/// of one core with no device and no NoC trace, which the single machine
/// of `run.rs` does exactly as before (`None`).
pub fn run_on_system(
    args: &RunArgs,
    image: &Image,
    isa: IsaVersion,
    color: ColorChoice,
) -> Option<Ending> {
    let options = &args.system;
    let boot = if isa < IsaVersion::V0_5 {
        BootMode::Bare
    } else {
        match options.boot {
            BootChoice::Rom => BootMode::Rom,
            BootChoice::Bare => BootMode::Bare,
        }
    };
    let trace_noc = matches!(args.trace, Some(TraceChoice::Noc | TraceChoice::All));
    if boot == BootMode::Bare
        && options.cores == 1
        && !options.uses_devices()
        && !trace_noc
        && !options.describe
    {
        return None;
    }
    Some(run(args, image, isa, boot, color))
}

fn run(
    args: &RunArgs,
    image: &Image,
    isa: IsaVersion,
    boot: BootMode,
    color: ColorChoice,
) -> Ending {
    let options = &args.system;
    let inputs = match read_inputs(options) {
        Ok(inputs) => inputs,
        Err(problems) => {
            write_stderr(&problems.render(color));
            return Ending::BadInput;
        }
    };
    let mut console = match Console::open(options) {
        Ok(console) => console,
        Err(problems) => {
            write_stderr(&problems.render(color));
            return Ending::BadInput;
        }
    };
    let config = SystemConfig {
        cores: options.cores,
        boot,
        isa,
        engine: args.engine.into(),
        seed: options.seed,
        ..SystemConfig::default()
    };
    let mut system = match System::new(&config, image, inputs) {
        Ok(system) => system,
        Err(error) => {
            let problems = Problems::single(
                Diagnostic::error(format!("cannot load `{}`", display_name(&args.file)))
                    .with_code("cli::system")
                    .with_note(error.to_string())
                    .with_hint("keep the program below the cores' stacks, or use fewer cores"),
            );
            write_stderr(&problems.render(color));
            return Ending::BadInput;
        }
    };
    if options.describe {
        write_stderr(&describe(&system));
    }
    let trace_noc = matches!(args.trace, Some(TraceChoice::Noc | TraceChoice::All));
    let trace_instructions = matches!(
        args.trace,
        Some(TraceChoice::Instructions | TraceChoice::All | TraceChoice::Effects)
    );
    system.set_tracing(trace_noc);
    system.set_instruction_tracing(trace_instructions);
    let effects =
        (args.trace == Some(TraceChoice::Effects)).then(|| crate::build::EffectTrace::new(image));

    let started = Instant::now();
    let outcome = run_to_the_end(
        &mut system,
        &mut console,
        image,
        args.max_cycles,
        trace_noc || trace_instructions,
        effects.as_ref(),
    );
    let host_time = started.elapsed();
    console.write(&system.take_console_output());
    let mut messages = write_outputs(&system, options);
    if let Some(error) = console.error.take() {
        messages.push_str(&error);
    }

    if args.stats {
        messages.push_str(&stats(&system, host_time));
    }
    let ending = match outcome {
        SystemOutcome::Halted => Ending::Success,
        SystemOutcome::CycleLimit => {
            let core = system.core(0);
            let pc = core.map(|core| core.pc()).unwrap_or(0);
            let words = [system.read(pc), system.read(pc.wrapping_add(1))];
            let entry = system.entry_cycle(0).unwrap_or(0);
            messages.push_str(&report::cycle_limit_report(
                system.cycle() - entry,
                args.max_cycles,
                image,
                pc,
                words,
                color,
            ));
            Ending::CycleLimit
        }
        SystemOutcome::Trapped { core, report: trap } => {
            if system.core_count() > 1 {
                messages.push_str(&format!("core {core}:\n"));
            }
            messages.push_str(&report::trap_report(&trap, image, color));
            let read = |address| system.read(address);
            messages.push_str(&crate::build::trap_context(&args.file, image, &trap, read));
            Ending::Trapped
        }
    };
    write_stderr(&messages);
    ending
}

/// Runs the boot (core 0 entering the program, at most
/// [`BOOT_CYCLE_LIMIT`] cycles), then the program for at most `max_cycles`
/// more: the boot ROM's cycles do not count against `--max-cycles`.
fn run_to_the_end(
    system: &mut System,
    console: &mut Console,
    image: &Image,
    max_cycles: u64,
    traced: bool,
    effects: Option<&crate::build::EffectTrace>,
) -> SystemOutcome {
    while system.entry_cycle(0).is_none() {
        if system.cycle() >= BOOT_CYCLE_LIMIT {
            return SystemOutcome::CycleLimit;
        }
        if system.is_finished() {
            return SystemOutcome::Halted;
        }
        if let Some(outcome) = system.step() {
            return outcome;
        }
    }
    let end = system
        .entry_cycle(0)
        .unwrap_or(0)
        .saturating_add(max_cycles);
    loop {
        let limit = system.cycle().saturating_add(CYCLES_PER_SLICE).min(end);
        let outcome = if traced {
            run_traced(system, console, image, limit, effects)
        } else {
            system.run(limit)
        };
        console.write(&system.take_console_output());
        match outcome {
            SystemOutcome::CycleLimit if system.cycle() < end => {}
            outcome => return outcome,
        }
    }
}

/// Runs one cycle at a time up to `limit`, writing trace lines to stderr
/// as they appear (with `effects`, only the effects performed, by name).
fn run_traced(
    system: &mut System,
    console: &mut Console,
    image: &Image,
    limit: u64,
    effects: Option<&crate::build::EffectTrace>,
) -> SystemOutcome {
    let several = system.core_count() > 1;
    let mut stderr = std::io::BufWriter::new(std::io::stderr().lock());
    let outcome = loop {
        if system.is_finished() {
            break SystemOutcome::Halted;
        }
        if system.cycle() >= limit {
            break SystemOutcome::CycleLimit;
        }
        let trapped = system.step();
        for (core, record) in system.take_instruction_trace() {
            if let Some(effects) = effects {
                for line in effects.lines(&record, |address| system.read(address)) {
                    let _ = writeln!(stderr, "{line}");
                }
                continue;
            }
            let line = report::trace_line(&record, image);
            let _ = if several {
                writeln!(stderr, "core {core}  {line}")
            } else {
                writeln!(stderr, "{line}")
            };
        }
        for hop in system.take_trace() {
            let _ = writeln!(stderr, "noc  {hop}");
        }
        let output = system.take_console_output();
        if !output.is_empty() {
            let _ = stderr.flush();
            console.write(&output);
        }
        if let Some(outcome) = trapped {
            if let SystemOutcome::Trapped { report, .. } = &outcome {
                let _ = writeln!(
                    stderr,
                    "{}",
                    report::trace_trap_line(report.cycle.saturating_sub(1), report, image)
                );
            }
            break outcome;
        }
    };
    let _ = stderr.flush();
    outcome
}

/// The placement map and the memory layout, for `--describe`.
pub fn describe(system: &System) -> String {
    let layout = system.layout();
    let mut text = system.soc().mesh().placement().render_map();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!(
        "memory: image 0x0000-{:#06x}, {} words of heap and stack per core, system areas from {:#06x}, boot data 0xfd00, boot ROM 0xfe00-0xffff\n",
        layout.image_end,
        layout.region_words(),
        layout.system_bottom()
    ));
    for core in 0..layout.cores {
        let map = layout.memory_map(core);
        text.push_str(&format!(
            "  core {core}: heap from {:#06x}, stack below {:#06x}, spill {:#06x}-{:#06x}, effect table {:#06x}\n",
            layout.heap_start(core),
            map.stack_base,
            map.spill_base,
            map.spill_end,
            map.effect_table_base
        ));
    }
    text
}

/// `--stats`: core 0's program statistics as a bare run prints them, then
/// per-core utilisation and the NoC's per-tile and per-link counts.
fn stats(system: &System, host_time: std::time::Duration) -> String {
    let reports = system.core_reports();
    let mut text = match reports.first() {
        Some(first) => report::stats_report(&first.program, host_time),
        None => String::new(),
    };
    let cycles = system.cycle().max(1);
    text.push_str(&format!(
        "system: {} cycles, {} cores\n",
        system.cycle(),
        reports.len()
    ));
    text.push_str("  core  boot cycles  busy  halted  utilisation  instructions  sent  received  stalls  overflows\n");
    for core in &reports {
        text.push_str(&format!(
            "  {:>4}  {:>11}  {:>4}  {:>6}  {:>10.1}%  {:>12}  {:>4}  {:>8}  {:>6}  {:>9}\n",
            core.core,
            core.boot_cycles
                .map(|cycles| cycles.to_string())
                .unwrap_or_else(|| "-".to_string()),
            core.busy_cycles,
            core.halted_cycles,
            100.0 * core.busy_cycles as f64 / cycles as f64,
            core.program.instructions,
            core.noc.packets_sent,
            core.noc.packets_received,
            core.noc.stall_cycles,
            core.noc.overflows_raised
        ));
    }
    text.push_str(&system.mesh_stats().to_string());
    text
}

fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, Problems> {
    let result = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes).map(|_| bytes)
    } else {
        std::fs::read(path)
    };
    result.map_err(|error| {
        Problems::single(
            Diagnostic::error(format!("cannot read the {what} `{}`", display_name(path)))
                .with_code("cli::read")
                .with_note(error.to_string()),
        )
    })
}

fn bad_file(path: &Path, what: &str, note: String) -> Problems {
    Problems::single(
        Diagnostic::error(format!("the {what} `{}` is not valid", display_name(path)))
            .with_code("cli::input")
            .with_note(note),
    )
}

fn read_inputs(options: &SystemArgs) -> Result<HostInputs, Problems> {
    let mut inputs = HostInputs::default();
    if let Some(path) = &options.uart_in {
        inputs.uart = read_file(path, "UART input")?;
    }
    if let Some(path) = &options.keys {
        let bytes = read_file(path, "key script")?;
        let text = String::from_utf8(bytes)
            .map_err(|_| bad_file(path, "key script", "it is not UTF-8 text".to_string()))?;
        inputs.keys = host::parse_key_script(&text)
            .map_err(|error| bad_file(path, "key script", error.to_string()))?;
    }
    if let Some(path) = &options.disk {
        inputs.disk = read_file(path, "disk image")?;
    }
    if let Some(path) = &options.nic_in {
        let bytes = read_file(path, "network capture")?;
        inputs.frames = host::read_pcap(&bytes)
            .map_err(|error| bad_file(path, "network capture", error.to_string()))?;
    }
    Ok(inputs)
}

/// Writes `--nic-out` and the disk image back; returns messages for stderr.
fn write_outputs(system: &System, options: &SystemArgs) -> String {
    let mut messages = String::new();
    let mut write = |path: &PathBuf, bytes: &[u8], what: &str| {
        if let Err(error) = std::fs::write(path, bytes) {
            messages.push_str(&format!(
                "cannot write the {what} `{}`: {error}\n",
                display_name(path)
            ));
        }
    };
    if let Some(path) = &options.nic_out {
        let frames = match system.soc().device(TileId::network_interface(0)) {
            Some(cml_soc::Device::NetworkInterface(nic)) => nic.transmitted().to_vec(),
            _ => Vec::new(),
        };
        write(path, &host::write_pcap(&frames), "network capture");
    }
    if let Some(path) = &options.disk {
        if let Some(cml_soc::Device::Disk(disk)) = system.soc().device(TileId::disk(0)) {
            let (_, writes) = disk.operations();
            if writes > 0 {
                write(path, disk.image(), "disk image");
            }
        }
    }
    messages
}
