//! Inferred types of small programs. Each expected type is worked out by
//! hand from the rules of `docs/cml-types.md` (the derivation is in the
//! comment above it), not copied from the checker's output.

mod common;

use common::check;

fn types_of(source: &str) -> Vec<String> {
    let checked = check(source);
    assert!(
        checked.errors.is_empty(),
        "unexpected errors: {:?}",
        checked.errors
    );
    checked
        .definitions
        .iter()
        .map(|definition| format!("{} : {}", definition.name, definition.ty))
        .collect()
}

/// `x : a`, the body is `x`; nothing is performed, so the row is open.
#[test]
fn identity() {
    assert_eq!(types_of("let id x = x"), ["id : a -> a / e"]);
}

/// `f : a -> b / ρ` and `g : c -> a / ρ'` applied in the body unify both
/// rows with the body's row `e`; the outer arrows' rows are unconstrained.
#[test]
fn composition_shares_one_row() {
    assert_eq!(
        types_of("let compose f g x = f (g x)"),
        ["compose : (a -> b / e) -> (c -> a / e) -> c -> b / e"]
    );
}

/// `Nil -> 0` fixes the result `int`; `Cons (_, t)` makes `xs : list a`.
#[test]
fn recursion_over_a_list() {
    let source =
        "let rec length xs =\n  match xs with\n  | Nil -> 0\n  | Cons (_, t) -> 1 + length t";
    assert_eq!(types_of(source), ["length : list a -> int / e"]);
}

/// `get : unit -> a` with the label `State t`; `n + 1` makes `t = int`;
/// both performs add `State int` to the open row.
#[test]
fn performing_adds_the_label() {
    let source = "effect State a {\n  get : () -> a\n  put : a -> ()\n}\n\
                  let inc () =\n  let n = perform State.get () in\n  perform State.put (n + 1);\n  n";
    assert_eq!(types_of(source), ["inc : unit -> int / {State int | e}"]);
}

/// The clauses resume with `init : a` and `()`, so `State a`; the return
/// clause makes input = output = `b`; the handler literal captures `init`
/// and so allocates when `ref_state` is applied. Installing it discharges
/// `State int` from `inc ()`: `main` keeps only `Mem` from the application.
#[test]
fn a_parameterised_handler_discharges_its_effect() {
    let source = "effect State a {\n  get : () -> a\n  put : a -> ()\n}\n\
                  handler<a> ref_state(init : a) = {\n  | State.get(), k -> resume k init with state := init\n  \
                  | State.put(v), k -> resume k () with state := v\n  | return x -> x\n}\n\
                  let inc () : int / {State int} =\n  let n = perform State.get () in\n  perform State.put (n + 1);\n  n\n\
                  let main () =\n  with ref_state 0 in {\n    inc ()\n  }";
    assert_eq!(
        types_of(source),
        [
            "ref_state : a -> (handler {State a} b -> b / e) / {Mem | e1}",
            "inc : unit -> int / {State int}",
            "main : unit -> int / {Mem | e}",
        ]
    );
}

/// `Cons (1, Nil)` allocates, and the region handles `Mem`.
#[test]
fn a_region_discharges_mem() {
    let source = "let f () = Cons (1, Nil)\n\
                  let g () = with region r in { match Cons (1, Nil) with | Cons (x, _) -> x | Nil -> 0 }";
    assert_eq!(
        types_of(source),
        ["f : unit -> list int / {Mem | e}", "g : unit -> int / e"]
    );
}

/// `unsafe` adds `Unsafe`; `__inc : ptr -> int -> ptr`.
#[test]
fn unsafe_adds_unsafe() {
    assert_eq!(
        types_of("let bump hp = unsafe { __inc hp 3 }"),
        ["bump : ptr -> ptr / {Unsafe | e}"]
    );
}

/// A `mutable` field may be assigned; the assignment is `unit`.
#[test]
fn mutable_fields() {
    let source = "type counter = { mutable n : int }\nlet bump c = c.n <- c.n + 1";
    assert_eq!(types_of(source), ["bump : counter -> unit / e"]);
}

/// `Nil` is a value, so `empty : list a` is generalised and used at two
/// types; `ref Nil` is an application, so `cell` is not, and using it at
/// two types is an error.
#[test]
fn the_value_restriction() {
    let generalised = "let empty = Nil\nlet a = Cons (1, empty)\nlet b = Cons (true, empty)";
    assert_eq!(
        types_of(generalised),
        ["empty : list a", "a : list int", "b : list bool"]
    );
    let restricted =
        "let cell = ref Nil\nlet a = cell := Cons (1, Nil)\nlet b = cell := Cons (true, Nil)";
    let checked = check(restricted);
    assert_eq!(checked.errors.len(), 1, "{:?}", checked.errors);
    assert!(matches!(
        checked.errors[0],
        cml_check::CheckError::TypeMismatch { .. }
    ));
}

/// Shallow `handle`: `resume k ()` reinstalls the clauses, so the
/// scheduler-like loop below discharges `Yield`; `main` performs only the
/// `IO` of `print`.
#[test]
fn a_shallow_handler_with_resume() {
    let source = "effect Yield : unit\n\
                  let main () =\n  handle\n    perform Yield;\n    perform IO.print \"a\"\n  with\n  | Yield k -> resume k ()";
    assert_eq!(types_of(source), ["main : unit -> unit / {IO | e}"]);
}

/// `loop { }` never returns: its type is free; `ref`, `!` and `:=`.
#[test]
fn references_and_loop() {
    let source = "let count () =\n  let a = ref 0 in\n  loop {\n    a := !a + 1\n  }";
    assert_eq!(types_of(source), ["count : unit -> a / {Mem | e}"]);
}

/// B2: `h` writes the closed row `⟨E⟩`; a use of it inside its recursive
/// group opens the written row, as a use outside does, so `g`, whose
/// written row `⟨E, F⟩` is larger, may call it: the call unifies
/// `⟨E | ρ⟩` with `⟨E, F⟩`, binding `ρ := ⟨F⟩`. Each keeps its own row.
#[test]
fn a_closed_row_is_opened_at_a_call_inside_a_recursive_group() {
    let source = "effect E { x : () -> () }\neffect F { y : () -> () }\n\
                  let rec g () : () / {E, F} = perform F.y (); h ()\n\
                  and h () : () / {E} = perform E.x ()";
    assert_eq!(
        types_of(source),
        ["g : unit -> unit / {E, F}", "h : unit -> unit / {E}"]
    );
}

/// The other way round, `g : ⟨E⟩` calling `h : ⟨E, F⟩` performs `F`,
/// which `g`'s written row lacks: the error is at the call `h ()`, not
/// in `h`'s body.
#[test]
fn a_call_in_a_recursive_group_performing_too_much_is_blamed_at_the_call() {
    let source = "effect E { x : () -> () }\neffect F { y : () -> () }\n\
                  let rec g () : () / {E} = perform E.x (); h ()\n\
                  and h () : () / {E, F} = perform F.y ()";
    let checked = check(source);
    assert_eq!(checked.errors.len(), 1, "{:?}", checked.errors);
    let cml_check::CheckError::EffectNotAllowed { effect, span, .. } = &checked.errors[0] else {
        panic!("{:?}", checked.errors)
    };
    assert_eq!(effect, "F");
    assert_eq!(&source[span.clone()], "h ()");
}

/// Inside a recursive group a curried member is monomorphic, but applying
/// it to fewer arguments performs nothing (the closure's allocation is at
/// the application), so a call does not tie the row of its partial
/// application to the caller's: `add : int -> int -> int / e`, with the
/// inner arrow's row free and not printed, as outside a group. `f`
/// performs `IO`, and `add`'s body row is `f`'s (monomorphic recursion).
#[test]
fn a_call_in_a_recursive_group_leaves_partial_application_rows_free() {
    let source = "let rec f x = print_int (add x 1)\nand add a b = a + b";
    assert_eq!(
        types_of(source),
        [
            "f : int -> unit / {IO | e}",
            "add : int -> int -> int / {IO | e}"
        ]
    );
}

/// B4 (chapter 17's generator): the clause context is lexical, so `resume
/// k ()` inside the `fun` still reinstalls the shallow clause: `k :
/// Cont(unit, unit, ⟨Coro a | ε⟩)` (the handled computation returns `()`),
/// and `resume k ()` is `τout ! ε` with `τout = generator a` (the return
/// clause's `Done`); so the `fun` is `unit -> generator a / ε`, which
/// `Yielded` accepts. Building `Yielded (..)` and the closure (it captures
/// `k`) allocate: `Mem ∈ ε`. The handled `body ()` performs `⟨Coro a | ε⟩`.
#[test]
fn resume_in_a_closure_inside_a_shallow_clause_reinstalls_the_clauses() {
    let source = "effect Coro a { yield : a -> () }\n\
                  type generator a = | Done | Yielded of a * (unit -> generator a)\n\
                  let run body =\n  handle body () with\n  \
                  | Coro.yield v, k -> Yielded (v, fun () -> resume k ())\n  \
                  | return () -> Done";
    assert_eq!(
        types_of(source),
        ["run : (unit -> unit / {Coro a, Mem | e}) -> generator a / {Mem | e}"]
    );
}

/// A `handle` nested in a closure inside a clause installs its own
/// context: the inner `resume j ()` reinstalls the inner handler (its
/// output `int`), the outer `resume k ()` the outer one (its output
/// `unit`, the handled `perform`'s result); were the outer context used
/// for `j`, `Cont(int, int, ..)` would not match the outer `Cont(unit,
/// unit, ..)`. The closure captures no local variable, so building it
/// does not allocate, and `run` performs nothing.
#[test]
fn a_handle_nested_in_a_closure_has_its_own_clause_context() {
    let source = "effect Tick { tick : () -> () }\n\
                  effect Ask { ask : () -> int }\n\
                  let run () =\n  handle perform Tick.tick () with\n  \
                  | Tick.tick (), k ->\n      \
                  let later = fun () -> (handle perform Ask.ask () with | Ask.ask (), j -> resume j 1) in\n      \
                  resume k ()";
    assert_eq!(types_of(source), ["run : unit -> unit / e"]);
}

/// A handler declared in a recursive group installs itself inside its own
/// clause (chapter 17's coroutines run a spawned body under a new instance
/// of the handler): while the group is inferred the handler stands for a
/// handler of the labels its clauses name, so the inner `with` discharges
/// `Coro` and the clauses perform only `Mem` (the new instance's closure,
/// which captures `s`). Before, the inner use saw an
/// unknown type, handled nothing, and `Coro` leaked into the clauses' row.
#[test]
fn a_handler_installs_itself_inside_its_own_clause() {
    let source = "effect Coro { exit : () -> empty }\n\
                  handler h (s : int) = {\n  \
                  | Coro.exit (), _k -> with h s in { let _ = perform Coro.exit () in () }\n  \
                  | return v -> v\n\
                  }";
    assert_eq!(
        types_of(source),
        ["h : int -> (handler {Coro} unit -> unit / {Mem | e}) / {Mem | e}"]
    );
}

/// A type alias may name an alias declared after it: `socket_addr` is
/// expanded to `int * int` although `ip_addr` comes later (chapter 15's
/// types, made concrete). Before, the later alias stayed a type of its
/// own in the earlier one, and `(1000, 80)` was not a `socket_addr`.
#[test]
fn an_alias_names_an_alias_declared_after_it() {
    let source = "type socket_addr = ip_addr * port\n\
                  type ip_addr = int\n\
                  type port = int\n\
                  let server : socket_addr = (1000, 80)\n\
                  let next ((addr, p) : socket_addr) = (addr + 1, p)";
    assert_eq!(
        types_of(source),
        [
            "server : (int, int)",
            "next : (int, int) -> (int, int) / {Mem | e}"
        ]
    );
}

/// `xss` is matched with `Cons (xs, _)` and the arm gives `xs`, so `xss :
/// list b` with `b = list a` for the result `xs`: the argument of the
/// outer `list` is itself an application and prints in parentheses
/// (it printed as `list list a`, which does not parse back).
#[test]
fn an_application_as_an_argument_keeps_its_parentheses() {
    let source = "let first xss = match xss with\n  | Cons (xs, _) -> xs\n  | Nil -> Nil";
    assert_eq!(types_of(source), ["first : list (list a) -> list a / e"]);
}

/// Printed types parse back to the same type: each text below, written
/// as a parameter's annotation, is printed again unchanged (`same : T ->
/// T / e`, the identity's row open): applications, an arrow with its row
/// and a tuple as arguments of applications, and an application in a
/// tuple.
#[test]
fn printed_argument_types_parse_back_to_themselves() {
    for text in [
        "list (list int)",
        "option (int -> bool / {IO})",
        "option (list (int, bool))",
        "(list (option a), int)",
    ] {
        let source = format!("let same (x : {text}) = x");
        assert_eq!(types_of(&source), [format!("same : {text} -> {text} / e")]);
    }
}
