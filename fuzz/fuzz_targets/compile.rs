//! Any text: the CML front end and back end never panic. A program that
//! parses is checked; a program that checks is compiled; every diagnostic's
//! span lies inside the source.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|source: &str| {
    match cml_compile::compile(source) {
        Ok(_) => {}
        Err(diagnostics) => {
            for diagnostic in &diagnostics {
                for label in &diagnostic.labels {
                    assert!(label.span.end <= source.len(), "a span past the end");
                }
            }
        }
    }
});
