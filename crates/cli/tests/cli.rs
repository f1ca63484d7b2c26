//! The `cml` binary end to end: each test writes files into its own
//! directory under Cargo's test scratch directory, runs the real binary and
//! checks its exit code, stdout and stderr. No run may panic.

mod common;

use std::path::{Path, PathBuf};

use common::write;

/// The book's chapter 9 example: prints `A` through the UART.
const CHAPTER_9: &str = "LI v0, 0x41\nPERF family=2, op=0, v0\nHALT\n";

/// What one run of the binary did, its output as text.
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

/// A fresh, empty directory for one test.
fn scratch(test: &str) -> PathBuf {
    common::scratch("cli-tests", test)
}

/// Runs `cml` with these arguments in a directory.
fn cml(directory: &Path, arguments: &[&str]) -> Ran {
    let ran = common::cml(directory, arguments);
    Ran {
        code: ran.code,
        stdout: ran.stdout_text(),
        stderr: ran.stderr,
    }
}

/// The value in a `--stats` row, as written (`3`, `1,000`).
fn stat<'a>(stderr: &'a str, label: &str) -> &'a str {
    stderr
        .lines()
        .find_map(|line| {
            let rest = line.trim_start().strip_prefix(label)?;
            rest.starts_with("  ")
                .then(|| rest.split_whitespace().next())
                .flatten()
        })
        .unwrap_or_else(|| panic!("no `{label}` row in:\n{stderr}"))
}

#[test]
fn chapter_9_prints_a_from_source() {
    let directory = scratch("chapter_9_from_source");
    write(&directory, "hello.s", CHAPTER_9);
    let ran = cml(&directory, &["run", "hello.s"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stdout, "A");
    assert_eq!(ran.stderr, "");
}

#[test]
fn chapter_9_prints_a_from_an_image_written_by_asm() {
    let directory = scratch("chapter_9_from_image");
    write(&directory, "hello.s", CHAPTER_9);
    let assembled = cml(&directory, &["asm", "hello.s"]);
    assert_eq!(assembled.code, 0, "{}", assembled.stderr);
    assert_eq!(assembled.stdout, "");
    assert!(directory.join("hello.img").exists());
    let ran = cml(&directory, &["run", "hello.img"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stdout, "A");
}

#[test]
fn run_tells_images_from_source_by_their_bytes_not_their_names() {
    let directory = scratch("detect_by_bytes");
    write(&directory, "source.img", CHAPTER_9);
    assert_eq!(
        cml(&directory, &["asm", "source.img", "-o", "image.s"]).code,
        0
    );
    for file in ["source.img", "image.s"] {
        let ran = cml(&directory, &["run", file]);
        assert_eq!(
            (ran.code, ran.stdout.as_str()),
            (0, "A"),
            "{file}: {}",
            ran.stderr
        );
    }
}

#[test]
fn both_engines_give_the_same_run() {
    let directory = scratch("engines");
    write(&directory, "hello.s", CHAPTER_9);
    let fast = cml(
        &directory,
        &["run", "hello.s", "--stats", "--engine", "fast"],
    );
    let reference = cml(
        &directory,
        &["run", "hello.s", "--stats", "--engine", "reference"],
    );
    assert_eq!((fast.code, reference.code), (0, 0));
    assert_eq!(fast.stdout, reference.stdout);
    assert_eq!(
        stat(&fast.stderr, "cycles"),
        stat(&reference.stderr, "cycles")
    );
}

#[test]
fn asm_disasm_asm_gives_the_identical_image() {
    let directory = scratch("round_trip");
    let source = "\
        .isa v0.5
start:  LI v0, 3
        INST family=8, op=0, +1
        JMP body
        JMP clause
body:   PERF family=8, op=0, v0
        BZ v0, done
        UNIN family=8, op=0
done:   HALT
clause: ADD v0, v0, v0
        RESU v1, v0
message:
        .asciz \"hello\"
        .word 0x1234, 0xFFFF
";
    write(&directory, "first.s", source);
    assert_eq!(cml(&directory, &["asm", "first.s"]).code, 0);
    let listing = cml(&directory, &["disasm", "first.img"]);
    assert_eq!(listing.code, 0, "{}", listing.stderr);
    write(&directory, "second.s", &listing.stdout);
    let again = cml(&directory, &["asm", "second.s"]);
    assert_eq!(again.code, 0, "{}\n{}", listing.stdout, again.stderr);
    let first = std::fs::read(directory.join("first.img")).expect("first image");
    let second = std::fs::read(directory.join("second.img")).expect("second image");
    assert_eq!(first, second, "the listing was:\n{}", listing.stdout);
}

#[test]
fn a_missing_file_is_bad_input() {
    let directory = scratch("missing_file");
    for command in ["run", "asm", "disasm"] {
        let ran = cml(&directory, &[command, "nowhere.s"]);
        assert_eq!(ran.code, 1, "cml {command}");
        assert!(
            ran.stderr.contains("cannot read `nowhere.s`"),
            "{}",
            ran.stderr
        );
        assert!(ran.stderr.contains("hint:"), "{}", ran.stderr);
    }
}

#[test]
fn every_assembly_error_is_reported_and_nothing_is_written() {
    let directory = scratch("assembly_errors");
    let source = "LI v9, 1\nBOGUS v1\nLI v0, 1000\nJMP nowhere\nHALT\n";
    write(&directory, "bad.s", source);
    write(&directory, "kept.img", "the previous output");

    let ran = cml(&directory, &["asm", "bad.s", "-o", "kept.img"]);
    assert_eq!(ran.code, 1);
    assert_eq!(ran.stderr.matches("error[").count(), 4, "{}", ran.stderr);
    for line in ["bad.s:1:", "bad.s:2:", "bad.s:3:", "bad.s:4:"] {
        assert!(
            ran.stderr.contains(line),
            "{line} missing from:\n{}",
            ran.stderr
        );
    }
    assert_eq!(
        std::fs::read_to_string(directory.join("kept.img")).expect("kept.img"),
        "the previous output"
    );
    assert_eq!(cml(&directory, &["asm", "bad.s"]).code, 1);
    assert!(!directory.join("bad.img").exists());

    let ran = cml(&directory, &["run", "bad.s"]);
    assert_eq!(ran.code, 1);
    assert_eq!(ran.stdout, "");
    assert_eq!(ran.stderr.matches("error[").count(), 4, "{}", ran.stderr);
}

#[test]
fn a_truncated_image_is_bad_input() {
    let directory = scratch("truncated_image");
    write(&directory, "hello.s", CHAPTER_9);
    assert_eq!(cml(&directory, &["asm", "hello.s"]).code, 0);
    let bytes = std::fs::read(directory.join("hello.img")).expect("image");
    write(&directory, "cut.img", &bytes[..bytes.len() - 7]);
    for command in ["run", "disasm"] {
        let ran = cml(&directory, &[command, "cut.img"]);
        assert_eq!(ran.code, 1, "cml {command}");
        assert!(
            ran.stderr.contains("cannot read image `cut.img`"),
            "{}",
            ran.stderr
        );
        assert!(ran.stderr.contains("hint:"), "{}", ran.stderr);
    }
}

#[test]
fn garbage_after_the_magic_is_bad_input() {
    let directory = scratch("garbage_image");
    let mut bytes = b"CMLI".to_vec();
    bytes.extend((0..200u32).map(|index| (index * 37 + 11) as u8));
    write(&directory, "garbage.img", &bytes);
    write(&directory, "short.img", b"CMLI");
    for file in ["garbage.img", "short.img"] {
        let ran = cml(&directory, &["run", file]);
        assert_eq!(ran.code, 1, "{file}");
        assert!(ran.stderr.contains("cannot read image"), "{}", ran.stderr);
    }
}

#[test]
fn an_image_that_does_not_load_is_bad_input() {
    let directory = scratch("does_not_load");
    write(&directory, "into_stack.s", ".org 0xF9FF\nHALT\nHALT\n");
    let ran = cml(&directory, &["run", "into_stack.s"]);
    assert_eq!(ran.code, 1);
    assert!(
        ran.stderr.contains("cannot load `into_stack.s`"),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("runs into the stack"), "{}", ran.stderr);
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    let directory = scratch("unknown_flag");
    write(&directory, "hello.s", CHAPTER_9);
    let ran = cml(&directory, &["run", "hello.s", "--frobnicate"]);
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("--frobnicate"), "{}", ran.stderr);
    assert_eq!(cml(&directory, &["run", "hello.s", "--isa", "v9"]).code, 2);
    assert_eq!(cml(&directory, &["run"]).code, 2);
    assert_eq!(cml(&directory, &["launch"]).code, 2);
}

#[test]
fn a_tag_mismatch_traps_with_a_report() {
    let directory = scratch("tag_mismatch");
    write(
        &directory,
        "trap.s",
        "main:\n    LI v0, 1\n    ALLOC v1, RECORD, 2\n    ADD v2, v0, v1\n    HALT\n",
    );
    let ran = cml(&directory, &["run", "trap.s"]);
    assert_eq!(ran.code, 3);
    assert_eq!(ran.stdout, "");
    let report = &ran.stderr;
    assert!(
        report.starts_with("error: trap: tag mismatch: v1 holds PTR, expected INT\n"),
        "{report}"
    );
    assert!(
        report.contains("at 0x0002 (main+2): ADD v2, v0, v1"),
        "{report}"
    );
    assert!(report.contains("v0 = INT 1"), "{report}");
    assert!(report.contains("v1 = PTR 0x0005"), "{report}");
    // One core's stack base after the boot ROM (docs/soc-decisions.md):
    // 0xFD00 - 512 (effect table) - 1020 (spill region) = 0xF704.
    assert!(report.contains("sp = 0xf704"), "{report}");
    assert!(report.contains("hint: "), "{report}");
}

#[test]
fn an_endless_loop_stops_at_max_cycles() {
    let directory = scratch("endless_loop");
    write(&directory, "loop.s", "loop: JMP loop\n");
    let ran = cml(&directory, &["run", "loop.s", "--max-cycles", "1000"]);
    assert_eq!(ran.code, 4);
    assert!(
        ran.stderr
            .starts_with("error: stopped after 1000 cycles (--max-cycles 1000)\n"),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("(loop): JMP"), "{}", ran.stderr);
    assert!(ran.stderr.contains("hint:"), "{}", ran.stderr);

    let traced = cml(
        &directory,
        &["run", "loop.s", "--max-cycles", "1_000", "--trace"],
    );
    assert_eq!(traced.code, 4);
    assert_eq!(
        traced
            .stderr
            .lines()
            .filter(|line| line.contains("JMP"))
            .count(),
        1001
    );
}

#[test]
fn trace_writes_one_line_per_issued_instruction() {
    let directory = scratch("trace");
    write(&directory, "hello.s", CHAPTER_9);
    let ran = cml(&directory, &["run", "hello.s", "--trace"]);
    assert_eq!(ran.code, 0);
    assert_eq!(ran.stdout, "A");
    let lines: Vec<&str> = ran.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", ran.stderr);
    assert!(lines[0].contains("0x0000  LI v0, 65") && lines[0].ends_with("v0=INT 65"));
    assert!(lines[1].contains("PERF family=2, op=0, v0"), "{}", lines[1]);
    assert!(
        lines[1].contains("perform (0x2, 0) INT 65 → remote packet 0x"),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains("HALT"), "{}", lines[2]);
}

#[test]
fn trace_shows_handlers_installed_performed_and_resumed() {
    let directory = scratch("trace_handlers");
    let source = "\
    INST family=8, op=0, +1
    JMP body
    JMP clause
body:
    LI v0, 5
    PERF family=8, op=0, v0
    UNIN family=8, op=0
    HALT
clause:
    RESU v1, v0
";
    write(&directory, "handlers.s", source);
    let ran = cml(&directory, &["run", "handlers.s", "--trace"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let trace = &ran.stderr;
    assert_eq!(trace.lines().count(), 8, "{trace}");
    assert!(trace.contains("install (0x8, 0) id 0 → 0x0002"), "{trace}");
    assert!(
        trace.contains("perform (0x8, 0) INT 5 → handler 0x0002, continuation 0x"),
        "{trace}"
    );
    assert!(trace.contains("resume 0x"), "{trace}");
    // RESU reinstalls the handler's frame with a fresh install-ID.
    assert!(trace.contains("uninstall (0x8, 0) id 1"), "{trace}");
}

#[test]
fn trace_ends_with_the_trapping_instruction() {
    let directory = scratch("trace_trap");
    write(
        &directory,
        "trap.s",
        "LI v0, 1\nALLOC v1, RECORD, 2\nADD v2, v0, v1\n",
    );
    let ran = cml(&directory, &["run", "trap.s", "--trace"]);
    assert_eq!(ran.code, 3);
    let trace_lines: Vec<&str> = ran
        .stderr
        .lines()
        .take_while(|line| !line.starts_with("error:"))
        .collect();
    assert_eq!(trace_lines.len(), 3, "{}", ran.stderr);
    assert!(
        trace_lines[2].contains("fault: tag mismatch"),
        "{}",
        ran.stderr
    );
}

#[test]
fn stats_count_instructions_and_cycles() {
    let directory = scratch("stats");
    write(&directory, "hello.s", CHAPTER_9);
    let ran = cml(&directory, &["run", "hello.s", "--stats"]);
    assert_eq!(ran.code, 0);
    assert_eq!(ran.stdout, "A");
    assert_eq!(stat(&ran.stderr, "instructions"), "3");
    assert!(stat(&ran.stderr, "cycles").parse::<u64>().expect("cycles") >= 3);
    assert_eq!(stat(&ran.stderr, "PERFs"), "1");
    assert!(ran.stderr.contains("remote 1"), "{}", ran.stderr);
    assert!(ran.stderr.contains("host time"), "{}", ran.stderr);
}

#[test]
fn isa_v0_4_traps_on_a_v0_5_instruction() {
    let directory = scratch("isa_v0_4");
    // 0xD881 is ENTER 1, a v0.5 extension.
    write(&directory, "enter.s", ".insn 0xD881\nHALT\n");
    let ran = cml(&directory, &["run", "enter.s", "--isa", "v0.4"]);
    assert_eq!(ran.code, 3, "{}", ran.stderr);
    assert!(
        ran.stderr.starts_with("error: trap: illegal instruction"),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("ENTER 1"), "{}", ran.stderr);

    assert_eq!(cml(&directory, &["run", "enter.s"]).code, 0);
    assert_eq!(cml(&directory, &["asm", "enter.s"]).code, 0);
    assert_eq!(
        cml(&directory, &["run", "enter.img", "--isa", "v0.4"]).code,
        3
    );
}

#[test]
fn asm_refuses_to_overwrite_its_input_or_to_assemble_an_image() {
    let directory = scratch("asm_refusals");
    write(&directory, "source.img", CHAPTER_9);
    let ran = cml(&directory, &["asm", "source.img"]);
    assert_eq!(ran.code, 1);
    assert_eq!(
        std::fs::read_to_string(directory.join("source.img")).expect("source"),
        CHAPTER_9
    );
    write(&directory, "hello.s", CHAPTER_9);
    assert_eq!(cml(&directory, &["asm", "hello.s"]).code, 0);
    let ran = cml(&directory, &["asm", "hello.img", "-o", "again.img"]);
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains("already an image"), "{}", ran.stderr);
}

#[test]
fn isa_prints_the_table() {
    let directory = scratch("isa");
    let plain = cml(&directory, &["isa"]);
    assert_eq!(plain.code, 0);
    for spec in cml_isa::TABLE {
        assert!(
            plain.stdout.contains(&cml_isa::syntax(spec)),
            "{}",
            spec.name
        );
    }
    let markdown = cml(&directory, &["isa", "--markdown"]);
    assert_eq!(markdown.code, 0);
    assert_eq!(markdown.stdout, cml_isa::reference_markdown());
}

#[test]
fn every_command_has_help_and_the_binary_a_version() {
    let directory = scratch("help");
    for command in ["asm", "disasm", "run", "isa", "check"] {
        let ran = cml(&directory, &[command, "--help"]);
        assert_eq!(ran.code, 0, "cml {command} --help");
        assert!(ran.stdout.contains("Examples:"), "cml {command} --help");
    }
    let run_help = cml(&directory, &["run", "--help"]).stdout;
    assert!(run_help.contains("Exit codes:"), "{run_help}");
    let version = cml(&directory, &["--version"]);
    assert_eq!(
        version.stdout.trim(),
        format!("cml {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn snapshot_of_a_trap_report() {
    let directory = scratch("snapshot_trap");
    write(
        &directory,
        "trap.s",
        "main:\n    LI v0, 1\n    ALLOC v1, RECORD, 2\n    ADD v2, v0, v1\n    HALT\n",
    );
    let ran = cml(&directory, &["run", "trap.s"]);
    assert_eq!(ran.code, 3);
    insta::assert_snapshot!("trap_report", ran.stderr);
}

#[test]
fn snapshot_of_stats() {
    let directory = scratch("snapshot_stats");
    // A captured PERF resumed once, an allocation, a remote PERF.
    let source = "\
    INST family=8, op=0, +1
    JMP body
    JMP clause
body:
    ALLOC v2, RECORD, 3
    LI v0, 0x41
    PERF family=8, op=0, v0
    PERF family=2, op=0, v0
    UNIN family=8, op=0
    HALT
clause:
    RESU v1, v0
";
    write(&directory, "handlers.s", source);
    let ran = cml(&directory, &["run", "handlers.s", "--stats"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stdout, "A");
    let normalised: String = ran
        .stderr
        .lines()
        .map(|line| {
            // The number column is as wide as the widest figure, the
            // host's rate included, which depends on the host's speed:
            // runs of spaces become one.
            let indent = &line[..line.len() - line.trim_start().len()];
            if line.trim_start().starts_with("host time") {
                "  host time [normalised]".to_string()
            } else {
                let words: Vec<&str> = line.split_whitespace().collect();
                format!("{indent}{}", words.join(" "))
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("stats", normalised);
}

#[test]
fn check_accepts_a_well_typed_program_and_prints_its_types() {
    let directory = scratch("check_types");
    write(
        &directory,
        "id.cml",
        "let id (x : a) : a = x\n\nlet twice f x = f (f x)\n",
    );
    let ran = cml(&directory, &["check", "--types", "id.cml"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("id : a -> a"), "{}", ran.stdout);
    // twice : (a -> a / e) -> a -> a / e, by hand: f is applied to its own
    // result, so its argument and result types are one variable.
    assert!(ran.stdout.contains("twice : (a -> a"), "{}", ran.stdout);
}

#[test]
fn check_reports_every_error_of_every_file_and_exits_1() {
    let directory = scratch("check_errors");
    write(&directory, "one.cml", "let f x = x +\nlet g = h 1\n");
    write(
        &directory,
        "two.cml",
        "let n : int = \"text\"\nlet m = undefined_name\n",
    );
    let ran = cml(&directory, &["check", "one.cml", "two.cml"]);
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains("one.cml:1:14"), "{}", ran.stderr);
    assert!(ran.stderr.contains("two.cml:1:"), "{}", ran.stderr);
    assert!(ran.stderr.contains("two.cml:2:"), "{}", ran.stderr);
    assert!(ran.stderr.contains("in 2 files"), "{}", ran.stderr);
    assert!(!ran.stderr.contains("panicked"));
}
