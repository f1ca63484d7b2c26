//! The environment of type schemes, and the two operations of
//! Hindley-Milner that move between types and schemes: instantiation and
//! generalisation, by levels.
//!
//! Levels: the [`Table`] counts how deeply nested in `let` right-hand sides
//! inference is, and every fresh variable remembers the level it was made
//! at (unification lowers it when the variable meets an older type). After
//! the right-hand side of `let x = e` has been inferred one level down,
//! every variable still above the current level belongs to `e` alone and
//! may be quantified. Example: in `let id = fun x -> x in ...`, `x : t5`
//! is made at level 1 and the lambda's row `ρ3` too; back at level 0,
//! `id : ∀t5 ρ3. t5 -> t5 / ρ3`, printed `a -> a / e`.
//!
//! The relaxed value restriction of `docs/cml-types.md` (gap 16) decides
//! *whether* to generalise: only non-expansive right-hand sides
//! ([`is_non_expansive`]) are, and allocation does not count as expansive.
//!
//! Instantiation also *opens* closed rows on the result spine of a
//! function type (Leijen 2017, §2.3 "open"): `inc : unit -> int / {State
//! int}` is used as `unit -> int / {State int | ρ}` so that it can be
//! called where more effects are allowed.

use std::collections::HashMap;

use cml_syntax::ast::{Expr, Span};
use cml_types::{Row, RowVar, Substitution, Table, Type, TypeVar};

use crate::declarations::Declarations;

/// A type with some of its variables quantified.
#[derive(Clone, Debug)]
pub struct Scheme {
    /// Quantified type variables.
    pub types: Vec<TypeVar>,
    /// Quantified row variables.
    pub rows: Vec<RowVar>,
    /// The type.
    pub ty: Type,
}

impl Scheme {
    /// A type with nothing quantified.
    pub fn monomorphic(ty: Type) -> Scheme {
        Scheme {
            types: Vec::new(),
            rows: Vec::new(),
            ty,
        }
    }
}

/// A name bound in the environment.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The name.
    pub name: String,
    /// Its type scheme.
    pub scheme: Scheme,
    /// How many `fun`s enclose the binding (0 at top level), to tell
    /// whether a closure captures it.
    pub depth: u32,
    /// Bound by `let mutable`.
    pub mutable: bool,
    /// Defined at top level (static: never captured).
    pub global: bool,
    /// For functions defined with parameters, how many: a shorter
    /// application builds a closure.
    pub arity: usize,
    /// Where it is bound.
    pub span: Span,
}

/// The names in scope: a stack of entries searched from the top, and the
/// prelude's modules.
#[derive(Clone, Debug, Default)]
pub struct Environment {
    entries: Vec<Entry>,
    /// Module members by module and name (`Queue.push`).
    pub modules: HashMap<String, HashMap<String, Scheme>>,
}

impl Environment {
    /// Binds a name (shadowing any earlier binding of it).
    pub fn push(&mut self, entry: Entry) {
        self.entries.push(entry);
    }

    /// How many entries there are, to [`Environment::truncate`] back to.
    pub fn mark(&self) -> usize {
        self.entries.len()
    }

    /// Drops the entries bound since `mark`.
    pub fn truncate(&mut self, mark: usize) {
        self.entries.truncate(mark);
    }

    /// The innermost binding of `name`.
    pub fn lookup(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|entry| entry.name == name)
    }

    /// The innermost binding of `name`, to change it.
    pub fn lookup_mut(&mut self, name: &str) -> Option<&mut Entry> {
        self.entries
            .iter_mut()
            .rev()
            .find(|entry| entry.name == name)
    }

    /// Every bound name, for suggestions.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|entry| entry.name.as_str())
    }
}

/// A fresh instance of a scheme; closed rows on the result spine of a
/// function type are opened.
pub fn instantiate(table: &mut Table, scheme: &Scheme) -> Type {
    let mut substitution = Substitution::default();
    for variable in &scheme.types {
        let fresh = table.fresh_type();
        substitution.types.insert(*variable, fresh);
    }
    for variable in &scheme.rows {
        let fresh = table.fresh_row();
        substitution.rows.insert(*variable, fresh);
    }
    let ty = if substitution.is_empty() {
        table.resolve(&scheme.ty)
    } else {
        table.substitute(&scheme.ty, &substitution)
    };
    open_rows(table, &ty)
}

/// Opens every closed row on the result spine of a function type.
pub fn open_rows(table: &mut Table, ty: &Type) -> Type {
    match table.shallow(ty) {
        Type::Function(parameter, result, row) => {
            let result = open_rows(table, &result);
            let row = open_row(table, &row);
            Type::Function(parameter, Box::new(result), row)
        }
        other => other,
    }
}

fn open_row(table: &mut Table, row: &Row) -> Row {
    match table.shallow_row(row) {
        Row::Empty => table.fresh_row(),
        Row::Var(variable) => Row::Var(variable),
        Row::Extend(label, rest) => Row::Extend(label, Box::new(open_row(table, &rest))),
    }
}

/// The scheme of `ty` quantifying the variables made above the table's
/// current level.
pub fn generalise(table: &Table, ty: &Type) -> Scheme {
    let (mut types, mut rows) = (Vec::new(), Vec::new());
    table.free_variables(ty, &mut types, &mut rows);
    types.retain(|variable| {
        table
            .type_level(*variable)
            .is_some_and(|level| level > table.level)
    });
    rows.retain(|variable| {
        table
            .row_level(*variable)
            .is_some_and(|level| level > table.level)
    });
    Scheme {
        types,
        rows,
        ty: table.resolve(ty),
    }
}

/// Whether an expression is non-expansive under the relaxed value
/// restriction of `docs/cml-types.md`: a variable, a literal, a `fun`, a
/// handler literal, or a constructor, tuple, list or immutable record built
/// from non-expansive parts. Allocation does not make an expression
/// expansive; a record type with a `mutable` field does.
pub fn is_non_expansive(expression: &Expr, declarations: &Declarations) -> bool {
    match expression {
        Expr::Literal(_)
        | Expr::Variable(_)
        | Expr::Constructor(_)
        | Expr::Lambda { .. }
        | Expr::Handler(..) => true,
        Expr::Tuple(items, _) | Expr::List(items, _) => items
            .iter()
            .all(|item| is_non_expansive(item, declarations)),
        Expr::Apply {
            function,
            arguments,
            ..
        } => {
            matches!(function.as_ref(), Expr::Constructor(_))
                && arguments
                    .iter()
                    .all(|argument| is_non_expansive(argument, declarations))
        }
        Expr::Record { fields, .. } => {
            let mutable = fields
                .first()
                .and_then(|(name, _)| declarations.fields.get(&name.text))
                .is_some_and(|type_name| {
                    declarations
                        .records
                        .get(type_name)
                        .is_some_and(|fields| fields.iter().any(|field| field.mutable))
                });
            !mutable
                && fields.iter().all(|(_, value)| {
                    value
                        .as_ref()
                        .is_none_or(|value| is_non_expansive(value, declarations))
                })
        }
        Expr::Annotated(inner, _, _) => is_non_expansive(inner, declarations),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cml_types::{Label, Printer};

    /// `let id = fun x -> x`: at level 1, `x : t` and the lambda's row are
    /// fresh; back at level 0 both are quantified, and two instances are
    /// independent.
    #[test]
    fn generalisation_quantifies_what_the_right_hand_side_made() {
        let mut table = Table::default();
        table.level = 1;
        let x = table.fresh_type();
        let row = table.fresh_row();
        let identity = Type::function(x.clone(), x, row);
        table.level = 0;
        let scheme = generalise(&table, &identity);
        assert_eq!((scheme.types.len(), scheme.rows.len()), (1, 1));
        let first = instantiate(&mut table, &scheme);
        let second = instantiate(&mut table, &scheme);
        let Type::Function(parameter, _, _) = &first else {
            panic!("a function")
        };
        table.unify(parameter, &Type::named("int")).unwrap();
        assert_eq!(Printer::new(&table).ty(&first), "int -> int / e");
        assert_eq!(Printer::new(&table).ty(&second), "a -> a / e");
    }

    /// A variable that also occurs in the environment (made at level 0)
    /// stays monomorphic.
    #[test]
    fn variables_of_the_environment_are_not_quantified() {
        let mut table = Table::default();
        let outer = table.fresh_type();
        table.level = 1;
        let row = table.fresh_row();
        let constant = Type::function(Type::named("unit"), outer, row);
        table.level = 0;
        let scheme = generalise(&table, &constant);
        assert_eq!((scheme.types.len(), scheme.rows.len()), (0, 1));
    }

    /// `inc : unit -> int / {State int}` is instantiated with an open row,
    /// so it unifies with `unit -> int / {IO, State int}`.
    #[test]
    fn instantiation_opens_closed_rows() {
        let mut table = Table::default();
        let state = Label {
            effect: "State".into(),
            arguments: vec![Type::named("int")],
        };
        let io = Label {
            effect: "IO".into(),
            arguments: vec![],
        };
        let closed = Row::from_labels(vec![state.clone()], Row::Empty);
        let inc = Scheme::monomorphic(Type::function(
            Type::named("unit"),
            Type::named("int"),
            closed,
        ));
        let instance = instantiate(&mut table, &inc);
        let wider = Type::function(
            Type::named("unit"),
            Type::named("int"),
            Row::from_labels(vec![io, state], Row::Empty),
        );
        table.unify(&instance, &wider).unwrap();
    }
}
