//! Snapshots of what a person reads: a disassembly listing and rendered
//! diagnostics. Update with `INSTA_UPDATE=always cargo test -p cml-asm`
//! and read the result in `tests/snapshots/`.

use cml_asm::{assemble, disassemble, AssembleOptions};
use cml_diagnostics::{render_plain, SourceFile};

/// A small program with labels, a MATCH and its table, data, an effect
/// handler install and a perform.
const PROGRAM: &str = r#"
; Print "Hi" through the UART effect, dispatching on a value's tag.
start:
        LI v0, 'H'
        PERF family=2, op=0, v0
        INST 3, 1, handler          ; too far for hpc3: lengthened
        SETTAG v0, BOOL
        MATCH v3, v0, dispatch
dispatch:
        .table on_int, _, _, _, _, on_bool
on_int: JMP done
on_bool:
        LD v3, v1, -1
        ALLOC v2, RECORD, 3
        JMPA done
handler:
        RESU v1, v0
done:   HALT
message:
        .asciz "Hi there\n"
        .word 0x8000, -1, message
"#;

#[test]
fn a_disassembly_listing() {
    let image = assemble(PROGRAM, &AssembleOptions::default())
        .expect("the program assembles")
        .image;
    let listing = disassemble(&image);
    let again = assemble(&listing, &AssembleOptions::default()).expect("the listing assembles");
    assert_eq!(again.image, image);
    insta::assert_snapshot!("disassembly", listing);
}

/// A file with one error of several kinds.
const BROKEN: &str = "; several mistakes, all reported at once
start:  LI v9, 1
        PREF 2, 0, v0
        LI v0, 300
        ADD v0, v1
        BZ v0, lop
loop:   JMP start
loop:   HALT
        .table loop
        .wrod 3
";

#[test]
fn rendered_diagnostics_for_a_file_with_several_errors() {
    let errors = assemble(BROKEN, &AssembleOptions::default()).expect_err("the file has errors");
    let rendered = render_plain(&errors, &[SourceFile::new("broken.s", BROKEN)]);
    insta::assert_snapshot!("diagnostics", rendered);
}

#[test]
fn rendered_v05_extension_error() {
    let source = ".isa v0.4\n        MUL v0, v1, v2\n";
    let errors = assemble(source, &AssembleOptions::default()).expect_err("MUL is v0.5");
    let rendered = render_plain(&errors, &[SourceFile::new("old.s", source)]);
    insta::assert_snapshot!("v05_extension", rendered);
}
