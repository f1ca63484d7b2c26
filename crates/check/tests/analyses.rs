//! The analyses after inference, end to end through `check_module`:
//! which values are linear, refutable patterns outside `match`, the
//! handler-tower warning, rigid operation signatures in clauses, and
//! literal ranges. Expected results are derived by hand in each test's
//! comment from `docs/cml-types.md`.

use cml_check::linearity::LinearityError;
use cml_check::CheckError;

/// Every problem, as a short text naming its kind and its subject.
fn problems(source: &str) -> Vec<String> {
    let parsed = cml_syntax::parse(source);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let checked = cml_check::check_module(&parsed.module);
    checked.errors.iter().map(describe).collect()
}

fn describe(error: &CheckError) -> String {
    match error {
        CheckError::Linearity(LinearityError::UsedTwice { name, .. }) => format!("twice {name}"),
        CheckError::Linearity(LinearityError::Dropped { name, .. }) => format!("dropped {name}"),
        CheckError::Linearity(LinearityError::UsedInLoop { name, .. }) => format!("loop {name}"),
        other => format!("{other:?}"),
    }
}

const CORO: &str = "\
effect Coro {
  yield : () -> ()
}

type coro = {
  id : int;
  k  : unit continuation;
}

type coro_state = {
  mutable ready   : coro queue;
  mutable next_id : int;
}
";

/// Chapter 17's shape: `s : coro_state` holds continuations only inside a
/// `coro queue`, a mutable container, so `s` is not linear and may be
/// passed to a helper in several clauses and used after.
#[test]
fn a_state_record_holding_a_queue_of_continuations_is_not_linear() {
    let source = format!(
        "{CORO}
let push_ready (s : coro_state) (c : coro) = Queue.push s.ready c

handler coroutines (s : coro_state) = {{
  | Coro.yield (), k ->
      push_ready s {{ id = s.next_id; k }};
      s.next_id <- s.next_id + 1;
      schedule_next s
  | return v -> v
}}

and schedule_next s =
  match Queue.pop s.ready with
  | None -> ()
  | Some c -> invoke c.k ()
"
    );
    let found = problems(&source);
    assert!(
        found.iter().all(|problem| !problem.contains(" s")),
        "{found:?}"
    );
}

/// A `coro` holds its continuation in an immutable field: it is linear,
/// and pushing it twice is the error.
#[test]
fn a_record_with_an_immutable_continuation_field_is_linear() {
    let source = format!(
        "{CORO}
let twice (s : coro_state) (c : coro) =
  Queue.push s.ready c;
  Queue.push s.ready c
"
    );
    assert_eq!(problems(&source), ["twice c"]);
}

/// `option (unit continuation)`: `Some k` holds the continuation by value
/// (the type argument put in for `a` in `Some of a`), so it is linear; so
/// is a tuple with a continuation component.
#[test]
fn sums_and_tuples_holding_a_continuation_are_linear() {
    let source = "\
let f (w : (unit continuation) option) = g w; g w
and g w = ()
let h (p : (int, unit continuation)) = (p, p)
";
    let found = problems(source);
    assert!(found.contains(&"twice w".to_string()), "{found:?}");
    assert!(found.contains(&"twice p".to_string()), "{found:?}");
}

/// A `mutable` field is a cell: reading it does not move the record, and
/// a record whose only continuation is in a mutable field is not linear.
#[test]
fn a_continuation_in_a_mutable_field_does_not_make_the_record_linear() {
    let source = "\
type waiter = { mutable parked : (unit continuation) option; mutable count : int }
let poke (w : waiter) = w.count <- w.count + 1
let both (w : waiter) = poke w; poke w
";
    assert_eq!(problems(source), Vec::<String>::new());
}

/// A type declared `type linear` is linear, and so is a record holding one
/// in an immutable field.
#[test]
fn declared_linear_types_and_their_holders_are_linear() {
    let source = "\
type linear file = { fd : int }
type session = { name : string; file : file }
let close (_f : file) = ()
let f (s : session) = close s.file; close s.file
";
    assert_eq!(problems(source), ["twice s"]);
}

/// The kinds of the exhaustiveness problems only, with their missing
/// patterns.
fn exhaustiveness(source: &str) -> Vec<String> {
    let parsed = cml_syntax::parse(source);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let checked = cml_check::check_module(&parsed.module);
    checked
        .errors
        .iter()
        .filter_map(|error| match error {
            CheckError::RefutablePattern {
                place, missing, ty, ..
            } => Some(format!("refutable {place}: {missing} of {ty}")),
            CheckError::NonExhaustiveReturn { missing, ty, .. } => {
                Some(format!("return: {missing} of {ty}"))
            }
            CheckError::NonExhaustiveMatch { missing, ty, .. } => {
                Some(format!("match: {missing} of {ty}"))
            }
            CheckError::RedundantArm { .. } => Some("redundant".to_string()),
            _ => None,
        })
        .collect()
}

/// `let Some c = x`: `option a` has `None` too, and a `let` has no other
/// arm. `let (a, b) = p` matches every pair: nothing to report.
#[test]
fn a_refutable_let_pattern_is_an_error() {
    let source = "\
let f (x : int option) = let Some c = x in c
let g (p : (int, bool)) = let (a, b) = p in a
";
    assert_eq!(
        exhaustiveness(source),
        ["refutable a `let`: `None` of option int"]
    );
}

/// Parameters of `let` functions and of `fun`: `(true, x)` misses
/// `(false, _)`; `[]` misses `Cons (_, _)` (the prelude declares `list`
/// as Appendix B's sum); `()` and a record pattern are irrefutable.
#[test]
fn refutable_parameters_are_errors() {
    let source = "\
type point = { x : int; y : int }
let first (true, x) = x
let both () = (fun [] -> 0) []
let norm { x; y } = x + y
";
    assert_eq!(
        exhaustiveness(source),
        [
            "refutable a parameter of `first`: `(false, _)` of (bool, a)",
            "refutable a `fun` parameter: `Cons (_, _)` of list a",
        ]
    );
}

/// A clause's argument pattern: `Some v` misses `None` of the operation's
/// argument type `int option`.
#[test]
fn a_refutable_clause_argument_is_an_error() {
    let source = "\
effect Feed { give : int option -> () }
handler h = { | Feed.give (Some v), k -> resume k () }
";
    assert_eq!(
        exhaustiveness(source),
        ["refutable the argument of a `Feed.give` clause: `None` of option int"]
    );
}

/// Several `return` clauses are tried in order like match arms: `return
/// 0` alone misses every other `int`; a catch-all after it completes them,
/// and a second catch-all is unreachable.
#[test]
fn return_clauses_are_analysed_like_arms() {
    let missing = "\
let f () = match 1 with | 0 -> true with | IO.print s, k -> resume k ()
";
    assert_eq!(exhaustiveness(missing), ["return: `1` of int"]);
    let complete = "\
let f () = match 1 with | 0 -> true | n -> false | m -> true with | IO.print s, k -> resume k ()
";
    assert_eq!(exhaustiveness(complete), ["redundant"]);
}

/// Gap 16, Koka issue koka-lang/koka#56: an operation's own type variable
/// is rigid in a clause. `put : a -> ()` lets each `perform` choose `a`;
/// a handler that keeps the value in a cell from outside the clause would
/// let a later `perform` read it back at another type. The cell's element
/// type is a variable from outside the clause, so binding it to `'a` is
/// an escape.
#[test]
fn an_operation_type_variable_may_not_escape_its_clause() {
    let source = "\
effect Stash { put : a -> () }
handler keep = {
  let cell = ref None in
  { | Stash.put x, k -> cell := Some x; resume k () }
}
";
    assert_eq!(
        kinds(source),
        ["types::rigid-escape"],
        "{:?}",
        problems(source)
    );
    let fine = "\
effect Stash { put : a -> () }
handler forget = { | Stash.put x, k -> let y = x in resume k () }
";
    assert_eq!(kinds(fine), Vec::<String>::new());
}

/// The same for a row written in a signature: `run` takes a function whose
/// row `{IO | e}` each `perform` chooses. A clause that calls it performs
/// `'e`, which the handler's own row (from outside the clause) would have
/// to contain: rejected, or a performer could pass a function with an
/// effect nobody handles. Without rigid rows the clause's row simply
/// absorbed `e`. A clause that does not run the function is fine.
#[test]
fn an_operation_row_variable_is_rigid_in_a_clause() {
    let source = "\
effect Run { run : (() -> int / {IO | e}) -> int }
handler runner = { | Run.run f, k -> resume k (f ()) }
";
    assert_eq!(
        kinds(source),
        ["types::rigid-escape"],
        "{:?}",
        problems(source)
    );
    let fine = "\
effect Run { run : (() -> int / {IO | e}) -> int }
handler refuse = { | Run.run _f, k -> resume k 0 }
";
    assert_eq!(kinds(fine), Vec::<String>::new(), "{:?}", problems(fine));
}

/// The diagnostic codes of every problem.
fn kinds(source: &str) -> Vec<String> {
    let parsed = cml_syntax::parse(source);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let checked = cml_check::check_module(&parsed.module);
    checked
        .errors
        .iter()
        .map(|error| error.to_diagnostic(0).code.unwrap_or_default())
        .collect()
}

/// Gap 14 in patterns: a decimal literal outside -32768..=32767 is an
/// error there too (`40000`, `-40000`), a hexadecimal one is a 16-bit
/// pattern (`0xFFFF`, which is -1), and the edges fit.
#[test]
fn integer_literals_in_patterns_are_range_checked() {
    let source = "\
let f (x : int) =
  match x with
  | 40000 -> 1
  | -40000 -> 2
  | 0xFFFF -> 3
  | 32767 -> 4
  | -32768 -> 5
  | _ -> 6
";
    let found: Vec<(i64, String)> = {
        let parsed = cml_syntax::parse(source);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        cml_check::check_module(&parsed.module)
            .errors
            .iter()
            .map(|error| match error {
                CheckError::IntegerOutOfRange { value, span } => {
                    (*value, source[span.clone()].to_string())
                }
                other => panic!("{other:?}"),
            })
            .collect()
    };
    assert_eq!(
        found,
        [(40000, "40000".to_string()), (-40000, "-40000".to_string())]
    );
}

/// The linearity problems only (the `val`s below have no `let`, which is
/// a warning of its own).
fn linear_problems(source: &str) -> Vec<String> {
    problems(source)
        .into_iter()
        .filter(|problem| {
            problem.starts_with("twice ")
                || problem.starts_with("dropped ")
                || problem.starts_with("loop ")
        })
        .collect()
}

const FILES: &str = "\
type linear file_handle
val open_file : string -> file_handle
val close : file_handle -> ()
";

/// Chapter 13, line 1605 (B1): `let f = open_file ...` binds a
/// `file_handle`, declared linear, so `f` is tracked like a parameter.
/// Its four uses: the first consumes it; the second, third and fourth are
/// each reported against the first (the pass keeps the first use), so
/// three errors; `a` and `b` are `bytes`, not linear.
#[test]
fn a_let_bound_linear_value_is_tracked() {
    let source = format!(
        "{FILES}val read : file_handle -> bytes
let example () =
  let f = open_file \"data.txt\" in
  let a = read f in
  let b = read f in
  close f;
  read f
"
    );
    assert_eq!(linear_problems(&source), ["twice f", "twice f", "twice f"]);
}

/// Chapter 13's threaded form (line 1617): each `read` consumes a handle
/// and returns a fresh one in a tuple pattern of a `let`; each handle is
/// used once, so nothing is reported. Using `f1` again, or never using
/// `f2`, is reported: the tuple pattern's variables are tracked too.
#[test]
fn let_bound_handles_threaded_through_a_tuple_pattern() {
    let threaded = "val read : file_handle -> (bytes, file_handle)
let example () =
  let f0 = open_file \"data.txt\" in
  let (a, f1) = read f0 in
  let (b, f2) = read f1 in
  close f2
";
    assert_eq!(
        linear_problems(&format!("{FILES}{threaded}")),
        Vec::<String>::new()
    );
    let reused = threaded.replace("close f2", "close f1");
    assert_eq!(
        linear_problems(&format!("{FILES}{reused}")),
        ["twice f1", "dropped f2"]
    );
}

/// A generalised `let`: `let d = dummy` is a variable, non-expansive, so
/// `d : ∀a b e. continuation a b e` is polymorphic (each `invoke` may
/// choose `a`: `int`, then `bool`); its type is a continuation whatever
/// the quantified variables are, so `d` is linear and the second `invoke`
/// is the error. A `let mutable` is a cell (`docs/cml-types.md`,
/// "Linearity"): not tracked.
#[test]
fn a_generalised_let_of_a_linear_type_is_linear() {
    let source = "\
val dummy : continuation a
let f () =
  let d = dummy in
  invoke d 1;
  invoke d true
let g () =
  let mutable m = dummy in
  invoke m 1;
  invoke m 2
";
    assert_eq!(linear_problems(source), ["twice d"]);
}

/// Chapter 15's `connection` holds `read_waiter : (bytes continuation)
/// option` (B3). Immutable, the field holds the continuation by value (the
/// argument of `Some`), so a `connection` is linear: storing it in the
/// table and returning it is the second use. `mutable` (as the book
/// writes it), the field is a cell and the record is not linear: the same
/// code is accepted.
#[test]
fn a_continuation_inside_an_option_field_of_a_record() {
    let body = "
let remember (t : table int connection) (c : connection) = Hash.insert t c.id c; c
let opened (t : table int connection) =
  let c = { id = 1; read_waiter = None } in
  Hash.insert t 1 c;
  c
";
    let immutable = format!(
        "type connection = {{ id : int; read_waiter : (bytes continuation) option }}{body}"
    );
    assert_eq!(linear_problems(&immutable), ["twice c", "twice c"]);
    let mutable = format!(
        "type connection = {{ id : int; mutable read_waiter : (bytes continuation) option }}{body}"
    );
    assert_eq!(linear_problems(&mutable), Vec::<String>::new());
}
