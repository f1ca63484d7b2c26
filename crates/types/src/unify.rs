//! Unification of types and of effect rows.
//!
//! Types unify structurally, binding variables after an occurs check and
//! lowering the level of every variable in the bound type to the level of
//! the variable bound (so generalisation stays sound).
//!
//! Rows unify by Leijen's rewriting (Leijen 2017, "Type directed
//! compilation of row-typed algebraic effects", §3): to unify `⟨l | r⟩`
//! with `s`, rewrite `s` into `⟨l' | s'⟩` where `l'` is the first label in
//! `s` with `l`'s name, then unify `l` with `l'` and `r` with `s'`. If `s`
//! has no such label but ends in a variable `ρ`, bind `ρ := ⟨l'' | ρ'⟩`
//! with `l''` fresh. If `s` is closed, the rows do not unify: that is how
//! "this effect is not handled" surfaces.
//!
//! Example: `⟨IO | ρ1⟩ ~ ⟨Mem, IO⟩`. Rewriting `⟨Mem, IO⟩` for `IO` finds
//! it second: `⟨IO | ⟨Mem⟩⟩`. The labels unify; then `ρ1 ~ ⟨Mem⟩` binds
//! `ρ1`. Unifying `⟨IO | ρ⟩ ~ ⟨Mem | ρ⟩` instead would rewrite the right
//! side by binding `ρ := ⟨IO | ρ'⟩` and then need `ρ ~ ⟨Mem | ρ'⟩` with `ρ`
//! already bound by the rewriting itself: the side condition on tails
//! rejects it, as the row would be infinite.
//!
//! Rigid variables ([`Table::rigid_type`], [`Table::rigid_row`]) are never
//! bound: a rigid type equals only itself, and a rigid row, which has no
//! labels of its own, fails a rewriting as a closed row does. A flexible
//! variable may be bound to a type containing a rigid variable only if it
//! was created at the rigid variable's level or deeper; otherwise the
//! rigid variable would escape its scope ([`Mismatch::Escape`]).

use crate::types::{Label, Row, Table, Type, TypeVar};

/// Why two types or rows do not unify.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// Different shapes or constructors.
    Types(Box<Type>, Box<Type>),
    /// A variable would contain itself.
    Infinite(Box<Type>, Box<Type>),
    /// A closed row lacks an effect the other side has.
    MissingEffect {
        /// The effect.
        effect: String,
        /// The closed row.
        row: Row,
    },
    /// The rows would be infinite (Leijen's tail condition).
    InfiniteRow(Row, Row),
    /// A rigid variable (named) would escape its scope: a variable from
    /// outside it would have to stand for a type containing it.
    Escape(String),
}

impl Table {
    /// Unifies two types.
    pub fn unify(&mut self, left: &Type, right: &Type) -> Result<(), Mismatch> {
        let left = self.shallow(left);
        let right = self.shallow(right);
        match (&left, &right) {
            (Type::Var(a), Type::Var(b)) if a == b => Ok(()),
            (Type::Var(variable), other) if self.rigid_type_info(*variable).is_none() => {
                self.bind_type_variable(*variable, other)
            }
            (other, Type::Var(variable)) if self.rigid_type_info(*variable).is_none() => {
                self.bind_type_variable(*variable, other)
            }
            (Type::Constructor(a, arguments_a), Type::Constructor(b, arguments_b))
                if a == b && arguments_a.len() == arguments_b.len() =>
            {
                for (x, y) in arguments_a.iter().zip(arguments_b) {
                    self.unify(x, y).map_err(|error| match error {
                        Mismatch::Escape(_) => error,
                        _ => Mismatch::Types(Box::new(left.clone()), Box::new(right.clone())),
                    })?;
                }
                Ok(())
            }
            (Type::Tuple(a), Type::Tuple(b)) if a.len() == b.len() => {
                for (x, y) in a.iter().zip(b) {
                    self.unify(x, y)?;
                }
                Ok(())
            }
            (Type::Function(p1, r1, e1), Type::Function(p2, r2, e2))
            | (Type::Continuation(p1, r1, e1), Type::Continuation(p2, r2, e2))
                if std::mem::discriminant(&left) == std::mem::discriminant(&right) =>
            {
                self.unify(p1, p2)?;
                self.unify(r1, r2)?;
                self.unify_rows(e1, e2)
            }
            (Type::Handler(l1, i1, o1, e1), Type::Handler(l2, i2, o2, e2)) => {
                self.unify_rows(l1, l2)?;
                self.unify(i1, i2)?;
                self.unify(o1, o2)?;
                self.unify_rows(e1, e2)
            }
            _ => Err(Mismatch::Types(Box::new(left), Box::new(right))),
        }
    }

    fn bind_type_variable(&mut self, variable: TypeVar, ty: &Type) -> Result<(), Mismatch> {
        let level = self.type_level(variable).unwrap_or(u32::MAX);
        if let Some(name) = self.escaping(ty, level) {
            return Err(Mismatch::Escape(name));
        }
        if self.occurs_and_adjust(variable, level, ty) {
            return Err(Mismatch::Infinite(
                Box::new(Type::Var(variable)),
                Box::new(self.resolve(ty)),
            ));
        }
        self.bind_type(variable, ty.clone());
        Ok(())
    }

    /// Whether `variable` occurs in `ty`; lowers the levels of the
    /// variables in `ty` to `level` on the way.
    fn occurs_and_adjust(&mut self, variable: TypeVar, level: u32, ty: &Type) -> bool {
        match self.shallow(ty) {
            Type::Var(other) => {
                self.lower_type_level(other, level);
                other == variable
            }
            Type::Constructor(_, arguments) | Type::Tuple(arguments) => arguments
                .iter()
                .any(|a| self.occurs_and_adjust(variable, level, a)),
            Type::Function(parameter, result, row) | Type::Continuation(parameter, result, row) => {
                self.occurs_and_adjust(variable, level, &parameter)
                    | self.occurs_and_adjust(variable, level, &result)
                    | self.occurs_in_row(variable, level, &row)
            }
            Type::Handler(labels, input, output, row) => {
                self.occurs_in_row(variable, level, &labels)
                    | self.occurs_and_adjust(variable, level, &input)
                    | self.occurs_and_adjust(variable, level, &output)
                    | self.occurs_in_row(variable, level, &row)
            }
        }
    }

    fn occurs_in_row(&mut self, variable: TypeVar, level: u32, row: &Row) -> bool {
        match self.shallow_row(row) {
            Row::Empty => false,
            Row::Var(row_variable) => {
                self.lower_row_level(row_variable, level);
                false
            }
            Row::Extend(label, rest) => {
                label
                    .arguments
                    .iter()
                    .any(|a| self.occurs_and_adjust(variable, level, a))
                    | self.occurs_in_row(variable, level, &rest)
            }
        }
    }

    /// Unifies two rows (Leijen's rewriting; see the module comment).
    pub fn unify_rows(&mut self, left: &Row, right: &Row) -> Result<(), Mismatch> {
        let left = self.shallow_row(left);
        let right = self.shallow_row(right);
        match (&left, &right) {
            (Row::Empty, Row::Empty) => Ok(()),
            (Row::Var(a), Row::Var(b)) if a == b => Ok(()),
            (Row::Var(variable), other) | (other, Row::Var(variable))
                if self.rigid_row_info(*variable).is_none() =>
            {
                if self.row_variable_occurs(*variable, other) {
                    return Err(Mismatch::InfiniteRow(left.clone(), right.clone()));
                }
                let level = self.row_level(*variable).unwrap_or(u32::MAX);
                if let Some(name) = self.escaping_row(other, level) {
                    return Err(Mismatch::Escape(name));
                }
                self.lower_levels_in_row(other, level);
                self.bind_row(*variable, other.clone());
                Ok(())
            }
            (Row::Var(_), Row::Var(_)) | (Row::Var(_), Row::Empty) | (Row::Empty, Row::Var(_)) => {
                Err(Mismatch::InfiniteRow(left.clone(), right.clone()))
            }
            (Row::Extend(label, rest), other) | (other, Row::Extend(label, rest)) => {
                let tail_before = self.row_tail(rest);
                let (found, remainder) = self.rewrite(other, label)?;
                if let Some(tail) = tail_before {
                    if self.row_binding(tail).is_some() {
                        return Err(Mismatch::InfiniteRow(left.clone(), right.clone()));
                    }
                }
                for (x, y) in label.arguments.iter().zip(&found.arguments) {
                    self.unify(x, y)?;
                }
                self.unify_rows(rest, &remainder)
            }
        }
    }

    /// Rewrites `row` to bring the first label named like `wanted` to the
    /// front: returns that label and the rest of the row.
    fn rewrite(&mut self, row: &Row, wanted: &Label) -> Result<(Label, Row), Mismatch> {
        match self.shallow_row(row) {
            Row::Empty => Err(Mismatch::MissingEffect {
                effect: wanted.effect.clone(),
                row: self.resolve_row(row),
            }),
            Row::Extend(label, rest) if label.effect == wanted.effect => Ok((*label, *rest)),
            Row::Extend(label, rest) => {
                let (found, remainder) = self.rewrite(&rest, wanted)?;
                Ok((found, Row::Extend(label, Box::new(remainder))))
            }
            Row::Var(variable) if self.rigid_row_info(variable).is_some() => {
                Err(Mismatch::MissingEffect {
                    effect: wanted.effect.clone(),
                    row: self.resolve_row(row),
                })
            }
            Row::Var(variable) => {
                let level = self.row_level(variable).unwrap_or(u32::MAX);
                let saved = self.level;
                self.level = level;
                let arguments = wanted.arguments.iter().map(|_| self.fresh_type()).collect();
                let tail = self.fresh_row();
                self.level = saved;
                let label = Label {
                    effect: wanted.effect.clone(),
                    arguments,
                };
                self.bind_row(
                    variable,
                    Row::Extend(Box::new(label.clone()), Box::new(tail.clone())),
                );
                Ok((label, tail))
            }
        }
    }

    /// The name of a rigid variable in `ty` created at a level above
    /// `level`, which a variable of `level` may not stand for.
    fn escaping(&self, ty: &Type, level: u32) -> Option<String> {
        match self.shallow(ty) {
            Type::Var(variable) => self
                .rigid_type_info(variable)
                .filter(|(_, rigid_level)| *rigid_level > level)
                .map(|(name, _)| name.to_string()),
            Type::Constructor(_, items) | Type::Tuple(items) => {
                items.iter().find_map(|item| self.escaping(item, level))
            }
            Type::Function(parameter, result, row) | Type::Continuation(parameter, result, row) => {
                self.escaping(&parameter, level)
                    .or_else(|| self.escaping(&result, level))
                    .or_else(|| self.escaping_row(&row, level))
            }
            Type::Handler(labels, input, output, row) => self
                .escaping_row(&labels, level)
                .or_else(|| self.escaping(&input, level))
                .or_else(|| self.escaping(&output, level))
                .or_else(|| self.escaping_row(&row, level)),
        }
    }

    fn escaping_row(&self, row: &Row, level: u32) -> Option<String> {
        match self.shallow_row(row) {
            Row::Empty => None,
            Row::Var(variable) => self
                .rigid_row_info(variable)
                .filter(|(_, rigid_level)| *rigid_level > level)
                .map(|(name, _)| name.to_string()),
            Row::Extend(label, rest) => label
                .arguments
                .iter()
                .find_map(|argument| self.escaping(argument, level))
                .or_else(|| self.escaping_row(&rest, level)),
        }
    }

    /// The variable a row ends in, if open.
    fn row_tail(&self, row: &Row) -> Option<crate::types::RowVar> {
        match self.shallow_row(row) {
            Row::Empty => None,
            Row::Var(variable) => Some(variable),
            Row::Extend(_, rest) => self.row_tail(&rest),
        }
    }

    /// Whether the row variable `variable` occurs anywhere in `row`: as
    /// its tail, or inside the types its labels are applied to (`⟨State
    /// (a -> b / ρ) | ρ'⟩` holds ρ). Binding a variable to a row that holds
    /// it would make an infinite type (`let f k = perform State.put k;
    /// resume k 1` asks for one).
    fn row_variable_occurs(&self, variable: crate::types::RowVar, row: &Row) -> bool {
        match self.shallow_row(row) {
            Row::Empty => false,
            Row::Var(other) => other == variable,
            Row::Extend(label, rest) => {
                label
                    .arguments
                    .iter()
                    .any(|argument| self.row_variable_occurs_in_type(variable, argument))
                    || self.row_variable_occurs(variable, &rest)
            }
        }
    }

    /// Whether the row variable `variable` occurs anywhere in `ty`.
    fn row_variable_occurs_in_type(&self, variable: crate::types::RowVar, ty: &Type) -> bool {
        match self.shallow(ty) {
            Type::Var(_) => false,
            Type::Constructor(_, items) | Type::Tuple(items) => items
                .iter()
                .any(|item| self.row_variable_occurs_in_type(variable, item)),
            Type::Function(parameter, result, row) | Type::Continuation(parameter, result, row) => {
                self.row_variable_occurs_in_type(variable, &parameter)
                    || self.row_variable_occurs_in_type(variable, &result)
                    || self.row_variable_occurs(variable, &row)
            }
            Type::Handler(labels, input, output, row) => {
                self.row_variable_occurs(variable, &labels)
                    || self.row_variable_occurs_in_type(variable, &input)
                    || self.row_variable_occurs_in_type(variable, &output)
                    || self.row_variable_occurs(variable, &row)
            }
        }
    }

    fn lower_levels_in_row(&mut self, row: &Row, level: u32) {
        match self.shallow_row(row) {
            Row::Empty => {}
            Row::Var(variable) => self.lower_row_level(variable, level),
            Row::Extend(label, rest) => {
                for argument in &label.arguments {
                    self.occurs_and_adjust(TypeVar(u32::MAX), level, argument);
                }
                self.lower_levels_in_row(&rest, level);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Printer;

    fn label(name: &str) -> Label {
        Label {
            effect: name.to_string(),
            arguments: Vec::new(),
        }
    }

    fn closed(names: &[&str]) -> Row {
        Row::from_labels(names.iter().map(|n| label(n)).collect(), Row::Empty)
    }

    #[test]
    fn an_open_row_absorbs_what_it_lacks() {
        let mut table = Table::default();
        let tail = table.fresh_row();
        let open = Row::from_labels(vec![label("IO")], tail.clone());
        table.unify_rows(&open, &closed(&["Mem", "IO"])).unwrap();
        assert_eq!(Printer::new(&table).row(&tail), "{Mem}");
    }

    #[test]
    fn a_closed_row_without_the_effect_fails() {
        let mut table = Table::default();
        let error = table
            .unify_rows(&closed(&["IO"]), &closed(&["Mem"]))
            .unwrap_err();
        assert!(
            matches!(error, Mismatch::MissingEffect { ref effect, .. } if effect == "IO" || effect == "Mem")
        );
    }

    #[test]
    fn order_of_different_labels_does_not_matter_but_duplicates_count() {
        let mut table = Table::default();
        table
            .unify_rows(&closed(&["IO", "Mem"]), &closed(&["Mem", "IO"]))
            .unwrap();
        assert!(table
            .unify_rows(&closed(&["IO", "IO"]), &closed(&["IO"]))
            .is_err());
    }

    #[test]
    fn the_tail_condition_rejects_infinite_rows() {
        let mut table = Table::default();
        let tail = table.fresh_row();
        let left = Row::from_labels(vec![label("IO")], tail.clone());
        let right = Row::from_labels(vec![label("Mem")], tail);
        assert!(matches!(
            table.unify_rows(&left, &right),
            Err(Mismatch::InfiniteRow(..))
        ));
    }

    #[test]
    fn label_arguments_unify() {
        let mut table = Table::default();
        let a = table.fresh_type();
        let state = |ty: Type| Label {
            effect: "State".into(),
            arguments: vec![ty],
        };
        let left = Row::from_labels(vec![state(a.clone())], Row::Empty);
        let right = Row::from_labels(vec![state(Type::named("int"))], Row::Empty);
        table.unify_rows(&left, &right).unwrap();
        assert_eq!(Printer::new(&table).ty(&a), "int");
    }

    #[test]
    fn functions_print_with_their_rows() {
        let mut table = Table::default();
        let a = table.fresh_type();
        let e = table.fresh_row();
        let ty = Type::function(
            a.clone(),
            Type::Constructor("list".into(), vec![a]),
            Row::from_labels(vec![label("IO")], e),
        );
        assert_eq!(Printer::new(&table).ty(&ty), "a -> list a / {IO | e}");
    }

    /// An argument that is an application, an arrow or a continuation is
    /// printed in parentheses, in a type application, a continuation and
    /// a row's label alike, so that where an argument ends is never in
    /// doubt (`list list a` did not parse).
    #[test]
    fn arguments_print_in_parentheses_unless_atoms() {
        let mut table = Table::default();
        let a = table.fresh_type();
        let e = table.fresh_row();
        let list = |ty: Type| Type::Constructor("list".into(), vec![ty]);
        let nested = list(list(a.clone()));
        assert_eq!(Printer::new(&table).ty(&nested), "list (list a)");
        let arrow = Type::Constructor(
            "option".into(),
            vec![Type::function(a.clone(), a.clone(), e.clone())],
        );
        assert_eq!(Printer::new(&table).ty(&arrow), "option (a -> a / e)");
        let state = Row::from_labels(
            vec![Label {
                effect: "State".into(),
                arguments: vec![list(Type::named("int"))],
            }],
            e,
        );
        assert_eq!(Printer::new(&table).row(&state), "{State (list int) | e}");
        let continuation = Type::Continuation(
            Box::new(nested),
            Box::new(Type::Tuple(vec![a.clone(), Type::named("int")])),
            Row::Empty,
        );
        assert_eq!(
            Printer::new(&table).ty(&list(continuation)),
            "list (continuation (list (list a)) (a, int) {})"
        );
    }

    /// A rigid variable equals itself and nothing else; a flexible
    /// variable of its level or deeper may stand for it, one from outside
    /// (a lower level) may not: that is an escape.
    #[test]
    fn rigid_variables_are_equal_only_to_themselves_and_do_not_escape() {
        let mut table = Table::default();
        let outer = table.fresh_type();
        table.level = 1;
        let rigid = table.rigid_type("'a");
        let other = table.rigid_type("'b");
        let inner = table.fresh_type();
        assert!(table.unify(&rigid, &rigid).is_ok());
        assert!(table.unify(&rigid, &Type::named("int")).is_err());
        assert!(table.unify(&rigid, &other).is_err());
        table.unify(&inner, &rigid).unwrap();
        assert_eq!(Printer::new(&table).ty(&inner), "'a");
        let list = Type::Constructor("list".into(), vec![rigid.clone()]);
        assert_eq!(
            table.unify(&outer, &list),
            Err(Mismatch::Escape("'a".to_string()))
        );
        let outer_list = Type::Constructor("list".into(), vec![outer]);
        assert_eq!(
            table.unify(&outer_list, &list),
            Err(Mismatch::Escape("'a".to_string()))
        );
    }

    /// A rigid row has no labels of its own: rewriting it for `IO` fails
    /// as a closed row does, and an outer row variable may not become it.
    #[test]
    fn rigid_rows_have_no_labels_and_do_not_escape() {
        let mut table = Table::default();
        let outer = table.fresh_row();
        table.level = 1;
        let rigid = table.rigid_row("'e");
        let with_io = Row::from_labels(vec![label("IO")], table.fresh_row());
        assert!(matches!(
            table.unify_rows(&rigid, &with_io),
            Err(Mismatch::MissingEffect { .. })
        ));
        assert!(table.unify_rows(&rigid, &Row::Empty).is_err());
        assert_eq!(
            table.unify_rows(&outer, &Row::from_labels(vec![label("IO")], rigid.clone())),
            Err(Mismatch::Escape("'e".to_string()))
        );
        let inner = table.fresh_row();
        table.unify_rows(&inner, &rigid).unwrap();
        assert_eq!(Printer::new(&table).row(&inner), "'e");
    }

    #[test]
    fn occurs_check() {
        let mut table = Table::default();
        let a = table.fresh_type();
        let list = Type::Constructor("list".into(), vec![a.clone()]);
        assert!(matches!(
            table.unify(&a, &list),
            Err(Mismatch::Infinite(..))
        ));
    }
}
