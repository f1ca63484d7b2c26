//! Allocation as an effect (`docs/backend.md`, "Regions"): a program
//! whose own file has a `with region` performs `Mem.alloc` at every
//! allocation site, served by the bottom handler the start routine
//! installs; one that has none allocates with ALLOC, as before.

mod common;

/// The ALLOCs of objects the compiled code builds (the start routine's
/// block of top-level values, with the size escape, is not one).
fn alloc_sites(assembly: &str) -> usize {
    assembly
        .lines()
        .filter_map(|line| line.split(';').next()?.trim().strip_prefix("ALLOC v2, "))
        .filter(|operands| {
            let layout = operands.split(',').next().unwrap_or("");
            ["RECORD", "SUM", "CLOSURE_REC"].contains(&layout) && !operands.ends_with(", 15")
        })
        .count()
}

/// A function whose region makes every allocation of the program perform,
/// appended to a corpus program (it is never called).
const REGION: &str = "\nlet allocation_performs_in_this_program () = with region r in { 0 }\n";

/// Every corpus program with an expected output, compiled with its
/// allocations performing `Mem.alloc` (the region above appended), prints
/// the same: the bottom handler gives each object the shape ALLOC gives.
#[test]
fn the_corpus_runs_the_same_with_allocation_performing() {
    common::corpus_runs_the_same(
        |_| false,
        |source| format!("{source}{REGION}"),
        |compiled| {
            (alloc_sites(&compiled.assembly) > 0).then(|| "allocates with ALLOC".to_string())
        },
    );
}

/// Without a region, a `Mem` clause or a `perform Mem`, allocation is
/// ALLOC and the memory runtime is not there (Appendix B §4.2's fast path).
#[test]
fn a_program_without_regions_allocates_with_alloc() {
    let source =
        "let main () = let xs = [1; 2] in match xs with | x :: _ -> print_int x | [] -> ()";
    let plain = cml_compile::compile(source).expect("compiles");
    assert!(plain.assembly.contains("ALLOC v2, SUM, 4"));
    assert!(!plain.assembly.contains("PERF 1, 0"));
    assert!(!plain.assembly.contains("__mem_alloc"));
    let performing = cml_compile::compile(&format!("{source}{REGION}")).expect("compiles");
    assert!(performing
        .assembly
        .contains("PERF 1, 0, v0      ; Mem.alloc SUM 4"));
    assert_eq!(alloc_sites(&performing.assembly), 0);
    assert!(performing.assembly.contains("INSTT 1, 0, +1"));
}
