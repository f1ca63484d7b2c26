//! Inferred types of the book's key definitions (the kernels of chapters
//! 10, 11, 12 and 14, chapter 16's handlers, chapter 17's runtimes), read
//! from the adapted programs (`tests/cml/book/adapted/`, `docs/errata.md`).
//! Each snapshot was reviewed against what the book says; where the
//! inferred type differs from the book's, the comment says why.

use std::fs;
use std::path::Path;

fn types(file: &str, names: &[&str]) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/cml/book/adapted")
        .join(file);
    let text = fs::read_to_string(&path).expect("an adapted program");
    let parsed = cml_syntax::parse(&text);
    assert!(parsed.errors.is_empty(), "{file}: {:?}", parsed.errors);
    let checked = cml_check::check_module(&parsed.module);
    names
        .iter()
        .map(|name| {
            let ty = checked.type_of(name).unwrap_or("(not defined)");
            format!("{name} : {ty}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Chapter 10 (lines 1003-1074) gives `spawn (body : unit -> unit) :
/// unit` and `scheduler () : unit`. The rows are what the book leaves
/// out: `spawn` allocates (the record, the reified continuation: `Mem`)
/// and takes a body of any row; `scheduler` handles `Yield`, `Print` and
/// `Tick` and keeps `Mem` and `IO` (its Print clause writes through
/// `uart_write`, which the adapted form defines with `print_string`,
/// errata 8); the processes perform `Print` and `Yield` (the book's
/// "unit -> unit"); `main` needs only `Mem` and `IO`, which a bare
/// program's bottom handlers provide.
#[test]
fn chapter_10_teaching_kernel() {
    insta::assert_snapshot!(types(
        "10_teaching_kernel.cml",
        &["spawn", "scheduler", "proc_a", "main"]
    ));
}

/// Chapter 11 (lines 1259-1295): as chapter 10; `proc_loop` performs only
/// `Print` (it never yields: the timer's `Tick` preempts it).
#[test]
fn chapter_11_preemptive_kernel() {
    insta::assert_snapshot!(types(
        "11_preemptive_kernel.cml",
        &["spawn", "scheduler", "proc_loop", "main"]
    ));
}

/// Chapter 12 (lines 1433-1485): `echo_proc` performs `ReadByte` and
/// `Print` and never returns (its result is a free `a`: the loop has no
/// exit); the scheduler handles all five effects.
#[test]
fn chapter_12_blocking_kernel() {
    insta::assert_snapshot!(types(
        "12_blocking_kernel.cml",
        &["scheduler", "echo_proc", "main"]
    ));
}

/// Chapter 14 writes `scheduler : () / {Ready, Mem, IO, ProcLifecycle,
/// Hardware}` (line 1856). The adapted row adds `Unsafe` (`this_core ()`
/// in the spawn and migration clauses, `__halt` in `idle_or_steal`),
/// `NoC` (the migration clause) and `UartTx` (the print clause): errata
/// 16. `proc_handlers` takes the id and home core (errata 17); its
/// clauses' row is the scheduler's, since they call `scheduler ()`. The
/// bottom handlers: `distributed_ready` performs `NoC` and allocates;
/// `local_arena_mem` discharges `Mem` and performs nothing itself. `boot`
/// is left with what its handlers do not discharge: `Unsafe`, `NoC`,
/// `UartTx`, `IO`, `Hardware`, and `ProcLifecycle` (the book's boot
/// performs `ProcLifecycle.spawn` outside any `proc_handlers`, a
/// semantic slip of the book that types cannot see, since `boot` is not
/// `main`). `core_id` is an alias of `int` and prints as `int`. The body
/// row of `proc_handlers` (its last arrow) is the scheduler's: in the
/// recursive group it is typed at its one use, `with proc_handlers p.id
/// p.home_core`; the row of its partial application stays free (applying
/// a defined function to one argument performs nothing), so it is not
/// printed. `handle_noc_message` keeps its written closed row, which its
/// callers in the group open (a use may perform more).
#[test]
fn chapter_14_multicore_kernel() {
    insta::assert_snapshot!(types(
        "14_multicore_kernel.cml",
        &[
            "this_core",
            "scheduler",
            "proc_handlers",
            "idle_or_steal",
            "handle_noc_message",
            "local_ready_only",
            "distributed_ready",
            "local_arena_mem",
            "boot",
        ]
    ));
}

/// Chapter 16: each handler handles `KV` (and `with_transactions` also
/// `Txn`) and passes operations on by performing `KV`, so `KV` stays in
/// its row, as the book's "stack" of handlers (line 2543) needs.
/// `replication` also performs `NoC`.
#[test]
fn chapter_16_database_stack() {
    insta::assert_snapshot!(types(
        "16_replication.cml",
        &[
            "in_memory_kv",
            "with_transactions",
            "journaling",
            "replication",
            "run_stack"
        ]
    ));
}

/// Chapter 17: the coroutine runtime handles `Coro`, yet its clauses'
/// row keeps `Coro`. That is the book's runtime as written: a coroutine
/// made by `reify cb` in the spawn clause was never under the handler, so
/// when `schedule_next` invokes it, its `Coro` operations go to the next
/// handler out (spec-gaps item 10); the type shows it. The actor runtime
/// is parameterised by the message type; its spawn signature gives the
/// body no row, so nothing forces `Actor` into the clauses' row.
/// `fib_gen` never returns (`a`) and yields ints.
#[test]
fn chapter_17_runtimes() {
    let coroutines = types("17_coroutines.cml", &["coroutines", "schedule_next"]);
    let actors = types("17_actors.cml", &["actors", "schedule_next"]);
    let fib = types("17_fib_gen.cml", &["fib_gen"]);
    insta::assert_snapshot!(format!("{coroutines}\n{actors}\n{fib}"));
}
