//! `cml run FILE.cml` and `cml build` end to end, through the real binary:
//! output on stdout, diagnostics on stderr, exit codes. (What programs
//! print is the corpus's business: `crates/compile/tests/programs.rs`.)

mod common;

use std::path::{Path, PathBuf};

const HELLO: &str = "let main () =\n  print_string \"hi \";\n  print_int (6 * 7)\n";

fn scratch(test: &str) -> PathBuf {
    common::scratch("build-tests", test)
}

/// Runs `cml`: its exit code, stdout and stderr.
fn cml(directory: &Path, arguments: &[&str]) -> (i32, String, String) {
    let ran = common::cml(directory, arguments);
    (ran.code, ran.stdout_text(), ran.stderr)
}

#[test]
fn run_compiles_and_runs_a_cml_file() {
    let directory = scratch("run");
    std::fs::write(directory.join("hello.cml"), HELLO).unwrap();
    let (code, stdout, stderr) = cml(&directory, &["run", "hello.cml"]);
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "hi 42", ""));
}

#[test]
fn build_writes_an_image_that_run_runs() {
    let directory = scratch("image");
    std::fs::write(directory.join("hello.cml"), HELLO).unwrap();
    let (code, _, stderr) = cml(&directory, &["build", "hello.cml", "-o", "out.img"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, _) = cml(&directory, &["run", "out.img"]);
    assert_eq!((code, stdout.as_str()), (0, "hi 42"));
}

#[test]
fn emit_asm_interleaves_the_source_and_assembles() {
    let directory = scratch("asm");
    std::fs::write(directory.join("hello.cml"), HELLO).unwrap();
    let (code, assembly, _) = cml(&directory, &["build", "--emit", "asm", "hello.cml"]);
    assert_eq!(code, 0);
    assert!(
        assembly.contains("; line 3: print_int (6 * 7)"),
        "{assembly}"
    );
    assert!(
        assembly.contains("effect IO.print = (0x2, 1)"),
        "{assembly}"
    );
    std::fs::write(directory.join("hello.s"), &assembly).unwrap();
    let (code, stdout, _) = cml(&directory, &["run", "hello.s"]);
    assert_eq!((code, stdout.as_str()), (0, "hi 42"));
}

#[test]
fn unsupported_constructs_are_diagnostics_on_stderr_with_exit_1() {
    let directory = scratch("unsupported");
    std::fs::write(
        directory.join("partial.cml"),
        "effect KV {\n  set : int -> int -> ()\n}\n\
         handler ignore_sets = {\n  | KV.set k v, c -> resume c ()\n}\n\
         let main () = with ignore_sets in { let s = perform KV.set 1 in s 2 }\n",
    )
    .unwrap();
    let (code, stdout, stderr) = cml(&directory, &["run", "partial.cml"]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert!(
        stderr.contains(
            "a `perform` of an operation of several arguments with fewer or more than all \
             of them is not supported yet by the back end"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("partial.cml:7:45"), "{stderr}");
}

#[test]
fn a_runtime_fault_exits_3_after_the_output() {
    let directory = scratch("fault");
    let source = "let main () =\n  print_string \"x\";\n  let z = 0 in\n  print_int (1 / z)\n";
    std::fs::write(directory.join("fault.cml"), source).unwrap();
    let (code, stdout, stderr) = cml(&directory, &["run", "fault.cml"]);
    assert_eq!((code, stdout.as_str()), (3, "x"));
    assert!(stderr.contains("division by zero"), "{stderr}");
}
