//! The checker's errors and warnings as data, one variant per kind, each
//! with its diagnostic: a title, what goes wrong, the facts, a hint.

use cml_diagnostics::Diagnostic;
use cml_syntax::ast::Span;

/// A problem the checker found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckError {
    /// A type name that nothing declares.
    UnknownType {
        /// The name.
        name: String,
        /// Where.
        span: Span,
        /// A declared type with a similar name.
        suggestion: Option<String>,
    },
    /// A type constructor given the wrong number of arguments.
    TypeArity {
        /// The constructor.
        name: String,
        /// How many it takes.
        expected: usize,
        /// How many it was given.
        found: usize,
        /// Where.
        span: Span,
    },
    /// A run of type atoms that reads neither as prefix nor as postfix
    /// application.
    AmbiguousTypeApplication {
        /// The run as written.
        text: String,
        /// Where.
        span: Span,
    },
    /// An effect name in a row that nothing declares.
    UnknownEffect {
        /// The name.
        name: String,
        /// Where.
        span: Span,
    },
    /// Two declarations of the same name in one namespace.
    Duplicate {
        /// What kind of thing ("type", "effect", "constructor").
        kind: &'static str,
        /// The name.
        name: String,
        /// The second declaration.
        span: Span,
        /// The first.
        first: Option<Span>,
    },
}

impl CheckError {
    /// The error as a diagnostic about file `file`.
    pub fn to_diagnostic(&self, file: usize) -> Diagnostic {
        match self {
            CheckError::UnknownType { name, span, suggestion } => {
                let diagnostic = Diagnostic::error(format!("unknown type `{name}`"))
                    .with_code("types::unknown-type")
                    .with_primary(file, span.clone(), "no type of this name is declared");
                match suggestion {
                    Some(similar) => diagnostic.with_hint(format!("did you mean `{similar}`?")),
                    None => diagnostic.with_hint(
                        "declare it with `type`, or write a type variable in lower case or as 'a",
                    ),
                }
            }
            CheckError::TypeArity { name, expected, found, span } => Diagnostic::error(format!(
                "`{name}` takes {expected} type argument{}",
                if *expected == 1 { "" } else { "s" }
            ))
            .with_code("types::type-arity")
            .with_primary(file, span.clone(), format!("given {found} here"))
            .with_note(format!("expected {expected}, found {found}"))
            .with_hint(format!("write the arguments before or after the name: `{name} int` or `int {name}`")),
            CheckError::AmbiguousTypeApplication { text, span } => {
                Diagnostic::error("cannot read this type")
                    .with_code("types::ambiguous-application")
                    .with_primary(file, span.clone(), format!("`{text}` is neither `constructor arguments` nor `arguments constructor`"))
                    .with_hint("add parentheses: `list (option int)` or `(int option) list`")
            }
            CheckError::UnknownEffect { name, span } => {
                Diagnostic::error(format!("unknown effect `{name}`"))
                    .with_code("types::unknown-effect")
                    .with_primary(file, span.clone(), "no effect of this name is declared")
                    .with_hint("declare it with `effect`")
            }
            CheckError::Duplicate { kind, name, span, first } => {
                let diagnostic = Diagnostic::error(format!("{kind} `{name}` is declared twice"))
                    .with_code("types::duplicate")
                    .with_primary(file, span.clone(), "declared again here");
                let diagnostic = match first {
                    Some(first) => diagnostic.with_secondary(file, first.clone(), "first declared here"),
                    None => diagnostic.with_note(format!("`{name}` is built in")),
                };
                diagnostic.with_hint("rename one of them")
            }
        }
    }
}
