//! Type and effect inference: Hindley-Milner with effect rows (Leijen
//! 2017, "Type directed compilation of row-typed algebraic effects"), as
//! `docs/cml-types.md` adopts it.
//!
//! Every expression is inferred against a *current row*: the effect row of
//! the innermost enclosing function (or handler clause). Performing an
//! operation of `E` unifies the current row with `⟨E | ρ⟩` for a fresh
//! `ρ`, which either finds `E` in it (Leijen's rewriting brings it to the
//! front) or, when the row is open, extends it; calling a function unifies
//! the function's row with the current row. A handler installs its labels
//! in front of the current row for its body and so discharges them.
//!
//! A worked example, `let f () = perform IO.print "hi"; 1`:
//!
//! 1. `f`'s row is a fresh `ρ1` (level 1), its parameter `()` is `unit`.
//! 2. `perform IO.print "hi"` instantiates `print : string -> unit`,
//!    checks `"hi" : string`, and unifies `ρ1 ~ ⟨IO | ρ2⟩`, binding
//!    `ρ1 := ⟨IO | ρ2⟩`; the perform has type `unit`.
//! 3. `1 : int`, so the body has type `int`.
//! 4. Back at level 0, `ρ2` is quantified: `f : unit -> int / {IO | e}`.
//!
//! The files: [`env`] (schemes, instantiation, generalisation),
//! [`expressions`] (each expression form), [`records`], [`patterns`], [`bindings`]
//! (`let`, functions, annotations), [`operators`], [`handlers`] (perform, resume,
//! handlers, regions), [`items`] (top-level declarations and `main`).

pub mod bindings;
pub mod env;
pub mod expressions;
pub mod handlers;
pub mod items;
pub mod operators;
pub mod patterns;
pub mod records;
pub mod regions;

use cml_syntax::ast::Span;
use cml_types::{Label, Mismatch, Printer, Row, Table, Type};

use crate::declarations::Declarations;
use crate::error::CheckError;
use env::Environment;

/// What a `resume` inside a handler clause refers to.
#[derive(Clone, Debug)]
pub struct ClauseContext {
    /// A clause of `handle ... with` (shallow) rather than of a handler
    /// value installed with `with` (deep).
    pub shallow: bool,
    /// The type the handled computation returns.
    pub input: Type,
    /// The type the handler returns.
    pub output: Type,
    /// The labels the handler handles.
    pub labels: Vec<Label>,
    /// The row its clauses perform.
    pub row: Row,
}

/// What a recorded set of patterns is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MatchKind {
    /// The arms of a `match`.
    Match,
    /// The `return` clauses of one handler, tried in order like arms
    /// (chapter 17's `match e with | p -> a with | E.op x, k -> b`).
    ReturnClauses,
    /// One pattern with no other arm to fall back on: a `let`, a function
    /// or `fun` parameter, a handler clause's argument. The text names the
    /// place for messages ("this `let`").
    Binding(String),
}

/// A `match` seen during inference, analysed for exhaustiveness once every
/// type is known (after the whole module is inferred). Also a single
/// pattern that must be irrefutable, or a handler's return clauses.
#[derive(Clone, Debug)]
pub struct RecordedMatch {
    /// What the patterns are.
    pub kind: MatchKind,
    /// The scrutinee's type (resolved through the table later).
    pub scrutinee_type: Type,
    /// Each arm's pattern, whether it has a guard, and its span.
    pub arms: Vec<(cml_syntax::ast::Pattern, bool, Span)>,
    /// The whole `match`.
    pub span: Span,
}

/// The state of one inference run.
pub struct Inferencer {
    /// Every `match`, for the exhaustiveness analysis.
    pub matches: Vec<RecordedMatch>,
    /// Every local binder (its name's span) with its type, for linearity.
    pub local_binders: Vec<(Span, Type)>,
    /// What the program declares.
    pub declarations: Declarations,
    /// The inference variables.
    pub table: Table,
    /// Problems found so far.
    pub errors: Vec<CheckError>,
    /// The names in scope.
    pub env: Environment,
    /// The row of the innermost enclosing function or clause.
    pub effect: Row,
    /// What fixed the current row, for messages ("the annotation of `inc`").
    pub row_context: String,
    /// How many `unsafe` blocks enclose the expression.
    pub unsafe_depth: u32,
    /// How many `fun`s (and handler literals) enclose the expression.
    pub lambda_depth: u32,
    /// For each enclosing `fun`, whether it captures a local variable.
    pub captures: Vec<bool>,
    /// The innermost handler clause, for `resume`.
    pub clause: Option<ClauseContext>,
    /// The functions of the recursive groups being inferred (their names'
    /// spans): a use of one applies it without fixing the rows of its
    /// partial applications ([`Inferencer::variable`]).
    pub group_functions: std::collections::HashSet<Span>,
    /// The state parameter of the handler declaration being checked, for
    /// `with state := v` (`Some(None)`: a handler without parameters).
    pub state: Option<Option<cml_syntax::ast::Name>>,
}

impl Inferencer {
    /// An inferencer over these declarations and variables.
    pub fn new(declarations: Declarations, table: Table, errors: Vec<CheckError>) -> Inferencer {
        let mut table = table;
        let effect = table.fresh_row();
        Inferencer {
            matches: Vec::new(),
            local_binders: Vec::new(),
            declarations,
            table,
            errors,
            env: Environment::default(),
            effect,
            row_context: "this context".to_string(),
            unsafe_depth: 0,
            lambda_depth: 0,
            captures: Vec::new(),
            clause: None,
            group_functions: std::collections::HashSet::new(),
            state: None,
        }
    }

    /// Reports an error (each problem once: an identical report at the same
    /// place is dropped).
    pub fn report(&mut self, error: CheckError) {
        if !self.errors.contains(&error) {
            self.errors.push(error);
        }
    }

    /// Prints a type for a message.
    pub fn show(&self, ty: &Type) -> String {
        Printer::new(&self.table).ty(ty)
    }

    /// Records a pattern that has no other arm to fall back on, for the
    /// exhaustiveness analysis: it must match every value of `ty`. A
    /// variable or `_` always does and is not recorded.
    pub fn record_irrefutable(
        &mut self,
        pattern: &cml_syntax::ast::Pattern,
        ty: &Type,
        place: &str,
    ) {
        use cml_syntax::ast::Pattern;
        let mut inner = pattern;
        while let Pattern::Annotated(pattern, _, _) = inner {
            inner = pattern;
        }
        if matches!(
            inner,
            Pattern::Variable(_) | Pattern::Wildcard(_) | Pattern::Error(_)
        ) {
            return;
        }
        self.matches.push(RecordedMatch {
            kind: MatchKind::Binding(place.to_string()),
            scrutinee_type: ty.clone(),
            arms: vec![(pattern.clone(), false, pattern.span())],
            span: pattern.span(),
        });
    }

    /// Unifies `found` with `expected`, reporting a mismatch about `context`
    /// at `span`. Returns whether they unified.
    pub fn expect(&mut self, expected: &Type, found: &Type, span: &Span, context: &str) -> bool {
        match self.table.unify(expected, found) {
            Ok(()) => true,
            Err(mismatch) => {
                self.report_mismatch(mismatch, expected, found, span, context);
                false
            }
        }
    }

    fn report_mismatch(
        &mut self,
        mismatch: Mismatch,
        expected: &Type,
        found: &Type,
        span: &Span,
        context: &str,
    ) {
        let error = match mismatch {
            Mismatch::MissingEffect { effect, row } => {
                let row = Printer::new(&self.table).row(&row);
                CheckError::EffectNotAllowed {
                    effect,
                    row,
                    context: context.to_string(),
                    span: span.clone(),
                }
            }
            Mismatch::Infinite(variable, ty) => {
                let mut printer = Printer::new(&self.table);
                let text = format!("{} = {}", printer.ty(&variable), printer.ty(&ty));
                CheckError::InfiniteType {
                    ty: text,
                    span: span.clone(),
                }
            }
            Mismatch::Escape(name) => CheckError::RigidEscape {
                name,
                context: context.to_string(),
                span: span.clone(),
            },
            Mismatch::Types(..) | Mismatch::InfiniteRow(..) => {
                let mut printer = Printer::new(&self.table);
                let expected = printer.ty(expected);
                let found = printer.ty(found);
                CheckError::TypeMismatch {
                    expected,
                    found,
                    context: context.to_string(),
                    span: span.clone(),
                }
            }
        };
        self.report(error);
    }

    /// Unifies two rows, reporting an effect that one lacks.
    pub fn expect_rows(&mut self, expected: &Row, found: &Row, span: &Span, context: &str) -> bool {
        match self.table.unify_rows(expected, found) {
            Ok(()) => true,
            Err(Mismatch::MissingEffect { effect, row }) => {
                let row = Printer::new(&self.table).row(&row);
                self.report(CheckError::EffectNotAllowed {
                    effect,
                    row,
                    context: context.to_string(),
                    span: span.clone(),
                });
                false
            }
            Err(Mismatch::Escape(name)) => {
                self.report(CheckError::RigidEscape {
                    name,
                    context: context.to_string(),
                    span: span.clone(),
                });
                false
            }
            Err(_) => {
                let mut printer = Printer::new(&self.table);
                let expected = printer.row(expected);
                let found = printer.row(found);
                self.report(CheckError::TypeMismatch {
                    expected,
                    found,
                    context: format!("the effect row of {context}"),
                    span: span.clone(),
                });
                false
            }
        }
    }

    /// Adds an effect to the current row.
    pub fn perform_effect(&mut self, label: Label, span: &Span) {
        let tail = self.table.fresh_row();
        let wanted = Row::Extend(Box::new(label), Box::new(tail));
        let current = self.effect.clone();
        let context = self.row_context.clone();
        self.expect_rows(&current, &wanted, span, &context);
    }

    /// Adds `Mem` to the current row: the expression allocates.
    pub fn allocate(&mut self, span: &Span) {
        self.perform_effect(
            Label {
                effect: "Mem".to_string(),
                arguments: Vec::new(),
            },
            span,
        );
    }

    /// Runs `body` with `row` as the current row, restoring it after.
    pub fn with_row<T>(
        &mut self,
        row: Row,
        context: Option<String>,
        body: impl FnOnce(&mut Self) -> T,
    ) -> T {
        let saved = std::mem::replace(&mut self.effect, row);
        let saved_context =
            context.map(|context| std::mem::replace(&mut self.row_context, context));
        let result = body(self);
        self.effect = saved;
        if let Some(saved_context) = saved_context {
            self.row_context = saved_context;
        }
        result
    }

    /// Suggests a name within edit distance 2 of `name` among `candidates`.
    pub fn suggest<'n>(name: &str, candidates: impl Iterator<Item = &'n str>) -> Option<String> {
        let mut best: Option<(usize, &str)> = None;
        for candidate in candidates {
            if candidate == name {
                continue;
            }
            let distance = crate::resolve::edit_distance(candidate, name);
            if distance <= 2 && best.is_none_or(|(best_distance, _)| distance < best_distance) {
                best = Some((distance, candidate));
            }
        }
        best.map(|(_, candidate)| candidate.to_string())
    }
}
