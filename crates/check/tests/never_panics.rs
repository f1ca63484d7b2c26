//! Property tests: whatever the module, `check_module` returns, never
//! panics, and every problem it reports has a span inside the source on
//! character boundaries, whose diagnostic renders.
//!
//! Random bytes and text mostly stop in the parser, so most of the cases
//! are built from CML fragments that parse well enough to reach inference,
//! exhaustiveness and linearity: whole declarations, expressions with
//! holes filled at random, and the book's programs with pieces cut out or
//! swapped.

use proptest::prelude::*;

/// Single tokens and short runs, as the parser's own property test uses.
const TOKENS: &[&str] = &[
    "let",
    "rec",
    "and",
    "in",
    "fun",
    "match",
    "with",
    "if",
    "then",
    "else",
    "type",
    "linear",
    "mutable",
    "of",
    "effect",
    "handler",
    "handle",
    "perform",
    "resume",
    "invoke",
    "reify",
    "return",
    "unsafe",
    "region",
    "loop",
    "true",
    "false",
    "not",
    "val",
    "x",
    "k",
    "f",
    "Some",
    "None",
    "E.op",
    "State.get",
    "IO.print",
    "Queue.push",
    "'a",
    "42",
    "40000",
    "0xFFFF",
    "-5",
    "'c'",
    "\"s\"",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    ";",
    ":",
    "::",
    ":=",
    ".",
    "|",
    "->",
    "<-",
    "=",
    "==",
    "<",
    ">",
    "+",
    "-",
    "*",
    "/",
    "&&",
    "||",
    "!",
    "_",
    "\n",
    "\n  ",
    "when",
    "state",
    "<a>",
    "/ {IO | e}",
    "continuation",
    "int",
    "byte",
    "list",
    "option",
];

/// Expressions; `#` is a hole filled by another expression.
const EXPRESSIONS: &[&str] = &[
    "x",
    "k",
    "1",
    "40000",
    "()",
    "true",
    "\"s\"",
    "'c'",
    "None",
    "Some #",
    "Cons (#, Nil)",
    "[#; #]",
    "# :: #",
    "(#, #)",
    "# + #",
    "# == #",
    "f #",
    "f # #",
    "fun x -> #",
    "fun (Some y) -> #",
    "let x = # in #",
    "let (a, b) = # in #",
    "let Some z = # in #",
    "let rec g n = # and h m = # in #",
    "if # then # else #",
    "match # with | None -> # | Some x -> #",
    "match # with | 0 -> # | 70000 -> # | _ -> #",
    "match # with | (true, _) -> # | (_, false) -> #",
    "perform State.get ()",
    "perform State.put #",
    "perform IO.print #",
    "perform E.op #",
    "resume k #",
    "invoke k #",
    "reify (fun () -> #)",
    "with h in { # }",
    "with ref_state # in { # }",
    "with { | State.get (), k -> resume k # | return v -> v } in { # }",
    "handle # with | State.get (), k -> resume k # | State.put v, k -> invoke k ()",
    "with region r in { # }",
    "unsafe { __alloc Record # }",
    "loop { # }",
    "#; #",
    "{ id = #; k = # }",
    "#.k",
    "#.id <- #",
    "x <- #",
    "Queue.push # #",
    "(# : int)",
    "begin # end",
];

/// Whole declarations; `#` is an expression.
const DECLARATIONS: &[&str] = &[
    "effect State a { get : () -> a\n put : a -> () }",
    "effect E { op : a -> a }",
    "effect Poly { op : (() -> a / {IO | e}) -> a }",
    "effect Yield : unit",
    "type process = { id : int; k : unit continuation }",
    "type t = | A | B of int | C of t * t",
    "type linear file = { fd : int }",
    "type s = { mutable ready : process queue; mutable n : int }",
    "let f x = #",
    "let f (Some x) = #",
    "let g (x : int) (k : unit continuation) : int / {IO | e} = #",
    "let rec h n = # and i m = #",
    "let main () = #",
    "let (a, b) = #",
    "let Some c = #",
    "val v : int -> int",
    "handler h = { | E.op x, k -> # | return v -> # }",
    "handler<a> ref_state (init : a) = { | State.get (), k -> resume k init with state := init | State.put v, k -> resume k () with state := v | return x -> x }",
    "handler q (s : s) = { | Yield (), k -> Queue.push s.ready { id = 1; k }; # } and next s = #",
];

/// Fills the holes of `template` from `choices`, `depth` levels deep.
fn fill(template: &str, choices: &mut impl Iterator<Item = usize>, depth: usize) -> String {
    let mut out = String::new();
    for (index, part) in template.split('#').enumerate() {
        if index > 0 {
            let choice = choices.next().unwrap_or(0);
            if depth == 0 {
                out.push_str(EXPRESSIONS[choice % 8]);
            } else {
                let inner = EXPRESSIONS[choice % EXPRESSIONS.len()];
                let filled = fill(inner, choices, depth - 1);
                // Parenthesised, so that the hole's precedence holds.
                out.push('(');
                out.push_str(&filled);
                out.push(')');
            }
        }
        out.push_str(part);
    }
    out
}

fn check(source: &str) {
    let parsed = cml_syntax::parse(source);
    let checked = cml_check::check_module(&parsed.module);
    for error in &checked.errors {
        let span = error.span();
        assert!(
            span.start <= span.end && span.end <= source.len(),
            "{error:?}: span {span:?} outside {} bytes of {source:?}",
            source.len()
        );
        assert!(
            source.is_char_boundary(span.start) && source.is_char_boundary(span.end),
            "{error:?}: span {span:?} not on character boundaries"
        );
        let _ = error.to_diagnostic(0);
    }
}

/// The book's programs, for mutation.
fn book() -> Vec<String> {
    let directory = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/cml/book");
    let mut files: Vec<String> = std::fs::read_dir(directory)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|entry| entry.path().extension().is_some_and(|e| e == "cml"))
                .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The largest character boundary at or below `at`.
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_token_sequences_never_panic(indices in proptest::collection::vec(0..TOKENS.len(), 0..80)) {
        let source = indices.iter().map(|&index| TOKENS[index]).collect::<Vec<_>>().join(" ");
        check(&source);
    }

    #[test]
    fn generated_declarations_never_panic(
        declarations in proptest::collection::vec(0..DECLARATIONS.len(), 1..6),
        choices in proptest::collection::vec(0..1000usize, 0..200),
        depth in 0..4usize,
    ) {
        let mut choices = choices.into_iter();
        let source = declarations
            .iter()
            .map(|&index| fill(DECLARATIONS[index], &mut choices, depth))
            .collect::<Vec<_>>()
            .join("\n\n");
        check(&source);
    }

    #[test]
    fn generated_declarations_with_a_token_cut_out_never_panic(
        declarations in proptest::collection::vec(0..DECLARATIONS.len(), 1..5),
        choices in proptest::collection::vec(0..1000usize, 0..100),
        cut in any::<prop::sample::Index>(),
        length in 0..12usize,
    ) {
        let mut choices = choices.into_iter();
        let source = declarations
            .iter()
            .map(|&index| fill(DECLARATIONS[index], &mut choices, 2))
            .collect::<Vec<_>>()
            .join("\n\n");
        let start = boundary(&source, cut.index(source.len() + 1));
        let end = boundary(&source, start + length);
        check(&format!("{}{}", &source[..start], &source[end..]));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn book_programs_with_a_piece_cut_out_or_moved_never_panic(
        file in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        length in 0..40usize,
        insert in any::<prop::sample::Index>(),
        token in 0..TOKENS.len(),
    ) {
        let files = book();
        prop_assume!(!files.is_empty());
        let source = &files[file.index(files.len())];
        let start = boundary(source, cut.index(source.len() + 1));
        let end = boundary(source, start + length);
        let cut_out = format!("{}{}", &source[..start], &source[end..]);
        check(&cut_out);
        let at = boundary(&cut_out, insert.index(cut_out.len() + 1));
        check(&format!("{} {} {}", &cut_out[..at], TOKENS[token], &cut_out[at..]));
    }
}

/// Every book program as it is, and each with every line removed in turn
/// (a deterministic sweep of the shapes a half-written program has).
#[test]
fn book_programs_with_each_line_removed_never_panic() {
    for source in book() {
        check(&source);
        let lines: Vec<&str> = source.lines().collect();
        for skip in 0..lines.len() {
            let without: Vec<&str> = lines
                .iter()
                .enumerate()
                .filter(|(index, _)| *index != skip)
                .map(|(_, line)| *line)
                .collect();
            check(&without.join("\n"));
        }
    }
}

/// The generator is worth its name only if its modules get past the
/// parser: most of them parse without a syntax error and reach inference.
#[test]
fn most_generated_modules_parse_cleanly() {
    let mut clean = 0;
    let total = 200;
    for seed in 0..total {
        let mut choices = (0..200usize).map(move |i| (seed * 7919 + i * 104_729) % 1000);
        let source = (0..3)
            .map(|i| {
                fill(
                    DECLARATIONS[(seed + i * 5) % DECLARATIONS.len()],
                    &mut choices,
                    2,
                )
            })
            .collect::<Vec<_>>()
            .join("\n\n");
        if cml_syntax::parse(&source).errors.is_empty() {
            clean += 1;
        } else if std::env::var_os("SHOW_UNPARSED").is_some() {
            eprintln!("---\n{source}\n{:?}", cml_syntax::parse(&source).errors);
        }
    }
    assert!(clean * 2 > total, "only {clean} of {total} parse cleanly");
}

/// A row variable bound inside its own label's arguments made an infinite
/// type, and the checker's recursion overflowed the stack (found by
/// `generated_declarations_never_panic`). The occurs check now sees
/// inside labels: this is a type error, reported.
#[test]
fn a_continuation_performed_into_its_own_row_is_an_infinite_type() {
    let source = "effect State a { get : () -> a\n put : a -> () }\n\
                  let f k = perform State.put k; resume k 1\n";
    let parsed = cml_syntax::parse(source);
    assert!(parsed.errors.is_empty());
    let checked = cml_check::check_module(&parsed.module);
    assert!(checked.has_errors(), "{:?}", checked.errors);
}
