//! The grammar, construct by construct: each test parses a fragment in the
//! book's notation and compares the tree, rendered as an s-expression,
//! with one written by hand from the grammar and layout rules of
//! `docs/cml-syntax.md`.

mod common;

use common::first_body;

fn body(source: &str) -> String {
    first_body(source)
}

#[test]
fn application_binds_tighter_than_operators() {
    assert_eq!(
        body("let x = f a b + g c * 2"),
        "(Add (f a b) (Multiply (g c) 2))"
    );
    assert_eq!(body("let x = a :: b :: c"), "(Cons a (Cons b c))");
    assert_eq!(body("let x = a - b - c"), "(Subtract (Subtract a b) c)");
    assert_eq!(body("let x = s ^ t ^ u"), "(Concat s (Concat t u))");
    assert_eq!(
        body("let x = a == b && c != d || e"),
        "(Or (And (Equal a b) (NotEqual c d)) e)"
    );
    assert_eq!(body("let x = -5 + -y"), "(Add -5 (Negate y))");
    assert_eq!(body("let x = not a && b"), "(And (Not a) b)");
    assert_eq!(
        body("let x = a lsl 2 land 15"),
        "(BitAnd (ShiftLeft a 2) 15)"
    );
}

#[test]
fn fields_paths_and_constructors() {
    assert_eq!(
        body("let x = Queue.push sched.ready { id = pid; k }"),
        "(Queue.push sched.ready {id=pid k})"
    );
    assert_eq!(body("let x = invoke p.k ()"), "(Invoke p.k ())");
    assert_eq!(body("let x = Some (Value v)"), "(Some (Value v))");
    assert_eq!(body("let x = Queue.Empty"), "Queue.Empty");
    assert_eq!(body("let x = { r with a = 1; b = 2 }"), "{r with a=1 b=2}");
    assert_eq!(body("let x = { }"), "{}");
}

#[test]
fn assignment_and_references() {
    assert_eq!(
        body("let f () = sched.next_id <- pid + 1; go ()"),
        "(seq (<- sched.next_id (Add pid 1)) (go ()))"
    );
    assert_eq!(
        body("let f () = pending <- Some []"),
        "(<- pending (Some (list )))"
    );
    assert_eq!(
        body("let f () = a := !b; yield !a"),
        "(seq (SetRef a (Deref b)) (yield (Deref a)))"
    );
}

#[test]
fn perform_in_all_its_spellings() {
    assert_eq!(body("let f () = perform Yield"), "(perform Yield)");
    assert_eq!(
        body("let f () = perform (Print \"A\")"),
        "(perform Print \"A\")"
    );
    assert_eq!(
        body("let f () = perform Ready.pop ()"),
        "(perform Ready.pop ())"
    );
    assert_eq!(
        body("let f () = perform KV.set k v"),
        "(perform KV.set k v)"
    );
    assert_eq!(
        body("let f () = perform (KV.set k v)"),
        "(perform KV.set k v)"
    );
    assert_eq!(
        body("let f () = perform Txn.begin ()"),
        "(perform Txn.begin ())"
    );
}

#[test]
fn sequences_and_lets() {
    assert_eq!(
        body("let f () = let x = 1 in a; b"),
        "(let [x=1] (seq a b))"
    );
    assert_eq!(
        body("let f () = let cb = fun () -> body (); exit () in reify cb"),
        "(let [cb=(fun [()] (seq (body ()) (exit ())))] (reify cb))"
    );
    assert_eq!(
        body("let f () = let rec go n = go n and h x = x in go 0"),
        "(let-rec [go n=(go n) h x=x] (go 0))"
    );
    assert_eq!(body("let f () = begin a; b end; c"), "(seq (seq a b) c)");
    assert_eq!(body("let f () = a; b;"), "(seq a b)");
}

#[test]
fn a_nested_match_ends_at_a_bar_left_of_its_column() {
    let source = "\
let f x =
  match x with
  | A ->
      match y with
      | B -> 1
      | C -> 2
  | D -> 3
";
    assert_eq!(body(source), "(match x [A (match y [B 1] [C 2])] [D 3])");
}

#[test]
fn bars_at_the_same_column_belong_to_the_innermost_match() {
    let source = "\
let f x =
  match x with
  | A ->
  match y with
  | B -> 1
  | D -> 3
";
    assert_eq!(body(source), "(match x [A (match y [B 1] [D 3])])");
}

#[test]
fn an_if_branch_is_a_sequence_ended_by_a_line_at_the_if_column() {
    let source = "\
let f p k =
  if big then
    let t = pick () in
    send t p
  else
    push p;
  resume k ()
";
    assert_eq!(
        body(source),
        "(seq (if big (let [t=(pick ())] (send t p)) (push p)) (Resume k ()))"
    );
    let source = "\
let f () =
  if a then
    x;
    y
  else
    z;
    w
";
    assert_eq!(body(source), "(if a (seq x y) (seq z w))");
}

#[test]
fn else_if_chains_share_the_first_if_column() {
    let source = "\
let f () =
  if a then x
  else if b then y
  else z;
  w
";
    assert_eq!(body(source), "(seq (if a x (if b y z)) w)");
}

#[test]
fn an_arm_body_ends_at_a_line_left_of_or_at_its_bar() {
    let source = "\
let f () =
  (match x with
   | A -> a; b
   | B -> c);
  d
";
    assert_eq!(body(source), "(seq (match x [A (seq a b)] [B c]) d)");
}

#[test]
fn patterns() {
    assert_eq!(
        body("let f x = match x with | Cons (h, t) -> h | Nil -> 0"),
        "(match x [(Cons h t) h] [Nil 0])"
    );
    assert_eq!(
        body("let f x = match x with | (Some a, None) -> a | _ -> 0"),
        "(match x [(tuple (Some a) None) a] [_ 0])"
    );
    assert_eq!(
        body("let f x = match a, b with | Listen, { syn = true; ack } -> 1"),
        "(match (tuple a b) [(tuple Listen {syn=true ack}) 1])"
    );
    assert_eq!(
        body("let f x = match x with | h :: t -> h | [] -> 0 | [a; b] -> a"),
        "(match x [(:: h t) h] [(list ) 0] [(list a b) a])"
    );
    assert_eq!(
        body("let f x = match x with | A | B -> 1 | n when n > 0 -> n | -1 -> 0"),
        "(match x [(or A B) 1] [n when (Greater n 0) n] [-1 0])"
    );
    assert_eq!(
        body("let f x = match x with | { a; _ } -> a | 'c' -> 1 | \"s\" -> 2"),
        "(match x [{a _} a] ['c' 1] [\"s\" 2])"
    );
}

#[test]
fn handler_clauses_in_both_spellings() {
    let source = "\
handler h = {
  | State.get(), k    -> resume k init      with state := init
  | KV.set k v, c -> resume c ()
  | Hardware.noc_arrival { src; op }, k -> f src
  | return x          -> x
}
";
    assert_eq!(
        body(source),
        "(handler [State.get () , k (Resume k init) state=init] [KV.set k v , c (Resume c ())] \
         [Hardware.noc_arrival {src op} , k (f src)] [return x x])"
    );
    let source = "\
let rec scheduler () =
  handle
    invoke p.k ()
  with
  | Yield k ->
      push k;
      scheduler ()
  | Print msg k -> uart_write msg; invoke k ()
";
    assert_eq!(
        body(source),
        "(handle (Invoke p.k ()) [Yield , k (seq (push k) (scheduler ()))] [Print msg , k (seq (uart_write msg) (Invoke k ()))])"
    );
}

#[test]
fn match_with_with_is_a_handle_whose_arms_are_return_clauses() {
    let source = "\
handler run_coro (body : () -> ()) : 'a generator =
  match body () with
  | () -> Done
  with
  | Coro.yield v, k ->
      Yielded (v, fun () -> resume_handler run_coro k)
";
    assert_eq!(
        body(source),
        "(handle (body ()) [return () Done] [Coro.yield v , k (Yielded (tuple v (fun [()] (resume_handler run_coro k))))])"
    );
}

#[test]
fn with_region_unsafe_loop_and_handler_local_state() {
    assert_eq!(body("let f () = with h in { a; b }"), "(with h (seq a b))");
    assert_eq!(
        body("let f () = with ref_state 0 in { g () }"),
        "(with (ref_state 0) (g ()))"
    );
    assert_eq!(
        body("let f () = with region r in { Cons (1, Nil) }"),
        "(region r (Cons (tuple 1 Nil)))"
    );
    assert_eq!(
        body("let f () = unsafe { __halt () }; scheduler ()"),
        "(seq (unsafe (__halt ())) (scheduler ()))"
    );
    assert_eq!(body("let f () = loop { yield 1 }"), "(loop (yield 1))");
    assert_eq!(
        body("handler h = {\n  let mutable s = 0 in\n  {\n    | E.op (), k -> s <- 1; resume k ()\n  }\n}"),
        "(let [s=0] (handler [E.op () , k (seq (<- s 1) (Resume k ()))]))"
    );
}

#[test]
fn declarations() {
    let parsed = cml_syntax::parse(
        "type 'a generator =\n  | Done\n  | Yielded of 'a * (unit -> 'a generator)\n\
         type linear region\n\
         type pair a b = { fst : a; mutable snd : b }\n\
         type core_id = int\n\
         effect Yield : unit\n\
         effect State a {\n  get : () -> a\n  put : a -> ()\n}\n\
         effect Txn {\n  begin : () -> ()\n}\n\
         handler<a> ref_state(init : a) = { | return x -> x }\n\
         val head : nonempty_list a -> a\n\
         let rec f x = g x\nand g x = f x\n",
    );
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    use cml_syntax::ast::{Item, TypeBody};
    let items = &parsed.module.items;
    assert_eq!(items.len(), 10);
    let Item::Type(generator) = &items[0] else {
        panic!()
    };
    assert_eq!(generator.parameters[0].text, "'a");
    let TypeBody::Sum(variants) = &generator.body else {
        panic!()
    };
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[1].fields.len(), 2);
    let Item::Type(region) = &items[1] else {
        panic!()
    };
    assert!(region.linear && region.body == TypeBody::Abstract && region.name.text == "region");
    let Item::Type(pair) = &items[2] else {
        panic!()
    };
    let TypeBody::Record(fields) = &pair.body else {
        panic!()
    };
    assert!(!fields[0].mutable && fields[1].mutable && pair.parameters.len() == 2);
    let Item::Type(alias) = &items[3] else {
        panic!()
    };
    assert!(matches!(alias.body, TypeBody::Alias(_)));
    let Item::Effect(yield_effect) = &items[4] else {
        panic!()
    };
    assert!(yield_effect.single_operation && yield_effect.operations[0].name.text == "Yield");
    let Item::Effect(state) = &items[5] else {
        panic!()
    };
    assert_eq!((state.parameters.len(), state.operations.len()), (1, 2));
    let Item::Effect(txn) = &items[6] else {
        panic!()
    };
    assert_eq!(txn.operations[0].name.text, "begin");
    let Item::Handler(handler) = &items[7] else {
        panic!()
    };
    assert_eq!(
        (handler.type_parameters.len(), handler.parameters.len()),
        (1, 1)
    );
    assert!(matches!(items[8], Item::Val(_)));
    let Item::Let(pair_of_functions) = &items[9] else {
        panic!()
    };
    assert!(pair_of_functions.recursive && pair_of_functions.bindings.len() == 2);
}
