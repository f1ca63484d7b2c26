//! Hardware effects (`docs/backend.md`, "Hardware effects" and
//! "Preemptible code"): an effect named `Tick` is the timer's tick, the
//! hardware PERF (0xF, 3), its clauses always capture, and a program that
//! binds it is compiled so that every instruction boundary can be
//! interrupted: no sp pointed at an object, no stack address in a
//! register. Expected values written by hand.

mod common;

use cml_isa::IsaVersion;
use cml_machine::{Machine, RunOutcome};

/// Compiles and runs `source` on the bare machine, returning the output.
fn run(source: &str) -> (String, String) {
    let compiled = match cml_compile::compile(source) {
        Ok(compiled) => compiled,
        Err(errors) => panic!("does not compile: {errors:?}"),
    };
    let mut machine = Machine::boot_bare_program(&compiled.image, IsaVersion::V0_5).expect("boots");
    let outcome = machine.run(50_000_000);
    assert!(
        matches!(outcome, RunOutcome::Halted),
        "ended with {outcome:?}"
    );
    let output = String::from_utf8_lossy(&machine.take_console_output()).into_owned();
    (compiled.assembly, output)
}

/// The functions' code: the assembly before the runtime routines.
fn program_code(assembly: &str) -> &str {
    let end = assembly.find("\n; The runtime (").unwrap_or(assembly.len());
    &assembly[..end]
}

#[test]
fn tick_is_the_timers_hardware_effect_and_its_clause_captures() {
    // The Tick clause would be tail-resumptive (INSTT) for any other
    // effect; a hardware effect's is installed with INST. Performed from
    // software it behaves as any effect: 7, then 1 (the payload) + 1.
    let source = "effect Tick : int -> unit\n\
                  effect Ask : int\n\n\
                  let main () =\n  \
                  handle\n    \
                  (perform (Tick 1); print_int (perform Ask))\n  \
                  with\n  \
                  | Tick n k -> print_int (n + 6); resume k ()\n  \
                  | Ask k -> resume k 2\n  \
                  | return () -> print_newline ()\n";
    let (assembly, output) = run(source);
    assert!(
        assembly.contains(";   effect Tick.Tick = (0xf, 3)"),
        "the manifest binds Tick to (0xF, 3):\n{assembly}"
    );
    assert!(assembly.contains(";   effect Ask.ask = (0x8, 0)") || assembly.contains("(0x8, 0)"));
    assert!(assembly.contains("INST 15, 3"), "{assembly}");
    assert!(!assembly.contains("INSTT 15, 3"), "{assembly}");
    assert_eq!(output, "72\n");
}

#[test]
fn a_tail_resumptive_tick_clause_still_captures() {
    let source = "effect Tick : int -> unit\n\n\
                  handler ticks = {\n  | Tick _ k -> resume k ()\n}\n\n\
                  let main () =\n  \
                  with ticks in { perform (Tick 0) };\n  \
                  print_string \"ok\\n\"\n";
    let (assembly, output) = run(source);
    assert!(assembly.contains("INST 15, 3"), "{assembly}");
    assert!(!assembly.contains("INSTT 15, 3"), "{assembly}");
    assert_eq!(output, "ok\n");
}

#[test]
fn preemptible_code_never_moves_sp_to_an_object() {
    let plain = "type point = { mutable x : int; y : int }\n\n\
                 let main () =\n  \
                 let p = { x = 1; y = 2 } in\n  \
                 p.x <- p.x + p.y;\n  \
                 print_int p.x\n";
    let (assembly, output) = run(plain);
    assert_eq!(output, "3");
    assert!(program_code(&assembly).contains("CSRW v2, SP"));
    assert!(!assembly.contains("__retag"));

    let preemptible = format!("{plain}\neffect Tick : int -> unit\n");
    let (assembly, output) = run(&preemptible);
    assert_eq!(output, "3");
    let code = program_code(&assembly);
    assert!(
        !code.contains(", SP"),
        "sp used in preemptible code:\n{code}"
    );
    assert!(code.contains("__retag") && code.contains("__tag_of"));
}

#[test]
fn preemptible_equality_reads_tags_as_words() {
    // `==` on values whose type is not visibly int goes to `__equal_p`
    // with the tags in v2 and v3: strings, records, constructors, mixed.
    let source = "effect Tick : int -> unit\n\n\
                  let same a b = if a == b then print_string \"y\" else print_string \"n\"\n\n\
                  let main () =\n  \
                  same \"ab\" \"ab\";\n  same \"ab\" \"ac\";\n  \
                  same (1, \"x\") (1, \"x\");\n  same (1, \"x\") (2, \"x\");\n  \
                  same (Some [1; 2]) (Some [1; 2]);\n  same (Some [1]) None;\n  \
                  same () ();\n  same true false\n";
    let (assembly, output) = run(source);
    assert_eq!(output, "ynynynyn");
    let code = program_code(&assembly);
    assert!(
        code.contains("__equal_p") && !code.contains(", SP"),
        "{code}"
    );
}

/// Every corpus program with an expected output, compiled preemptible
/// (an unused `Tick` declaration appended), prints the same: the LD/ST
/// field access with `__retag` and `__tag_of` keeps every tag.
#[test]
fn the_corpus_runs_the_same_compiled_preemptible() {
    common::corpus_runs_the_same(
        |source| source.contains("Tick"),
        |source| format!("{source}\neffect Tick : int -> unit\n"),
        |_| None,
    );
}
