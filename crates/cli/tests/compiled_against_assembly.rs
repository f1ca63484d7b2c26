//! The kernels of `benchmarks/compiled` (docs/performance.md, "Compiled CML
//! against hand-written assembly"): each is written twice, in CML and by
//! hand in the machine's assembly, and both versions must print the same
//! result. Only the output is checked, never the cycle counts.

mod common;

use std::path::PathBuf;

/// Each kernel's name and the output both of its versions must print.
const KERNELS: [(&str, &str); 6] = [
    ("baseline", "-23788\n"),
    ("fib", "6765\n"),
    ("sum_loop", "1032\n"),
    ("list_sum", "-23788\n"),
    ("state_loop", "3000\n"),
    ("generator", "-23788\n"),
];

/// The directory of the kernels, from this crate's.
fn kernels() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../benchmarks/compiled")
}

#[test]
fn both_versions_of_each_kernel_print_the_same_result() {
    for (name, expected) in KERNELS {
        let compiled = common::run_to_success(&[], &kernels().join(format!("{name}.cml")));
        let by_hand = common::run_to_success(&[], &kernels().join(format!("{name}.s")));
        assert_eq!(compiled, expected, "{name}.cml");
        assert_eq!(by_hand, compiled, "{name}.s against {name}.cml");
    }
}

#[test]
fn every_kernel_in_the_directory_is_checked() {
    let mut found: Vec<String> = std::fs::read_dir(kernels())
        .expect("read benchmarks/compiled")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "cml" || e == "s"))
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut listed: Vec<String> = KERNELS
        .iter()
        .flat_map(|(name, _)| [format!("{name}.cml"), format!("{name}.s")])
        .collect();
    listed.sort();
    assert_eq!(
        found, listed,
        "each kernel needs both versions and an entry in KERNELS"
    );
}
