//! `cml run`: boot a program on the machine and run it to its end.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use cml_diagnostics::Diagnostic;
use cml_image::Image;
use cml_machine::{Engine, LoadError, Machine, RunOutcome};

use crate::input::{self, display_name, Problems};
use crate::{report, stderr_color, write_stderr, write_stdout, Ending, IsaChoice};

/// Whether a path names CML source (by its extension).
pub fn is_cml_source(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|extension| extension == "cml")
}

/// How many cycles run between two writes of the console to stdout.
const CYCLES_PER_SLICE: u64 = 10_000_000;

/// Run a program on the machine.
///
/// FILE is CML source (a name ending in `.cml`: compiled in memory, see
/// `cml build`), assembly source or an image written by `cml asm`; between
/// the last two, the file's first bytes tell, not its name. Assembly is
/// assembled in memory first. The program runs on the system-on-chip: each
/// core (`--cores`) starts in the boot ROM, which enumerates the devices on
/// the mesh, binds the default effects (among them (2, 0) to the UART's
/// transmit, so `PERF family=2, op=0, v0` prints the low byte of v0) and
/// enters the program with the core's ID in v0. `--boot bare` skips the ROM.
/// What the program prints goes to stdout as it runs; traces, statistics and
/// errors go to stderr.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Exit codes:
  0  the program halted with nothing in flight
  1  bad input: unreadable file, CML or assembly errors, corrupt image, or an image that does not load
  2  usage error (unknown flag, missing FILE)
  3  trap: a fault nothing handled (a report goes to stderr)
  4  stopped at --max-cycles

Examples:
  cml run hello.cml                     compile CML and run it
  cml run hello.s                       assemble and run
  cml run hello.img --stats             run an image, then print statistics
  cml run hello.s --trace 2> trace.txt  one line per instruction in trace.txt
  cml run book.img --isa v0.4           run as the book's ISA (v0.5 instructions trap)
  cml run spin.s --max-cycles 1000      stop a runaway program early
  cml run ring.s --cores 4 --stats      four cores on the mesh, with utilisation
  cml run keys.s --keys keys.txt        scripted key events (`5000 'A'` per line)
  cml run hello.s --trace noc           every packet hop of the run
  cml run hello.s --boot bare           no boot ROM: the entry point directly")]
pub struct RunArgs {
    /// The program: CML source (`.cml`), assembly source or an image
    /// written by `cml asm`.
    pub file: PathBuf,

    /// The ISA version to run (and to assemble source for) [default: the
    /// version the image was assembled for].
    #[arg(long, value_enum)]
    pub isa: Option<IsaChoice>,

    /// Stop with exit code 4 once this many cycles have run.
    #[arg(long, value_name = "N", default_value = "1_000_000_000", value_parser = parse_count)]
    pub max_cycles: u64,

    /// Write a trace to stderr: `instructions` (the default when no value
    /// is given) one line per issued instruction (cycle, pc, the
    /// instruction, the registers it wrote, the effects it performed);
    /// `noc` one line per packet hop (cycle, tile, direction, the packet
    /// with its op named); `all` both.
    #[arg(long, value_enum, value_name = "WHAT", num_args = 0..=1, default_missing_value = "instructions")]
    pub trace: Option<TraceChoice>,

    /// Print statistics to stderr at the end: instructions, cycles, PERFs,
    /// handler lookups, allocations, continuations, host time.
    #[arg(long)]
    pub stats: bool,

    /// The machine implementation to execute with; both give the same
    /// results, `reference` is slower and exists to check `fast`.
    #[arg(long, value_enum, default_value_t = EngineChoice::Fast)]
    pub engine: EngineChoice,

    /// The system-on-chip: cores, boot, devices' host files.
    #[command(flatten)]
    pub system: crate::system::SystemArgs,
}

/// What `--trace` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceChoice {
    /// One line per issued instruction.
    Instructions,
    /// One line per packet hop on the network-on-chip.
    Noc,
    /// Both.
    All,
    /// One line per effect a CML program performs, named from the
    /// image's effect manifest: `perform IO.print "A1\n"`.
    Effects,
}

/// The machine implementation, as the command line names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineChoice {
    /// The fast dispatch loop.
    Fast,
    /// The reference implementation alone.
    Reference,
}

impl From<EngineChoice> for Engine {
    fn from(choice: EngineChoice) -> Engine {
        match choice {
            EngineChoice::Fast => Engine::Fast,
            EngineChoice::Reference => Engine::Reference,
        }
    }
}

/// A cycle count, written with or without `_` separators (`1_000_000`).
fn parse_count(text: &str) -> Result<u64, String> {
    text.replace('_', "")
        .parse::<u64>()
        .map_err(|_| format!("`{text}` is not a whole number of cycles"))
}

/// Runs `cml run`.
pub fn run_program(args: &RunArgs) -> Ending {
    let color = stderr_color();
    let isa = args.isa.map(Into::into);
    let program = if is_cml_source(&args.file) {
        crate::build::compile_file(&args.file, color)
    } else {
        input::read_program(&args.file, isa)
    };
    let program = match program {
        Ok(program) => program,
        Err(problems) => {
            write_stderr(&problems.render(color));
            return Ending::BadInput;
        }
    };
    write_stderr(&program.warnings.render(color));
    let image = program.image;
    let isa = isa.unwrap_or(image.isa);
    if let Some(ending) = crate::system::run_on_system(args, &image, isa, color) {
        return ending;
    }
    let mut machine = match Machine::boot_bare_program(&image, isa) {
        Ok(machine) => machine,
        Err(error) => {
            let hint = match error {
                LoadError::ImageOverlapsStack { .. } => {
                    "keep the program below the stack: move the segment down with `.org`"
                }
                LoadError::EntryOutsideImage { .. } => {
                    "point `.entry` at an instruction inside the image"
                }
            };
            let problems = Problems::single(
                Diagnostic::error(format!("cannot load `{}`", display_name(&args.file)))
                    .with_code("cli::load")
                    .with_note(error.to_string())
                    .with_hint(hint),
            );
            write_stderr(&problems.render(color));
            return Ending::BadInput;
        }
    };
    machine.set_engine(args.engine.into());

    let started = Instant::now();
    let outcome = if args.trace.is_some() {
        let effects = (args.trace == Some(TraceChoice::Effects))
            .then(|| crate::build::EffectTrace::new(&image));
        run_traced(&mut machine, &image, args.max_cycles, effects)
    } else {
        run_in_slices(&mut machine, args.max_cycles)
    };
    let host_time = started.elapsed();
    write_stdout(&machine.take_console_output());

    let mut messages = String::new();
    if args.stats {
        messages.push_str(&report::stats_report(&machine.stats(), host_time));
    }
    let ending = match outcome {
        RunOutcome::Halted => Ending::Success,
        RunOutcome::CycleLimit => {
            let pc = machine.pc();
            let words = [machine.read(pc), machine.read(pc.wrapping_add(1))];
            messages.push_str(&report::cycle_limit_report(
                machine.cycles(),
                args.max_cycles,
                &image,
                pc,
                words,
                color,
            ));
            Ending::CycleLimit
        }
        RunOutcome::Trapped(trap) => {
            messages.push_str(&report::trap_report(&trap, &image, color));
            let read = |address| machine.read(address);
            messages.push_str(&crate::build::trap_context(&args.file, &image, &trap, read));
            Ending::Trapped
        }
    };
    write_stderr(&messages);
    ending
}

/// Runs up to `max_cycles`, a slice at a time, writing the console to
/// stdout after each slice so that long runs show their output as they go.
fn run_in_slices(machine: &mut Machine, max_cycles: u64) -> RunOutcome {
    loop {
        let before = machine.cycles();
        let limit = before.saturating_add(CYCLES_PER_SLICE).min(max_cycles);
        let outcome = machine.run(limit);
        write_stdout(&machine.take_console_output());
        match outcome {
            RunOutcome::CycleLimit
                if machine.cycles() < max_cycles && machine.cycles() > before => {}
            outcome => return outcome,
        }
    }
}

/// Runs one instruction at a time up to `max_cycles`, writing a trace line
/// for each to stderr and the console to stdout as it appears.
fn run_traced(
    machine: &mut Machine,
    image: &Image,
    max_cycles: u64,
    effects: Option<crate::build::EffectTrace>,
) -> RunOutcome {
    machine.set_cycle_limit(max_cycles);
    let mut trace = BufWriter::new(std::io::stderr().lock());
    let outcome = loop {
        let cycle = machine.cycles();
        match machine.step() {
            Ok(record) => match &effects {
                Some(effects) => {
                    for line in effects.lines(&record, |address| machine.read(address)) {
                        let _ = writeln!(trace, "{line}");
                    }
                }
                None => {
                    let _ = writeln!(trace, "{}", report::trace_line(&record, image));
                }
            },
            Err(RunOutcome::Trapped(trap)) => {
                let _ = writeln!(trace, "{}", report::trace_trap_line(cycle, &trap, image));
                break RunOutcome::Trapped(trap);
            }
            Err(outcome) => break outcome,
        }
        let console = machine.take_console_output();
        if !console.is_empty() {
            // The trace so far goes out first, so that on a terminal the
            // program's output appears after the instruction that wrote it.
            let _ = trace.flush();
            write_stdout(&console);
        }
    };
    let _ = trace.flush();
    outcome
}
