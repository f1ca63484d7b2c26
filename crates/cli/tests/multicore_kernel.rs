//! Chapter 14's multicore kernel (`tests/programs/soc/kernel_ch14_multicore.cml`,
//! the README's demo) on the system-on-chip, through the real `cml`
//! binary.
//!
//! What it must print follows from the kernel and its three processes:
//! A and B print `A1`..`A3` and `B1`..`B3`, yielding after each line;
//! E asks to move to core 0, 1, ... in turn and prints `E<core asked
//! for>` after each move; each line is prefixed with the core that printed
//! it. On one core the kernel uses `local_ready_only` and the order is
//! fixed by its FIFO ready queue (worked by hand in
//! `one_core_runs_the_processes_round_robin`). On four cores the order
//! depends on which core steals what and when, so the test checks what
//! every interleaving must give: each process's lines exactly once and in
//! its own order, every line from a core that exists, and more than one
//! core running processes (the others steal from core 0, where
//! everything is spawned). `--seed` shuffles the lockstep order of the
//! cores, so several seeds try several interleavings.

mod common;

use std::path::PathBuf;

fn kernel() -> PathBuf {
    common::soc_program("kernel_ch14_multicore.cml")
}

/// The lines of a run, as (core, text) pairs; fails on any other line.
fn lines(output: &str, cores: usize) -> Vec<(usize, String)> {
    output
        .lines()
        .map(|line| {
            let rest = line
                .strip_prefix("core ")
                .unwrap_or_else(|| panic!("a line without its core: {line:?}"));
            let (core, text) = rest
                .split_once(": ")
                .unwrap_or_else(|| panic!("a line without its text: {line:?}"));
            let core: usize = core.parse().expect("a core number");
            assert!(core < cores, "core {core} printed, but there are {cores}");
            (core, text.to_string())
        })
        .collect()
}

/// The texts of one process's lines (those starting with its letter).
fn of_process(lines: &[(usize, String)], letter: char) -> Vec<String> {
    lines
        .iter()
        .filter(|(_, text)| text.starts_with(letter))
        .map(|(_, text)| text.clone())
        .collect()
}

#[test]
fn one_core_runs_the_processes_round_robin() {
    // Ready queue [A, B, E]. A prints A1 and yields: [B, E, A]. B prints
    // B1 and yields: [E, A, B]. E asks for core 0, its own, so it is
    // pushed back: [A, B, E]. A2, B2; E goes on and prints E0, and having
    // visited every core (one) it exits. A3, B3; A and B then return and
    // exit.
    let output = common::run_to_success(&["--cores", "1"], &kernel());
    let expected = ["A1", "B1", "A2", "B2", "E0", "A3", "B3"]
        .map(|text| format!("core 0: {text}\n"))
        .concat();
    assert_eq!(output, expected);
}

#[test]
fn four_cores_share_the_work_and_every_process_finishes() {
    for seed in ["0", "1", "2", "3", "4", "5"] {
        let arguments = if seed == "0" {
            vec!["--cores", "4"]
        } else {
            vec!["--cores", "4", "--seed", seed]
        };
        let output = common::run_to_success(&arguments, &kernel());
        let lines = lines(&output, 4);
        assert_eq!(
            of_process(&lines, 'A'),
            ["A1", "A2", "A3"],
            "seed {seed}:\n{output}"
        );
        assert_eq!(
            of_process(&lines, 'B'),
            ["B1", "B2", "B3"],
            "seed {seed}:\n{output}"
        );
        assert_eq!(
            of_process(&lines, 'E'),
            ["E0", "E1", "E2", "E3"],
            "seed {seed}:\n{output}"
        );
        assert_eq!(
            lines.len(),
            10,
            "seed {seed}: nothing else is printed:\n{output}"
        );
        let mut cores: Vec<usize> = lines.iter().map(|(core, _)| *core).collect();
        cores.sort_unstable();
        cores.dedup();
        assert!(
            cores.len() > 1,
            "seed {seed}: every process ran on core {cores:?}, nothing was stolen:\n{output}"
        );
    }
}

#[test]
fn eight_cores_run_the_same_kernel() {
    // The same kernel, unchanged, on eight cores: E visits all eight.
    let output = common::run_to_success(&["--cores", "8"], &kernel());
    let lines = lines(&output, 8);
    let visits: Vec<String> = (0..8).map(|core| format!("E{core}")).collect();
    assert_eq!(of_process(&lines, 'E'), visits, "{output}");
    assert_eq!(of_process(&lines, 'A'), ["A1", "A2", "A3"], "{output}");
    assert_eq!(of_process(&lines, 'B'), ["B1", "B2", "B3"], "{output}");
}
