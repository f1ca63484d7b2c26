//! Substitution of inference variables, the step behind instantiating a
//! type scheme: every quantified variable is replaced by a fresh one, and
//! everything else is kept.
//!
//! Example: the scheme `∀a e. a -> a / e` of `id` is stored as the type
//! `t3 -> t3 / ρ2` with `t3` and `ρ2` quantified; instantiating it maps
//! `t3 ↦ t9` and `ρ2 ↦ ρ5` (fresh at the current level) and yields
//! `t9 -> t9 / ρ5`.

use std::collections::HashMap;

use crate::types::{Label, Row, RowVar, Table, Type, TypeVar};

/// A mapping from variables to what replaces them.
#[derive(Clone, Debug, Default)]
pub struct Substitution {
    /// Type variables.
    pub types: HashMap<TypeVar, Type>,
    /// Row variables.
    pub rows: HashMap<RowVar, Row>,
}

impl Substitution {
    /// Whether nothing is replaced.
    pub fn is_empty(&self) -> bool {
        self.types.is_empty() && self.rows.is_empty()
    }
}

impl Table {
    /// `ty` with the substitution applied (bound variables are followed
    /// first, so the result mentions no bound variable that was replaced).
    pub fn substitute(&self, ty: &Type, substitution: &Substitution) -> Type {
        match self.shallow(ty) {
            Type::Var(variable) => match substitution.types.get(&variable) {
                Some(replacement) => replacement.clone(),
                None => Type::Var(variable),
            },
            Type::Constructor(name, arguments) => Type::Constructor(
                name,
                arguments
                    .iter()
                    .map(|argument| self.substitute(argument, substitution))
                    .collect(),
            ),
            Type::Tuple(items) => Type::Tuple(
                items
                    .iter()
                    .map(|item| self.substitute(item, substitution))
                    .collect(),
            ),
            Type::Function(parameter, result, row) => Type::Function(
                Box::new(self.substitute(&parameter, substitution)),
                Box::new(self.substitute(&result, substitution)),
                self.substitute_row(&row, substitution),
            ),
            Type::Continuation(argument, answer, row) => Type::Continuation(
                Box::new(self.substitute(&argument, substitution)),
                Box::new(self.substitute(&answer, substitution)),
                self.substitute_row(&row, substitution),
            ),
            Type::Handler(labels, input, output, row) => Type::Handler(
                self.substitute_row(&labels, substitution),
                Box::new(self.substitute(&input, substitution)),
                Box::new(self.substitute(&output, substitution)),
                self.substitute_row(&row, substitution),
            ),
        }
    }

    /// `row` with the substitution applied.
    pub fn substitute_row(&self, row: &Row, substitution: &Substitution) -> Row {
        match self.shallow_row(row) {
            Row::Empty => Row::Empty,
            Row::Var(variable) => match substitution.rows.get(&variable) {
                Some(replacement) => replacement.clone(),
                None => Row::Var(variable),
            },
            Row::Extend(label, rest) => Row::Extend(
                Box::new(Label {
                    effect: label.effect.clone(),
                    arguments: label
                        .arguments
                        .iter()
                        .map(|argument| self.substitute(argument, substitution))
                        .collect(),
                }),
                Box::new(self.substitute_row(&rest, substitution)),
            ),
        }
    }

    /// The unbound variables of `ty`, each once, in order of appearance.
    pub fn free_variables(&self, ty: &Type, types: &mut Vec<TypeVar>, rows: &mut Vec<RowVar>) {
        match self.shallow(ty) {
            Type::Var(variable) => {
                if !types.contains(&variable) {
                    types.push(variable);
                }
            }
            Type::Constructor(_, items) | Type::Tuple(items) => {
                for item in &items {
                    self.free_variables(item, types, rows);
                }
            }
            Type::Function(parameter, result, row) | Type::Continuation(parameter, result, row) => {
                self.free_variables(&parameter, types, rows);
                self.free_variables(&result, types, rows);
                self.free_row_variables(&row, types, rows);
            }
            Type::Handler(labels, input, output, row) => {
                self.free_row_variables(&labels, types, rows);
                self.free_variables(&input, types, rows);
                self.free_variables(&output, types, rows);
                self.free_row_variables(&row, types, rows);
            }
        }
    }

    /// The unbound variables of `row`, each once, in order of appearance.
    pub fn free_row_variables(&self, row: &Row, types: &mut Vec<TypeVar>, rows: &mut Vec<RowVar>) {
        match self.shallow_row(row) {
            Row::Empty => {}
            Row::Var(variable) => {
                if !rows.contains(&variable) {
                    rows.push(variable);
                }
            }
            Row::Extend(label, rest) => {
                for argument in &label.arguments {
                    self.free_variables(argument, types, rows);
                }
                self.free_row_variables(&rest, types, rows);
            }
        }
    }

    /// Lowers every unbound variable of `ty` to the current level, so that a
    /// type that was not generalised is never generalised later.
    pub fn restrict_levels(&mut self, ty: &Type) {
        let (mut types, mut rows) = (Vec::new(), Vec::new());
        self.free_variables(ty, &mut types, &mut rows);
        let level = self.level;
        for variable in types {
            self.lower_type_level(variable, level);
        }
        for variable in rows {
            self.lower_row_level(variable, level);
        }
    }

    /// The labels of a row, in order, and its tail variable if open.
    pub fn row_labels(&self, row: &Row) -> (Vec<Label>, Option<RowVar>) {
        let mut labels = Vec::new();
        let mut current = self.shallow_row(row);
        loop {
            match current {
                Row::Empty => return (labels, None),
                Row::Var(variable) => return (labels, Some(variable)),
                Row::Extend(label, rest) => {
                    labels.push(*label);
                    current = self.shallow_row(&rest);
                }
            }
        }
    }
}
