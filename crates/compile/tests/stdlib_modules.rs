//! The standard library's modules are compiled into a program only when
//! its text names them followed by a dot (`docs/backend.md`, "The
//! standard library"): a program that uses options, results and `List`
//! but never writes `Option.` or `Result.` carries none of their code.

/// The names of the functions compiled into a program.
fn functions(source: &str) -> Vec<String> {
    let compiled = cml_compile::compile(source).expect("the program compiles");
    compiled
        .debug
        .functions
        .into_iter()
        .map(|(_, name)| name)
        .collect()
}

/// A program with options, results and `List`, naming no other module.
const WITHOUT: &str = "
let first xs = match xs with
  | [] -> None
  | x :: _ -> Some x

let check n = if n > 0 then Ok n else Error \"negative\"

let main () =
  (match first (List.filter (fun x -> x > 1) [1; 2; 3]) with
   | Some x -> print_int x
   | None -> print_string \"none\");
  match check 3 with
  | Ok n -> print_int n
  | Error s -> print_string s
";

/// Functions only the `Option` and `Result` modules define (`map`,
/// `bind`, `iter` and `value` have namesakes elsewhere).
const OPTION_ONLY: [&str; 3] = ["is_some", "is_none", "fold"];
const RESULT_ONLY: [&str; 4] = ["map_error", "is_ok", "is_error", "to_option"];

#[test]
fn a_program_that_names_neither_module_carries_neither() {
    let names = functions(WITHOUT);
    assert!(names.iter().any(|name| name == "filter"), "{names:?}");
    for name in OPTION_ONLY.iter().chain(&RESULT_ONLY) {
        assert!(!names.iter().any(|n| n == name), "`{name}` in {names:?}");
    }
}

#[test]
fn naming_a_module_brings_in_that_module_only() {
    let with_option = WITHOUT.replace(
        "let main () =",
        "let main () =\n  print_int (Option.value (first []) 0);",
    );
    let names = functions(&with_option);
    for name in OPTION_ONLY {
        assert!(names.iter().any(|n| n == name), "no `{name}` in {names:?}");
    }
    for name in RESULT_ONLY {
        assert!(!names.iter().any(|n| n == name), "`{name}` in {names:?}");
    }
    let with_result = WITHOUT.replace(
        "let main () =",
        "let main () =\n  print_int (Result.value (check 0) 0);",
    );
    let names = functions(&with_result);
    for name in RESULT_ONLY {
        assert!(names.iter().any(|n| n == name), "no `{name}` in {names:?}");
    }
    for name in OPTION_ONLY {
        assert!(!names.iter().any(|n| n == name), "`{name}` in {names:?}");
    }
}
