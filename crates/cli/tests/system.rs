//! `cml run` on the system-on-chip, end to end: cores, the boot ROM, the
//! devices' host files, `--trace noc`, `--stats`, `--describe`, and clear
//! messages for bad host files. No run may panic.

mod common;

use common::{cml, write};

fn scratch(test: &str) -> std::path::PathBuf {
    common::scratch("cli-system-tests", test)
}

/// Core 0 binds the keyboard and the UART's receiver, then echoes every key
/// event and every received byte to the UART; the run ends when every core
/// is halted and the devices have nothing left to send.
const ECHO: &str = "
        BZ v0, boot
        HALT
boot:
        INST 15, 1, +1
        JMP keys
        JMP echo
keys:
        INST 15, 2, +1
        JMP main
        JMP echo
main:
        LI v0, 0
        PERF family=3, op=2, v0     ; bind the keyboard to core 0
        LI v0, 1
        PERF family=2, op=3, v0     ; configure the UART (1 cycle/char): binds it
wait:
        HALT
        JMP wait
echo:
        PERF family=2, op=0, v0
        RESU v1, v0
";

#[test]
fn keys_and_uart_input_are_echoed_through_the_mesh() {
    let directory = scratch("echo");
    write(&directory, "echo.s", ECHO);
    write(
        &directory,
        "keys.txt",
        "# two keys\n100 'h'\n200 'i'\n300 'h' release\n",
    );
    write(&directory, "in.txt", "!?");
    let ran = cml(
        &directory,
        &[
            "run",
            "echo.s",
            "--cores",
            "2",
            "--keys",
            "keys.txt",
            "--uart-in",
            "in.txt",
        ],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let mut output = ran.stdout.clone();
    output.sort_unstable();
    // 'h', 'i' and the release of 'h' (0x68 | 0x80 = 0xE8) from the
    // keyboard, '!' '?' from the UART (sorted: the two streams interleave
    // in an order the mesh decides).
    assert_eq!(output, b"!?hi\xE8");
}

#[test]
fn the_same_run_gives_the_same_noc_trace() {
    let directory = scratch("trace_noc");
    write(&directory, "echo.s", ECHO);
    write(&directory, "keys.txt", "100 'h'\n200 'i'\n");
    write(&directory, "in.txt", "!?");
    let arguments = [
        "run",
        "echo.s",
        "--cores",
        "4",
        "--keys",
        "keys.txt",
        "--uart-in",
        "in.txt",
        "--trace",
        "noc",
    ];
    let first = cml(&directory, &arguments);
    let second = cml(&directory, &arguments);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stderr, second.stderr);
    assert!(
        first
            .stderr
            .contains("0x18 kid0 -> 0x00 core0 op 0x1 key event"),
        "{}",
        first.stderr
    );
    assert!(
        first
            .stderr
            .lines()
            .all(|line| line.starts_with("noc  cycle")),
        "{}",
        first.stderr
    );
}

#[test]
fn stats_show_per_core_utilisation_and_links() {
    let directory = scratch("stats");
    write(
        &directory,
        "hello.s",
        "LI v1, 0x30\nADD v1, v0, v1\nPERF family=2, op=0, v1\nHALT\n",
    );
    let ran = cml(
        &directory,
        &["run", "hello.s", "--cores", "4", "--stats", "--describe"],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let mut digits = ran.stdout.clone();
    digits.sort_unstable();
    assert_eq!(digits, b"0123");
    assert!(ran.stderr.contains("mesh 3x3"), "{}", ran.stderr);
    assert!(ran.stderr.contains("utilisation"), "{}", ran.stderr);
    assert!(ran.stderr.contains("NoC links: packets"), "{}", ran.stderr);
    assert!(ran.stderr.contains("core 3: heap from"), "{}", ran.stderr);
}

#[test]
fn bad_host_files_are_clear_errors() {
    let directory = scratch("bad_files");
    write(&directory, "hello.s", "HALT\n");
    write(&directory, "keys.txt", "100 'h'\nsoon 'i'\n");
    write(
        &directory,
        "frames.pcap",
        "this is not a capture, just some text",
    );
    let ran = cml(&directory, &["run", "hello.s", "--keys", "keys.txt"]);
    assert_eq!(ran.code, 1);
    assert!(
        ran.stderr.contains("key script `keys.txt`"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("line 2: `soon` is not a cycle number"),
        "{}",
        ran.stderr
    );
    let ran = cml(&directory, &["run", "hello.s", "--disk", "missing.img"]);
    assert_eq!(ran.code, 1);
    assert!(
        ran.stderr
            .contains("cannot read the disk image `missing.img`"),
        "{}",
        ran.stderr
    );
    let ran = cml(&directory, &["run", "hello.s", "--nic-in", "frames.pcap"]);
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains("not a pcap file"), "{}", ran.stderr);
    assert_eq!(cml(&directory, &["run", "hello.s", "--cores", "9"]).code, 2);
}

#[test]
fn a_transmitted_frame_lands_in_the_nic_out_capture() {
    // Core 0 sends the frame "ok" through (6, 1) transmit byte and (6, 2)
    // end of frame.
    let directory = scratch("nic");
    write(
        &directory,
        "nic.s",
        "LI v0, 'o'\nPERF family=6, op=1, v0\nLI v0, 'k'\nPERF family=6, op=1, v0\nPERF family=6, op=2, v0\nHALT\n",
    );
    let ran = cml(&directory, &["run", "nic.s", "--nic-out", "out.pcap"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let capture = std::fs::read(directory.join("out.pcap")).expect("out.pcap written");
    assert_eq!(
        cml_system::host::read_pcap(&capture).unwrap(),
        vec![b"ok".to_vec()]
    );
}

#[test]
fn boot_bare_runs_without_the_rom() {
    let directory = scratch("bare");
    write(
        &directory,
        "hello.s",
        "LI v0, 0x41\nPERF family=2, op=0, v0\nHALT\n",
    );
    let ran = cml(
        &directory,
        &["run", "hello.s", "--boot", "bare", "--cores", "2"],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stdout, b"AA");
}

#[test]
fn the_uart_reads_standard_input_and_writes_to_a_file() {
    use std::io::Write as _;
    let directory = scratch("uart_files");
    write(&directory, "echo.s", ECHO);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cml"))
        .args(["run", "echo.s", "--uart-in", "-", "--uart-out", "out.txt"])
        .current_dir(&directory)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run cml");
    child
        .stdin
        .take()
        .expect("a pipe")
        .write_all(b"ok")
        .expect("write stdin");
    let output = child.wait_with_output().expect("cml ends");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The echo program sends back every byte the UART receives; with
    // `--uart-out` they go to the file, and nothing to stdout.
    assert!(output.stdout.is_empty());
    let written = std::fs::read(directory.join("out.txt")).expect("the UART output file");
    assert_eq!(written, b"ok");
}

#[test]
fn an_unwritable_uart_output_is_bad_input() {
    let directory = scratch("uart_out_bad");
    write(&directory, "echo.s", ECHO);
    let ran = cml(
        &directory,
        &["run", "echo.s", "--uart-out", "no/such/directory/out.txt"],
    );
    assert_eq!(ran.code, 1);
    assert!(
        ran.stderr.contains("cannot create the UART output"),
        "{}",
        ran.stderr
    );
}
