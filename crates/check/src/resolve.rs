//! Type expressions as written, to [`Type`]s.
//!
//! The one subtle step is reading a run of atoms ([`ast::TypeExpr::Apply`]),
//! because the book writes type application both ways: `list int` and
//! `option process` (prefix, Appendix B) and `process queue`, `unit
//! continuation`, `core_id list` (postfix, chapters 10-17). With arities
//! known, a run reads as prefix when its first atom is a constructor that
//! takes exactly the atoms after it, and as postfix, left to right, when
//! every atom after the first is a one-argument constructor: `int option
//! list` is `list (option int)`. Anything else is reported.

use std::collections::HashMap;

use cml_syntax::ast::{self, TypeExpr};
use cml_types::{Label, Row, Table, Type};

use crate::declarations::Declarations;
use crate::error::CheckError;

/// The type variables in scope while resolving, and whether an unknown
/// lower-case name may become a new one.
#[derive(Clone, Debug, Default)]
pub struct TypeScope {
    /// Type variables by name (`a`, `'a`).
    pub variables: HashMap<String, Type>,
    /// Row variables by name (`e`, `r`).
    pub rows: HashMap<String, Row>,
    /// Whether unknown lower-case names become fresh variables.
    pub open: bool,
    /// Inside the declaration of a type that holds continuations: its
    /// hidden answer type and row, which every continuation and every
    /// continuation-holding type in the declaration shares.
    pub hidden: Option<(Type, Row)>,
    /// Inside an operation signature: the name inline record types get
    /// (`Mem.alloc`), see [`crate::declarations::inline_record_name`].
    pub record_prefix: Option<String>,
    /// How many inline record types have been met so far.
    pub records_seen: usize,
}

/// One atom of a run: a constructor waiting for arguments, or a type.
enum Atom {
    Constructor { name: String, arity: usize },
    Complete(Type),
}

/// Resolves type expressions against declarations.
pub struct Resolver<'a> {
    /// What is declared.
    pub declarations: &'a Declarations,
    /// The inference variables.
    pub table: &'a mut Table,
    /// Problems found.
    pub errors: &'a mut Vec<CheckError>,
}

impl Resolver<'_> {
    /// The type a type expression denotes.
    pub fn resolve(&mut self, expression: &TypeExpr, scope: &mut TypeScope) -> Type {
        match expression {
            TypeExpr::Apply { atoms, span } => self.resolve_run(atoms, span, scope),
            TypeExpr::Name(_) | TypeExpr::Variable(_) => {
                let atom = self.atom(expression, scope);
                self.complete(atom, &expression.span(), scope)
            }
            TypeExpr::Unit(_) => Type::named("unit"),
            TypeExpr::Tuple(items, _) => {
                Type::Tuple(items.iter().map(|item| self.resolve(item, scope)).collect())
            }
            TypeExpr::Function {
                parameter,
                result,
                row,
                ..
            } => {
                let parameter = self.resolve(parameter, scope);
                let result = self.resolve(result, scope);
                let row = match row {
                    Some(row) => self.resolve_row(row, scope),
                    None => self.table.fresh_row(),
                };
                Type::function(parameter, result, row)
            }
            TypeExpr::WithRow { ty, .. } => self.resolve(ty, scope),
            TypeExpr::Record(_, _) => match &scope.record_prefix {
                Some(prefix) => {
                    let name = crate::declarations::inline_record_name(prefix, scope.records_seen);
                    scope.records_seen += 1;
                    Type::named(&name)
                }
                None => self.table.fresh_type(),
            },
            TypeExpr::Error(_) => self.table.fresh_type(),
        }
    }

    /// The row an effect row expression denotes.
    pub fn resolve_row(&mut self, row: &ast::EffectRow, scope: &mut TypeScope) -> Row {
        let mut labels = Vec::new();
        for effect in &row.effects {
            let (name, arguments, span) = match effect {
                TypeExpr::Apply { atoms, span } => match atoms.split_first() {
                    Some((TypeExpr::Name(path), rest)) => {
                        (path.dotted(), rest.to_vec(), span.clone())
                    }
                    _ => continue,
                },
                TypeExpr::Name(path) => (path.dotted(), Vec::new(), path.span.clone()),
                _ => continue,
            };
            if !self.declarations.effects.contains_key(&name) {
                self.errors.push(CheckError::UnknownEffect {
                    name: name.clone(),
                    span,
                });
            }
            let arguments = arguments
                .iter()
                .map(|argument| self.resolve(argument, scope))
                .collect();
            labels.push(Label {
                effect: name,
                arguments,
            });
        }
        let tail = match &row.tail {
            None => Row::Empty,
            Some(name) => match scope.rows.get(&name.text) {
                Some(row) => row.clone(),
                None => {
                    let fresh = self.table.fresh_row();
                    scope.rows.insert(name.text.clone(), fresh.clone());
                    fresh
                }
            },
        };
        Row::from_labels(labels, tail)
    }

    fn resolve_run(&mut self, atoms: &[TypeExpr], span: &ast::Span, scope: &mut TypeScope) -> Type {
        let resolved: Vec<Atom> = atoms.iter().map(|atom| self.atom(atom, scope)).collect();
        if resolved.len() == 1 {
            let atom = resolved.into_iter().next().expect("one atom");
            return self.complete(atom, span, scope);
        }
        // Prefix: a constructor taking exactly the atoms after it.
        if let Atom::Constructor { name, arity } = &resolved[0] {
            if *arity == resolved.len() - 1 {
                let (name, span_text) = (name.clone(), span.clone());
                let arguments = resolved
                    .into_iter()
                    .skip(1)
                    .zip(&atoms[1..])
                    .map(|(atom, expression)| self.complete(atom, &expression.span(), scope))
                    .collect();
                let _ = span_text;
                return self.construct(&name, arguments, scope);
            }
        }
        // Postfix: a type followed by one-argument constructors.
        let postfix = resolved
            .iter()
            .skip(1)
            .all(|atom| matches!(atom, Atom::Constructor { arity: 1, .. }));
        if postfix {
            let mut atoms_iter = resolved.into_iter();
            let first = atoms_iter.next().expect("two or more atoms");
            let mut ty = self.complete(first, &atoms[0].span(), scope);
            for atom in atoms_iter {
                if let Atom::Constructor { name, .. } = atom {
                    ty = self.construct(&name, vec![ty], scope);
                }
            }
            return ty;
        }
        let text = atoms
            .iter()
            .map(describe_atom)
            .collect::<Vec<_>>()
            .join(" ");
        self.errors.push(CheckError::AmbiguousTypeApplication {
            text,
            span: span.clone(),
        });
        self.table.fresh_type()
    }

    /// A built type: `continuation a` becomes a continuation with a fresh
    /// answer type and row, or inside a declaration the declaration's hidden
    /// ones (`docs/cml-types.md`); an alias is expanded; a type holding
    /// continuations gets its hidden argument.
    fn construct(&mut self, name: &str, mut arguments: Vec<Type>, scope: &mut TypeScope) -> Type {
        if name == "continuation" && arguments.len() == 1 {
            let argument = arguments.remove(0);
            let (answer, row) = match &scope.hidden {
                Some((answer, row)) => (answer.clone(), row.clone()),
                None => (self.table.fresh_type(), self.table.fresh_row()),
            };
            return Type::Continuation(Box::new(argument), Box::new(answer), row);
        }
        let Some(info) = self.declarations.types.get(name) else {
            return Type::Constructor(name.to_string(), arguments);
        };
        if let crate::declarations::Shape::Alias(body) = &info.shape {
            let mut substitution = cml_types::Substitution::default();
            for (parameter, argument) in info.parameters.iter().zip(&arguments) {
                substitution.types.insert(*parameter, argument.clone());
            }
            return self.table.substitute(body, &substitution);
        }
        if info.hidden.is_some() {
            let (answer, row) = match &scope.hidden {
                Some((answer, row)) => (answer.clone(), row.clone()),
                None => (self.table.fresh_type(), self.table.fresh_row()),
            };
            arguments.push(crate::declarations::hidden_argument(answer, row));
        }
        Type::Constructor(name.to_string(), arguments)
    }

    fn atom(&mut self, expression: &TypeExpr, scope: &mut TypeScope) -> Atom {
        match expression {
            TypeExpr::Name(path) => {
                let name = path.dotted();
                if let Some(arity) = self.declarations.arity(&name) {
                    return Atom::Constructor { name, arity };
                }
                if let Some(variable) = scope.variables.get(&name) {
                    return Atom::Complete(variable.clone());
                }
                let lower = name.chars().next().is_some_and(|c| c.is_lowercase())
                    && path.segments.len() == 1;
                if lower && scope.open {
                    let fresh = self.table.fresh_type();
                    scope.variables.insert(name, fresh.clone());
                    return Atom::Complete(fresh);
                }
                let suggestion = self.similar_type(&name);
                self.errors.push(CheckError::UnknownType {
                    name,
                    span: path.span.clone(),
                    suggestion,
                });
                Atom::Complete(self.table.fresh_type())
            }
            TypeExpr::Variable(name) => {
                let key = name.text.clone();
                let fresh = match scope.variables.get(&key) {
                    Some(variable) => variable.clone(),
                    None => {
                        let fresh = self.table.fresh_type();
                        scope.variables.insert(key, fresh.clone());
                        fresh
                    }
                };
                Atom::Complete(fresh)
            }
            other => Atom::Complete(self.resolve(other, scope)),
        }
    }

    /// An atom used where a whole type is needed.
    fn complete(&mut self, atom: Atom, span: &ast::Span, scope: &mut TypeScope) -> Type {
        match atom {
            Atom::Complete(ty) => ty,
            Atom::Constructor { name, arity: 0 } => self.construct(&name, Vec::new(), scope),
            Atom::Constructor { name, arity } => {
                self.errors.push(CheckError::TypeArity {
                    name,
                    expected: arity,
                    found: 0,
                    span: span.clone(),
                });
                self.table.fresh_type()
            }
        }
    }

    fn similar_type(&self, name: &str) -> Option<String> {
        self.declarations
            .types
            .keys()
            .filter(|candidate| edit_distance(candidate, name) <= 2)
            .min_by_key(|candidate| edit_distance(candidate, name))
            .cloned()
    }
}

fn describe_atom(expression: &TypeExpr) -> String {
    match expression {
        TypeExpr::Name(path) => path.dotted(),
        TypeExpr::Variable(name) => name.text.clone(),
        _ => "(...)".to_string(),
    }
}

/// Levenshtein distance, for suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}
