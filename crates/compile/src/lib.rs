//! The CML compiler driver: source text to a checked module, the IR, the
//! assembly and the image (`docs/backend.md`).
//!
//! Input: CML source text. Output: a [`Compiled`] program (the assembly
//! text, with the CML source interleaved as comments, and the image), or
//! every problem as [`Diagnostic`]s whose spans point into the source
//! (file 0): syntax errors, check errors, constructs the back end cannot
//! lower yet. Warnings of the checker come back with a successful result.
//!
//! This crate only sequences the stages; it must not know what any of
//! them does inside, nor touch files or terminals.

#![forbid(unsafe_code)]

mod debug;

pub use debug::{DebugInfo, Position, DEBUG_SECTION};

use cml_asm::{assemble, AssembleOptions};
use cml_diagnostics::{Diagnostic, Severity};
use cml_image::Image;
use cml_isa::IsaVersion;

/// A compiled program.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The generated assembly.
    pub assembly: String,
    /// The assembled image.
    pub image: Image,
    /// The checker's warnings.
    pub warnings: Vec<Diagnostic>,
    /// Code addresses to source positions and function names (also in
    /// the image, as the section [`DEBUG_SECTION`]).
    pub debug: DebugInfo,
}

/// The standard library's CML source (`docs/backend.md`, "The standard
/// library"): the unqualified functions, then the modules, each with the
/// values the program sees as made afresh at each use.
const LIBRARY: [(Option<&str>, &str, &[&str]); 6] = [
    (None, include_str!("../stdlib/core.cml"), &[]),
    (Some("List"), include_str!("../stdlib/List.cml"), &[]),
    (
        Some("Queue"),
        include_str!("../stdlib/Queue.cml"),
        &["empty"],
    ),
    (Some("Hash"), include_str!("../stdlib/Hash.cml"), &[]),
    (Some("Option"), include_str!("../stdlib/Option.cml"), &[]),
    (Some("Result"), include_str!("../stdlib/Result.cml"), &[]),
];

/// The library modules a program uses, parsed and checked: the
/// unqualified functions always, a module when the program's text names
/// it followed by a dot (a conservative test: a module included for
/// nothing costs code space only).
fn library_for(source: &str) -> Result<Vec<cml_lower::LibraryModule>, Vec<Diagnostic>> {
    let mut modules = Vec::new();
    for (name, text, fresh) in LIBRARY {
        if let Some(name) = name {
            if !mentions_module(source, name) {
                continue;
            }
        }
        let parsed = cml_syntax::parse(text);
        let (checked, declarations) = cml_check::check_module_for_backend(&parsed.module);
        let errors: Vec<String> = parsed
            .errors
            .iter()
            .map(|error| format!("{error:?}"))
            .chain(
                checked
                    .errors
                    .iter()
                    .map(|error| error.to_diagnostic(0))
                    .filter(|diagnostic| diagnostic.severity == Severity::Error)
                    .map(|diagnostic| diagnostic.title.clone()),
            )
            .collect();
        if !errors.is_empty() {
            return Err(vec![Diagnostic::error(format!(
                "the standard library module `{}` does not check (a back-end bug)",
                name.unwrap_or("core")
            ))
            .with_code("backend::internal")
            .with_note(errors.join("\n"))]);
        }
        modules.push(cml_lower::LibraryModule {
            name: name.map(str::to_string),
            module: parsed.module,
            declarations,
            fresh: fresh.iter().map(|name| name.to_string()).collect(),
        });
    }
    Ok(modules)
}

/// Whether `source` has `name.` where `name` is not the end of a longer
/// identifier.
fn mentions_module(source: &str, name: &str) -> bool {
    let pattern = format!("{name}.");
    source.match_indices(&pattern).any(|(index, _)| {
        !source[..index]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Compiles CML source to an image.
pub fn compile(source: &str) -> Result<Compiled, Vec<Diagnostic>> {
    let parsed = cml_syntax::parse(source);
    if !parsed.errors.is_empty() {
        return Err(parsed
            .errors
            .iter()
            .map(|error| error.to_diagnostic(0))
            .collect());
    }
    let (checked, declarations) = cml_check::check_module_for_backend(&parsed.module);
    let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = checked
        .errors
        .iter()
        .map(|error| error.to_diagnostic(0))
        .partition(|diagnostic| diagnostic.severity == Severity::Error);
    if !errors.is_empty() {
        return Err(errors);
    }
    let library = library_for(source)?;
    let program =
        cml_lower::lower_program(&parsed.module, &declarations, &library).map_err(|errors| {
            errors
                .iter()
                .map(|error| error.to_diagnostic(0))
                .collect::<Vec<_>>()
        })?;
    let assembly = cml_codegen::generate(&program, Some(source)).map_err(|errors| {
        errors
            .into_iter()
            .map(|error| {
                let diagnostic = Diagnostic::error(error.message).with_code("backend::limit");
                match error.span {
                    Some(span) => diagnostic.with_primary(0, span, "in this function"),
                    None => diagnostic,
                }
            })
            .collect::<Vec<_>>()
    })?;
    let options = AssembleOptions {
        isa: IsaVersion::V0_5,
    };
    let assembled = assemble(&assembly, &options).map_err(|errors| {
        let mut diagnostics =
            vec![
                Diagnostic::error("the generated assembly does not assemble (a back-end bug)")
                    .with_code("backend::internal")
                    .with_note(format!(
                        "{} assembler errors; `cml build --emit asm` shows the assembly",
                        errors.len()
                    )),
            ];
        diagnostics.extend(errors.into_iter().map(|mut error| {
            error.labels.clear();
            error
        }));
        diagnostics
    })?;
    let mut image = assembled.image;
    let debug = DebugInfo::take_from(&mut image, |index| {
        program
            .functions
            .get(index)
            .map(|function| function.name.clone())
    });
    let mut debug = debug;
    debug.effects = program
        .manifest
        .iter()
        .map(|entry| {
            (
                entry.effect.family,
                entry.effect.op,
                format!("{}.{}", entry.effect_name, entry.operation_name),
            )
        })
        .collect();
    image.other_sections.push(debug.to_section());
    Ok(Compiled {
        assembly,
        image,
        warnings,
        debug,
    })
}
