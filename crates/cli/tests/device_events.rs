//! The back end's machine primitives and device events on the
//! system-on-chip, through the real `cml` binary (booted through the ROM;
//! `crates/compile/tests/programs.rs` boots bare, with one core and no
//! devices). Expected outputs written by hand from the programs' headers.
//!
//! * `tests/programs/soc/core_id_halt.cml` on two cores: each core reads
//!   its id with `__read_core_id_register ()` (CSRR 3) and only core 1
//!   prints; then each runs `__halt ()` (HALT), nothing wakes them, and
//!   the run ends with status 0 without "woken".
//! * `tests/programs/soc/per_core_globals.cml` on four cores: every core
//!   evaluates the top-level values itself (its own `me` and `counter`,
//!   through GP), so core c counts 5 * (c + 1).
//! * `tests/programs/soc/send_to_absent_core.cml` on two cores: a message
//!   to core 3 traps, and the report names the missing core.
//! * `tests/programs/soc/key_arrival.cml` with a key script: an effect
//!   named `KeyArrival` is bound to the keyboard's key event (0xF, 1),
//!   which was the back end's instance probe before the private
//!   operations moved to family 0xE (`docs/backend.md`, "Effects").

mod common;

use std::path::{Path, PathBuf};

fn program(name: &str) -> PathBuf {
    common::soc_program(name)
}

fn scratch(test: &str) -> PathBuf {
    common::scratch("cli-device-events", test)
}

/// Runs `cml run` with these arguments; its stdout, after asserting
/// status 0.
fn cml_run(arguments: &[&str], file: &Path) -> String {
    common::run_to_success(arguments, file)
}

#[test]
fn each_core_reads_its_own_id_and_halts() {
    let output = cml_run(&["--cores", "2"], &program("core_id_halt.cml"));
    assert_eq!(output, "core 1 here\n");
}

#[test]
fn every_core_has_its_own_top_level_values() {
    let output = cml_run(&["--cores", "4"], &program("per_core_globals.cml"));
    assert_eq!(
        output,
        "core 0: counter 5\ncore 1: counter 10\ncore 2: counter 15\ncore 3: counter 20\n"
    );
}

#[test]
fn the_same_program_on_one_core_prints_nothing_and_halts() {
    let output = cml_run(&[], &program("core_id_halt.cml"));
    assert_eq!(output, "");
}

#[test]
fn a_scripted_key_reaches_the_key_arrival_clause() {
    let directory = scratch("keys");
    let keys = directory.join("keys.txt");
    std::fs::write(&keys, "5000 'A'\n9000 'B'\n12000 'A' release\n").expect("write the keys");
    let keys = keys.display().to_string();
    let output = cml_run(&["--keys", &keys], &program("key_arrival.cml"));
    assert_eq!(output, "key A\nkey B\nrelease 65\ndone\n");
}

#[test]
fn a_key_pressed_before_the_keyboard_is_bound_waits_for_it() {
    // Cycle 1 is long before `main` binds the keyboard (the boot ROM's
    // enumeration alone takes thousands of cycles): the device keeps the
    // events until a core binds it (`docs/soc-decisions.md`, "Devices
    // start unbound"), so all three still reach the clause, in order.
    let directory = scratch("early");
    let keys = directory.join("keys.txt");
    std::fs::write(&keys, "1 'x'\n2 'y'\n3 'x' release\n").expect("write the keys");
    let keys = keys.display().to_string();
    let output = cml_run(&["--keys", &keys], &program("key_arrival.cml"));
    assert_eq!(output, "key x\nkey y\nrelease 120\ndone\n");
}

#[test]
fn a_message_to_an_absent_core_names_the_core_in_the_trap_report() {
    let path = program("send_to_absent_core.cml");
    let ran = common::cml(
        &scratch("absent-core"),
        &["run", "--cores", "2", path.to_str().expect("a UTF-8 path")],
    );
    assert_eq!(ran.code, 3, "a trap: {}", ran.stderr);
    assert!(
        ran.stderr.contains("unhandled effect: (0x7, 3)")
            && ran.stderr.contains("the boot ROM's message to core 3")
            && ran.stderr.contains("run with more --cores"),
        "{}",
        ran.stderr
    );
}
