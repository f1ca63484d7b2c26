//! What the end-to-end tests of the `cml` binary share: a fresh scratch
//! directory per test, writing its files, and running the real binary
//! (which must never panic).

// Each test file uses only some of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of the binary did.
pub struct Ran {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Ran {
    /// Standard output as text (lossily, for messages and `contains`).
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

/// A fresh, empty directory for one test, under the group's directory in
/// Cargo's test scratch space.
pub fn scratch(group: &str, test: &str) -> PathBuf {
    let directory = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(group)
        .join(test);
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).expect("create the scratch directory");
    directory
}

/// Writes a file into a directory and returns its path.
pub fn write(directory: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = directory.join(name);
    std::fs::write(&path, contents).expect("write a test file");
    path
}

/// Runs `cml` with these arguments in a directory; fails the test if it
/// panicked or was killed.
pub fn cml(directory: &Path, arguments: &[&str]) -> Ran {
    let output = Command::new(env!("CARGO_BIN_EXE_cml"))
        .args(arguments)
        .current_dir(directory)
        .output()
        .expect("run the cml binary");
    let ran = Ran {
        code: output.status.code().expect("cml exited, not killed"),
        stdout: output.stdout,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !ran.stderr.contains("panicked"),
        "cml {arguments:?} panicked:\n{}",
        ran.stderr
    );
    ran
}

/// Runs `cml run --max-cycles 5000000 ARGUMENTS FILE` (from Cargo's test
/// scratch space; FILE is absolute) and returns its standard output, after
/// asserting that it ended with status 0.
pub fn run_to_success(arguments: &[&str], file: &Path) -> String {
    let file = file.to_str().expect("a UTF-8 path");
    let mut all = vec!["run", "--max-cycles", "5000000"];
    all.extend_from_slice(arguments);
    all.push(file);
    let ran = cml(Path::new(env!("CARGO_TARGET_TMPDIR")), &all);
    assert_eq!(ran.code, 0, "cml run {file} failed:\n{}", ran.stderr);
    String::from_utf8(ran.stdout).expect("UTF-8 output")
}

/// A program of the system-on-chip corpus, `tests/programs/soc/<name>`.
pub fn soc_program(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/programs/soc")
        .join(name)
}

/// Where `line` is among the lines printed; fails the test if it is not.
pub fn position(lines: &[String], line: &str) -> usize {
    lines
        .iter()
        .position(|printed| printed == line)
        .unwrap_or_else(|| panic!("{line} is missing from {lines:?}"))
}
