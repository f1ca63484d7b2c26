//! CML's checker: from a parsed module to the diagnostics the language
//! promises (Appendix B §3): name resolution, types with effect rows,
//! linearity, exhaustiveness, and the program-level checks.
//!
//! Input: a [`cml_syntax::ast::Module`]. Output: a [`Checked`]: every
//! [`CheckError`], and the type of every top-level definition. This crate
//! must not know about source text beyond spans, nor about the machine.
//! The design it follows is `docs/cml-types.md`.
//!
//! ```
//! let parsed = cml_syntax::parse("let id (x : a) : a = x");
//! let checked = cml_check::check_module(&parsed.module);
//! assert!(checked.errors.is_empty());
//! assert_eq!(checked.definitions[0].ty, "a -> a / e");
//! ```

#![forbid(unsafe_code)]

mod analyses;
pub mod declarations;
mod error;
pub mod exhaustiveness;
pub mod infer;
pub mod linearity;
pub mod prelude;
pub mod resolve;
pub mod towers;

pub use error::CheckError;
pub use infer::items::Definition;

use cml_diagnostics::Severity;
use cml_syntax::ast;
use cml_types::Table;

use declarations::{Declarations, Origin};
use infer::Inferencer;

/// What checking a module found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// Every error and warning, in the order found.
    pub errors: Vec<CheckError>,
    /// Every top-level definition with its type, in source order.
    pub definitions: Vec<Definition>,
    /// Every local binder (the span of its name: a parameter, a pattern's
    /// variable, a local `let`) with its printed type, for the language
    /// server's hover.
    pub locals: Vec<(ast::Span, String)>,
}

impl Checked {
    /// Whether any problem is an error (not just a warning).
    pub fn has_errors(&self) -> bool {
        self.errors
            .iter()
            .any(|error| error.severity() == Severity::Error)
    }

    /// The printed type of a top-level definition (the last of the name).
    pub fn type_of(&self, name: &str) -> Option<&str> {
        self.definitions
            .iter()
            .rev()
            .find(|definition| definition.name == name)
            .map(|definition| definition.ty.as_str())
    }
}

/// Checks a module against the prelude: declarations, then type and
/// effect inference of every item, then the program-level checks. One bad
/// definition does not stop the checking of the rest.
pub fn check_module(module: &ast::Module) -> Checked {
    let prelude = prelude::parsed();
    let mut sources: Vec<(Origin, &ast::Module)> = prelude
        .iter()
        .map(|(_, parsed)| (Origin::Prelude, &parsed.module))
        .collect();
    sources.push((Origin::Module, module));
    let mut table = Table::default();
    let mut errors = Vec::new();
    let declarations = Declarations::collect(&sources, &mut table, &mut errors);
    let mut inferencer = Inferencer::new(declarations, table, errors);
    let before = inferencer.errors.len();
    for (name, parsed) in &prelude {
        inferencer.prelude_items(*name, &parsed.module.items);
    }
    // A module's declarations can break the prelude's signatures (a `type
    // queue` of another arity); those reports would point into the prelude.
    inferencer.errors.truncate(before);
    let definitions = inferencer.module_items(&module.items);
    let mut errors = analyses::match_errors(&inferencer);
    errors.extend(analyses::linearity_errors(&inferencer, module));
    errors.extend(towers::deep_towers(module));
    for error in errors {
        inferencer.report(error);
    }
    let locals = inferencer
        .local_binders
        .iter()
        .map(|(span, ty)| (span.clone(), inferencer.show(ty)))
        .collect();
    Checked {
        errors: inferencer.errors,
        definitions,
        locals,
    }
}

/// Checks a module as [`check_module`] does and also returns what the
/// prelude and the module declare (constructors and their variant numbers,
/// record fields in order, effects and their operations), which the back
/// end needs to lower the module (`docs/backend.md`).
pub fn check_module_for_backend(module: &ast::Module) -> (Checked, Declarations) {
    let checked = check_module(module);
    let prelude = prelude::parsed();
    let mut sources: Vec<(Origin, &ast::Module)> = prelude
        .iter()
        .map(|(_, parsed)| (Origin::Prelude, &parsed.module))
        .collect();
    sources.push((Origin::Module, module));
    let declarations = Declarations::collect(&sources, &mut Table::default(), &mut Vec::new());
    (checked, declarations)
}
