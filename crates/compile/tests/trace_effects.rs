//! `cml run --trace effects`: the lines `DebugInfo::perform_line` makes
//! from the machine's trace records, with names from the image's effect
//! manifest (expected lines written by hand).

use cml_isa::IsaVersion;
use cml_machine::{Event, Machine, RunOutcome};

#[test]
fn performs_are_named_from_the_manifest() {
    let source = "effect KV {\n  set : string -> int -> ()\n}\n\n\
                  handler quiet = {\n  | KV.set k v, c -> resume c ()\n}\n\n\
                  let main () =\n  print_string \"A1\\n\";\n  \
                  with quiet in { perform KV.set \"x\" 4 };\n  print_int (0 - 3)\n";
    let compiled = cml_compile::compile(source).expect("compiles");
    let mut machine = Machine::boot_bare_program(&compiled.image, IsaVersion::V0_5).expect("boots");
    machine.set_cycle_limit(1_000_000);
    let mut lines = Vec::new();
    loop {
        match machine.step() {
            Ok(record) => {
                for event in &record.events {
                    if let Event::Performed {
                        effect, argument, ..
                    } = event
                    {
                        if let Some(line) = compiled.debug.perform_line(
                            effect.family(),
                            effect.op(),
                            argument.tag().code(),
                            argument.bits(),
                            |address| machine.read(address),
                        ) {
                            lines.push(line);
                        }
                    }
                }
            }
            Err(RunOutcome::Halted) => break,
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(
        lines,
        [
            r#"perform IO.print "A1\n""#,
            r#"perform KV.set ("x", 4)"#,
            r#"perform IO.print "-3""#,
        ]
    );
}
