//! Linearity: every linear value is used at most once on every path, and
//! a linear value left unused is reported (spec-gaps item 18,
//! `docs/cml-types.md` "Linearity").
//!
//! Input: a parsed module and [`LinearityFacts`], which say which binders
//! hold linear values (the type checker knows: continuations, values of
//! types declared `type linear`, and values holding them by value, see
//! `crate::analyses::is_linear`) and
//! which record fields are linear. Output: every [`LinearityError`]. This
//! pass must not know how types are inferred: it walks the syntax tree
//! with the facts it is given, plus two it can see for itself: the
//! continuation of a handler clause, and a name bound to `reify e`, are
//! always linear.
//!
//! # How it works
//!
//! The walk keeps, for each linear variable in scope, whether it is
//! unused, used, or used on some paths only. Evaluation order is the
//! order of the tree (left to right, a sequence's first part first). At a
//! branch (`if`, the arms of a `match`, the clauses of a handler) each
//! branch starts from the state before it, and afterwards a variable is
//! used if every branch used it, unused if none did, and "used on some
//! paths" otherwise. A second use of a variable that is used, or used on
//! some paths, is an error that shows both uses. When a variable goes out
//! of scope unused, or used on some paths only, it has been dropped: a
//! warning, unless its name starts with `_`, which says the drop is meant.
//!
//! Reading a non-linear field of a linear record (`p.id`) copies the field
//! and does not use the record; reading a linear field (`p.k`) moves it
//! out and uses the record. A linear variable from outside a `loop` used
//! inside it would be used once per iteration, and is an error.
//!
//! # Example
//!
//! ```text
//! | Yield (), k ->
//!     if ready then resume k () else push k;   (* both branches use k: used *)
//!     resume k ()                              (* error: k used twice *)
//! ```
//!
//! What this pass does not see: a linear value captured by a function that
//! is then called twice, and uses through recursion; those are the type
//! system's to rule out (the closure would have to be linear too), and are
//! listed as open in `docs/cml-types.md`.

use std::collections::HashSet;

use cml_diagnostics::{Diagnostic, Severity};
use cml_syntax::ast::{Binding, Clause, Expr, Item, Module, Name, Parameter, Pattern, Span};

/// What the type checker tells this pass.
#[derive(Clone, Debug, Default)]
pub struct LinearityFacts {
    /// The spans of the binders (the variable's name where it is bound)
    /// whose values are linear.
    pub linear_binders: HashSet<Span>,
    /// The names of record fields whose type is linear (`k` of `process`).
    pub linear_fields: HashSet<String>,
}

/// A problem with a linear value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinearityError {
    /// A linear value used a second time (or used after a branch that may
    /// have used it).
    UsedTwice {
        /// The variable.
        name: String,
        /// The earlier use.
        first: Span,
        /// This use.
        second: Span,
        /// The earlier use is on some paths only.
        maybe: bool,
        /// Where it is bound.
        binder: Span,
        /// Its type, printed, when the type checker knows it.
        ty: Option<String>,
    },
    /// A linear value that goes out of scope without being used, on every
    /// path or on some (a warning: the value is dropped).
    Dropped {
        /// The variable.
        name: String,
        /// Where it is bound.
        binder: Span,
        /// Some paths use it and some do not.
        on_some_paths: bool,
        /// Its type, printed, when the type checker knows it.
        ty: Option<String>,
    },
    /// A linear value bound outside a `loop` and used inside it.
    UsedInLoop {
        /// The variable.
        name: String,
        /// Where it is bound.
        binder: Span,
        /// The use inside the loop.
        span: Span,
        /// Its type, printed, when the type checker knows it.
        ty: Option<String>,
    },
}

impl LinearityError {
    /// Whether this is an error or a warning.
    pub fn severity(&self) -> Severity {
        match self {
            LinearityError::Dropped { .. } => Severity::Warning,
            LinearityError::UsedTwice { .. } | LinearityError::UsedInLoop { .. } => Severity::Error,
        }
    }

    /// The primary span.
    pub fn span(&self) -> Span {
        match self {
            LinearityError::UsedTwice { second, .. } => second.clone(),
            LinearityError::Dropped { binder, .. } => binder.clone(),
            LinearityError::UsedInLoop { span, .. } => span.clone(),
        }
    }

    /// Where the variable is bound.
    pub fn binder(&self) -> &Span {
        match self {
            LinearityError::UsedTwice { binder, .. }
            | LinearityError::Dropped { binder, .. }
            | LinearityError::UsedInLoop { binder, .. } => binder,
        }
    }

    /// Records the variable's type, for the diagnostic.
    pub fn set_type(&mut self, printed: String) {
        match self {
            LinearityError::UsedTwice { ty, .. }
            | LinearityError::Dropped { ty, .. }
            | LinearityError::UsedInLoop { ty, .. } => *ty = Some(printed),
        }
    }

    /// The diagnostic: a title, what goes wrong, the facts, a hint.
    pub fn to_diagnostic(&self, file: usize) -> Diagnostic {
        match self {
            LinearityError::UsedTwice {
                name,
                first,
                second,
                maybe,
                ty,
                ..
            } => {
                let earlier = if *maybe {
                    "may already have been used here"
                } else {
                    "first used here"
                };
                Diagnostic::error(format!("linear value `{name}` used twice"))
                    .with_code("check::linear-used-twice")
                    .with_primary(file, second.clone(), format!("`{name}` is used again here"))
                    .with_secondary(file, first.clone(), earlier)
                    .with_note_if(type_note(name, ty))
                    .with_note(
                        "a continuation (or a value holding one) can be continued at most once: \
                         the first use consumes it",
                    )
                    .with_hint(format!(
                        "use `{name}` once on every path; to continue twice, capture a new continuation"
                    ))
            }
            LinearityError::Dropped {
                name,
                binder,
                on_some_paths,
                ty,
            } => {
                let what = if *on_some_paths {
                    "is not used on some paths"
                } else {
                    "is never used"
                };
                Diagnostic::warning(format!("linear value `{name}` dropped"))
                    .with_code("check::linear-dropped")
                    .with_primary(file, binder.clone(), format!("`{name}` {what}"))
                    .with_note_if(type_note(name, ty))
                    .with_note(
                        "dropping a continuation abandons the computation it holds, with its \
                         handlers and regions",
                    )
                    .with_hint(format!("if the drop is meant, name it `_{name}`"))
            }
            LinearityError::UsedInLoop {
                name,
                binder,
                span,
                ty,
            } => Diagnostic::error(format!("linear value `{name}` used inside a loop"))
                .with_code("check::linear-in-loop")
                .with_primary(file, span.clone(), "this use would run once per iteration")
                .with_secondary(
                    file,
                    binder.clone(),
                    format!("`{name}` is bound outside the loop"),
                )
                .with_note_if(type_note(name, ty))
                .with_hint("move the use out of the loop, or bind the value inside it"),
        }
    }
}

/// A note only when there is one.
trait NoteIf {
    fn with_note_if(self, note: Option<String>) -> Self;
}

impl NoteIf for Diagnostic {
    fn with_note_if(self, note: Option<String>) -> Diagnostic {
        match note {
            Some(note) => self.with_note(note),
            None => self,
        }
    }
}

/// "`k` has type `...`, which is linear", when the type is known.
fn type_note(name: &str, ty: &Option<String>) -> Option<String> {
    ty.as_ref()
        .map(|ty| format!("`{name}` has type `{ty}`, which is linear"))
}

/// Checks every definition of `module`.
pub fn check_linearity(module: &Module, facts: &LinearityFacts) -> Vec<LinearityError> {
    let mut walker = Walker {
        facts,
        scopes: Vec::new(),
        errors: Vec::new(),
        loop_depth: 0,
    };
    for item in &module.items {
        match item {
            Item::Let(declaration) => {
                for binding in &declaration.bindings {
                    walker.function_binding(binding);
                }
            }
            Item::Handler(declaration) => {
                walker.scopes.push(Vec::new());
                walker.bind_parameters(&declaration.parameters);
                walker.expression(&declaration.body);
                walker.end_scope();
                for binding in &declaration.and_bindings {
                    walker.function_binding(binding);
                }
            }
            Item::Type(_) | Item::Effect(_) | Item::Val(_) | Item::Error(_) => {}
        }
    }
    walker.errors
}

/// Whether a linear variable has been used.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Usage {
    /// Not yet.
    Unused,
    /// On every path, first at this span.
    Used(Span),
    /// On some paths, first at this span.
    UsedOnSomePaths(Span),
}

/// A variable in scope.
#[derive(Clone, Debug)]
struct Variable {
    name: String,
    binder: Span,
    /// Only linear variables are checked; the others are kept so that they
    /// shadow linear ones of the same name.
    linear: bool,
    usage: Usage,
    /// How many `loop`s enclose the binder.
    loop_depth: u32,
}

/// The walk's state.
struct Walker<'facts> {
    facts: &'facts LinearityFacts,
    /// Innermost last.
    scopes: Vec<Vec<Variable>>,
    errors: Vec<LinearityError>,
    loop_depth: u32,
}

/// The usage of every variable in scope, innermost scope last: what a
/// branch starts from and what it leaves.
type Snapshot = Vec<Vec<Usage>>;

impl Walker<'_> {
    /// A top-level or `and` binding: its parameters are a scope of their own.
    fn function_binding(&mut self, binding: &Binding) {
        self.scopes.push(Vec::new());
        self.bind_parameters(&binding.parameters);
        self.expression(&binding.body);
        self.end_scope();
    }

    fn bind_parameters(&mut self, parameters: &[Parameter]) {
        for parameter in parameters {
            self.bind_pattern(&parameter.pattern, false);
        }
    }

    /// Binds every variable of `pattern` in the innermost scope.
    fn bind_pattern(&mut self, pattern: &Pattern, always_linear: bool) {
        let mut names = Vec::new();
        pattern_variables(pattern, &mut names);
        for name in names {
            self.bind(name, always_linear);
        }
    }

    fn bind(&mut self, name: &Name, always_linear: bool) {
        let linear = always_linear || self.facts.linear_binders.contains(&name.span);
        let variable = Variable {
            name: name.text.clone(),
            binder: name.span.clone(),
            linear,
            usage: Usage::Unused,
            loop_depth: self.loop_depth,
        };
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(variable);
        }
    }

    /// Pops the innermost scope, reporting linear variables dropped.
    fn end_scope(&mut self) {
        let Some(scope) = self.scopes.pop() else {
            return;
        };
        for variable in scope {
            if !variable.linear || variable.name.starts_with('_') {
                continue;
            }
            match variable.usage {
                Usage::Used(_) => {}
                Usage::Unused => self.errors.push(LinearityError::Dropped {
                    name: variable.name,
                    binder: variable.binder,
                    on_some_paths: false,
                    ty: None,
                }),
                Usage::UsedOnSomePaths(_) => self.errors.push(LinearityError::Dropped {
                    name: variable.name,
                    binder: variable.binder,
                    on_some_paths: true,
                    ty: None,
                }),
            }
        }
    }

    /// Records a use of the variable `name` at `span`.
    fn use_variable(&mut self, name: &str, span: &Span) {
        let loop_depth = self.loop_depth;
        let Some(variable) = self
            .scopes
            .iter_mut()
            .rev()
            .flat_map(|scope| scope.iter_mut().rev())
            .find(|v| v.name == name)
        else {
            return;
        };
        if !variable.linear {
            return;
        }
        if variable.loop_depth < loop_depth {
            self.errors.push(LinearityError::UsedInLoop {
                name: name.to_string(),
                binder: variable.binder.clone(),
                span: span.clone(),
                ty: None,
            });
            return;
        }
        match &variable.usage {
            Usage::Unused => variable.usage = Usage::Used(span.clone()),
            Usage::Used(first) | Usage::UsedOnSomePaths(first) => {
                let maybe = matches!(variable.usage, Usage::UsedOnSomePaths(_));
                let first = first.clone();
                variable.usage = Usage::Used(first.clone());
                self.errors.push(LinearityError::UsedTwice {
                    name: name.to_string(),
                    first,
                    second: span.clone(),
                    maybe,
                    binder: variable.binder.clone(),
                    ty: None,
                });
            }
        }
    }

    fn snapshot(&self) -> Snapshot {
        self.scopes
            .iter()
            .map(|scope| scope.iter().map(|v| v.usage.clone()).collect())
            .collect()
    }

    fn restore(&mut self, snapshot: &Snapshot) {
        for (scope, usages) in self.scopes.iter_mut().zip(snapshot) {
            for (variable, usage) in scope.iter_mut().zip(usages) {
                variable.usage = usage.clone();
            }
        }
    }

    /// Runs each branch from `before` and merges what they leave.
    fn branches<T>(&mut self, branches: &[T], mut walk: impl FnMut(&mut Self, &T)) {
        let before = self.snapshot();
        let mut after: Vec<Snapshot> = Vec::new();
        for branch in branches {
            self.restore(&before);
            walk(self, branch);
            after.push(self.snapshot());
        }
        if after.is_empty() {
            self.restore(&before);
            return;
        }
        for (scope_index, scope) in self.scopes.iter_mut().enumerate() {
            for (variable_index, variable) in scope.iter_mut().enumerate() {
                let usages = after
                    .iter()
                    .map(|snapshot| &snapshot[scope_index][variable_index]);
                variable.usage = merge(usages);
            }
        }
    }

    fn expression(&mut self, expression: &Expr) {
        match expression {
            Expr::Literal(_) | Expr::Constructor(_) | Expr::Error(_) => {}
            Expr::Variable(path) => {
                if path.segments.len() == 1 {
                    self.use_variable(&path.segments[0].text, &path.span);
                }
            }
            Expr::Field(base, field, span) => {
                if self.facts.linear_fields.contains(&field.text) {
                    match base.as_ref() {
                        Expr::Variable(path) if path.segments.len() == 1 => {
                            self.use_variable(&path.segments[0].text, span)
                        }
                        other => self.expression(other),
                    }
                } else if !matches!(base.as_ref(), Expr::Variable(_)) {
                    self.expression(base);
                }
            }
            Expr::Apply {
                function,
                arguments,
                ..
            } => {
                self.expression(function);
                for argument in arguments {
                    self.expression(argument);
                }
            }
            Expr::Lambda {
                parameters, body, ..
            } => {
                self.scopes.push(Vec::new());
                self.bind_parameters(parameters);
                self.expression(body);
                self.end_scope();
            }
            Expr::Let {
                recursive,
                bindings,
                body,
                ..
            } => self.let_expression(*recursive, bindings, body),
            Expr::If {
                condition,
                then_branch,
                else_branch,
                ..
            } => {
                self.expression(condition);
                let branches: Vec<Option<&Expr>> = vec![Some(then_branch), else_branch.as_deref()];
                self.branches(&branches, |walker, branch| {
                    if let Some(branch) = branch {
                        walker.expression(branch);
                    }
                });
            }
            Expr::Match {
                scrutinee, arms, ..
            } => {
                self.expression(scrutinee);
                self.branches(arms, |walker, arm| {
                    walker.scopes.push(Vec::new());
                    walker.bind_pattern(&arm.pattern, false);
                    if let Some(guard) = &arm.guard {
                        walker.expression(guard);
                    }
                    walker.expression(&arm.body);
                    walker.end_scope();
                });
            }
            Expr::Sequence(first, second, _) => {
                self.expression(first);
                self.expression(second);
            }
            Expr::Tuple(items, _) | Expr::List(items, _) => {
                for item in items {
                    self.expression(item);
                }
            }
            Expr::Record { fields, .. } => {
                for (name, value) in fields {
                    match value {
                        Some(value) => self.expression(value),
                        None => self.use_variable(&name.text, &name.span),
                    }
                }
            }
            Expr::RecordUpdate { base, fields, .. } => {
                self.expression(base);
                for (_, value) in fields {
                    self.expression(value);
                }
            }
            Expr::AssignVariable { value, .. } => self.expression(value),
            Expr::Assign { target, value, .. } => {
                if !matches!(target.as_ref(), Expr::Variable(_)) {
                    self.expression(target);
                }
                self.expression(value);
            }
            Expr::Binary(_, left, right, _) => {
                self.expression(left);
                self.expression(right);
            }
            Expr::Unary(_, operand, _)
            | Expr::Reify(operand, _)
            | Expr::Unsafe(operand, _)
            | Expr::Annotated(operand, _, _) => self.expression(operand),
            Expr::Perform {
                argument,
                extra_arguments,
                ..
            } => {
                if let Some(argument) = argument {
                    self.expression(argument);
                }
                for argument in extra_arguments {
                    self.expression(argument);
                }
            }
            Expr::Resume {
                continuation,
                value,
                ..
            } => {
                self.expression(continuation);
                self.expression(value);
            }
            Expr::Handler(clauses, _) => self.clauses(clauses),
            Expr::Handle { body, clauses, .. } => {
                self.expression(body);
                self.clauses(clauses);
            }
            Expr::With { handler, body, .. } => {
                self.expression(handler);
                self.expression(body);
            }
            Expr::WithRegion { body, .. } => self.expression(body),
            Expr::Loop(body, _) => {
                self.loop_depth += 1;
                self.scopes.push(Vec::new());
                self.expression(body);
                self.end_scope();
                self.loop_depth -= 1;
            }
        }
    }

    fn let_expression(&mut self, recursive: bool, bindings: &[Binding], body: &Expr) {
        self.scopes.push(Vec::new());
        if recursive {
            for binding in bindings {
                self.bind_pattern(&binding.pattern, false);
            }
        }
        for binding in bindings {
            if binding.parameters.is_empty() {
                self.expression(&binding.body);
            } else {
                self.function_binding(binding);
            }
        }
        if !recursive {
            for binding in bindings {
                let reified =
                    binding.parameters.is_empty() && matches!(binding.body, Expr::Reify(..));
                self.bind_pattern(&binding.pattern, reified);
            }
        }
        self.expression(body);
        self.end_scope();
    }

    /// The clauses of a handler: each is a branch; each binds its argument
    /// patterns and its continuation, which is linear.
    fn clauses(&mut self, clauses: &[Clause]) {
        self.branches(clauses, |walker, clause| match clause {
            Clause::Operation {
                argument,
                extra_arguments,
                continuation,
                body,
                state_update,
                ..
            } => {
                walker.scopes.push(Vec::new());
                for pattern in argument.iter().chain(extra_arguments) {
                    walker.bind_pattern(pattern, false);
                }
                walker.bind_pattern(continuation, true);
                walker.expression(body);
                if let Some(state) = state_update {
                    walker.expression(state);
                }
                walker.end_scope();
            }
            Clause::Return { pattern, body, .. } => {
                walker.scopes.push(Vec::new());
                walker.bind_pattern(pattern, false);
                walker.expression(body);
                walker.end_scope();
            }
            Clause::Error(_) => {}
        });
    }
}

/// The usage after branches that left these usages.
fn merge<'a>(mut usages: impl Iterator<Item = &'a Usage>) -> Usage {
    let Some(first) = usages.next() else {
        return Usage::Unused;
    };
    let mut result = first.clone();
    for usage in usages {
        result = match (&result, usage) {
            (Usage::Unused, Usage::Unused) => Usage::Unused,
            (Usage::Used(span), Usage::Used(_)) => Usage::Used(span.clone()),
            (Usage::Used(span) | Usage::UsedOnSomePaths(span), _)
            | (_, Usage::Used(span) | Usage::UsedOnSomePaths(span)) => {
                Usage::UsedOnSomePaths(span.clone())
            }
        };
    }
    result
}

/// The variables a pattern binds, in order. The alternatives of an
/// or-pattern bind the same names; the first one's are taken.
pub(crate) fn pattern_variables<'p>(pattern: &'p Pattern, names: &mut Vec<&'p Name>) {
    match pattern {
        Pattern::Variable(name) => names.push(name),
        Pattern::Wildcard(_) | Pattern::Literal(_) | Pattern::Error(_) => {}
        Pattern::Constructor {
            arguments: items, ..
        }
        | Pattern::Tuple(items, _)
        | Pattern::List(items, _) => {
            for item in items {
                pattern_variables(item, names);
            }
        }
        Pattern::Record { fields, .. } => {
            for (name, pattern) in fields {
                match pattern {
                    Some(pattern) => pattern_variables(pattern, names),
                    None => names.push(name),
                }
            }
        }
        Pattern::Cons(head, tail, _) => {
            pattern_variables(head, names);
            pattern_variables(tail, names);
        }
        Pattern::Annotated(inner, _, _) => pattern_variables(inner, names),
        Pattern::Or(alternatives, _) => {
            if let Some(first) = alternatives.first() {
                pattern_variables(first, names);
            }
        }
    }
}

#[cfg(test)]
mod tests;
