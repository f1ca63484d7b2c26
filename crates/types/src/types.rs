//! Types and effect rows, and the table of inference variables.
//!
//! A [`Type`] or [`Row`] may contain inference variables; the [`Table`]
//! records what each has been bound to (union-find without path
//! compression: [`Table::resolve`] follows bindings) and, for unbound ones,
//! the let-nesting level at which it was created, which is how
//! generalisation knows which variables it may quantify (the "levels"
//! technique of efficient Hindley-Milner).

use std::fmt;

/// An inference variable for a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeVar(pub u32);

/// An inference variable for a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RowVar(pub u32);

/// A type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    /// An inference variable.
    Var(TypeVar),
    /// A type constructor applied to arguments (`int`, `list int`).
    Constructor(String, Vec<Type>),
    /// `parameter -> result / row`.
    Function(Box<Type>, Box<Type>, Row),
    /// `(a, b, ...)`: at least two components.
    Tuple(Vec<Type>),
    /// `Cont(argument, answer, row)`: resuming with an `argument` yields an
    /// `answer` and performs `row`.
    Continuation(Box<Type>, Box<Type>, Row),
    /// `Handler(L, input, output, row)`: a handler value that handles the
    /// labels of the closed row `L`, takes a computation returning `input`,
    /// returns `output`, and whose clauses perform `row`
    /// (`docs/cml-types.md`, "Continuations and handlers").
    Handler(Row, Box<Type>, Box<Type>, Row),
}

/// The name of the wrapper that marks a hidden type argument: the answer
/// type and row that a declared type holding a continuation takes as an
/// implicit parameter (`docs/cml-types.md`). The argument is written
/// `Type::Constructor(HIDDEN, vec![Type::Function(unit, answer, row)])`
/// and the printer leaves it out.
pub const HIDDEN: &str = "~hidden";

/// An effect label: an effect applied to its type arguments (`State int`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The effect's name.
    pub effect: String,
    /// Its type arguments.
    pub arguments: Vec<Type>,
}

/// An effect row (Leijen 2017): a sequence of labels, closed or ending in a
/// row variable. Labels with the same name may repeat; their order
/// matters (the first is the innermost).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Row {
    /// `⟨⟩`.
    Empty,
    /// `⟨label | rest⟩`.
    Extend(Box<Label>, Box<Row>),
    /// A row variable.
    Var(RowVar),
}

impl Type {
    /// A nullary constructor (`int`).
    pub fn named(name: &str) -> Type {
        Type::Constructor(name.to_string(), Vec::new())
    }

    /// `a -> b / row`.
    pub fn function(parameter: Type, result: Type, row: Row) -> Type {
        Type::Function(Box::new(parameter), Box::new(result), row)
    }
}

impl Row {
    /// A row of these labels ending in `tail`.
    pub fn from_labels(labels: Vec<Label>, tail: Row) -> Row {
        labels.into_iter().rev().fold(tail, |rest, label| {
            Row::Extend(Box::new(label), Box::new(rest))
        })
    }
}

/// What an inference variable stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Binding<T> {
    /// Not yet known; created at this let-level.
    Unbound { level: u32 },
    /// Known.
    Bound(T),
    /// A rigid variable (a skolem constant): equal only to itself, never
    /// bound. It stands for a type (or row) that the code being checked
    /// must treat abstractly, as an operation's own type variable is in a
    /// handler clause. Created at `level`: a flexible variable of a lower
    /// level may not be bound to a type containing it, which would let it
    /// escape its scope.
    Rigid { level: u32, name: String },
}

/// The inference variables of one inference run.
#[derive(Clone, Debug, Default)]
pub struct Table {
    types: Vec<Binding<Type>>,
    rows: Vec<Binding<Row>>,
    /// The current let-nesting level.
    pub level: u32,
}

impl Table {
    /// A fresh type variable at the current level.
    pub fn fresh_type(&mut self) -> Type {
        self.types.push(Binding::Unbound { level: self.level });
        Type::Var(TypeVar(self.types.len() as u32 - 1))
    }

    /// A fresh row variable at the current level.
    pub fn fresh_row(&mut self) -> Row {
        self.rows.push(Binding::Unbound { level: self.level });
        Row::Var(RowVar(self.rows.len() as u32 - 1))
    }

    /// A rigid type variable named `name` (printed as written, `'a`) at
    /// the current level: equal only to itself (see [`Table::unify`]).
    pub fn rigid_type(&mut self, name: &str) -> Type {
        self.types.push(Binding::Rigid {
            level: self.level,
            name: name.to_string(),
        });
        Type::Var(TypeVar(self.types.len() as u32 - 1))
    }

    /// A rigid row variable named `name` at the current level: a row that
    /// has no label but those written before it, and is equal only to
    /// itself.
    pub fn rigid_row(&mut self, name: &str) -> Row {
        self.rows.push(Binding::Rigid {
            level: self.level,
            name: name.to_string(),
        });
        Row::Var(RowVar(self.rows.len() as u32 - 1))
    }

    /// The name and level of a rigid type variable.
    pub fn rigid_type_info(&self, variable: TypeVar) -> Option<(&str, u32)> {
        match &self.types[variable.0 as usize] {
            Binding::Rigid { level, name } => Some((name.as_str(), *level)),
            _ => None,
        }
    }

    /// The name and level of a rigid row variable.
    pub fn rigid_row_info(&self, variable: RowVar) -> Option<(&str, u32)> {
        match &self.rows[variable.0 as usize] {
            Binding::Rigid { level, name } => Some((name.as_str(), *level)),
            _ => None,
        }
    }

    /// What a type variable is bound to, if anything.
    pub fn type_binding(&self, variable: TypeVar) -> Option<&Type> {
        match &self.types[variable.0 as usize] {
            Binding::Bound(ty) => Some(ty),
            Binding::Unbound { .. } | Binding::Rigid { .. } => None,
        }
    }

    /// What a row variable is bound to, if anything.
    pub fn row_binding(&self, variable: RowVar) -> Option<&Row> {
        match &self.rows[variable.0 as usize] {
            Binding::Bound(row) => Some(row),
            Binding::Unbound { .. } | Binding::Rigid { .. } => None,
        }
    }

    /// The level of an unbound type variable.
    pub fn type_level(&self, variable: TypeVar) -> Option<u32> {
        match self.types[variable.0 as usize] {
            Binding::Unbound { level } => Some(level),
            Binding::Bound(_) | Binding::Rigid { .. } => None,
        }
    }

    /// The level of an unbound row variable.
    pub fn row_level(&self, variable: RowVar) -> Option<u32> {
        match self.rows[variable.0 as usize] {
            Binding::Unbound { level } => Some(level),
            Binding::Bound(_) | Binding::Rigid { .. } => None,
        }
    }

    pub(crate) fn bind_type(&mut self, variable: TypeVar, ty: Type) {
        self.types[variable.0 as usize] = Binding::Bound(ty);
    }

    pub(crate) fn bind_row(&mut self, variable: RowVar, row: Row) {
        self.rows[variable.0 as usize] = Binding::Bound(row);
    }

    pub(crate) fn lower_type_level(&mut self, variable: TypeVar, level: u32) {
        if let Binding::Unbound { level: current } = &mut self.types[variable.0 as usize] {
            *current = (*current).min(level);
        }
    }

    pub(crate) fn lower_row_level(&mut self, variable: RowVar, level: u32) {
        if let Binding::Unbound { level: current } = &mut self.rows[variable.0 as usize] {
            *current = (*current).min(level);
        }
    }

    /// Follows bindings at the top of a type (not inside it).
    pub fn shallow(&self, ty: &Type) -> Type {
        let mut current = ty.clone();
        while let Type::Var(variable) = current {
            match self.type_binding(variable) {
                Some(bound) => current = bound.clone(),
                None => break,
            }
        }
        current
    }

    /// Follows bindings at the top of a row.
    pub fn shallow_row(&self, row: &Row) -> Row {
        let mut current = row.clone();
        while let Row::Var(variable) = current {
            match self.row_binding(variable) {
                Some(bound) => current = bound.clone(),
                None => break,
            }
        }
        current
    }

    /// The type with every bound variable replaced, all the way down.
    pub fn resolve(&self, ty: &Type) -> Type {
        match self.shallow(ty) {
            Type::Var(variable) => Type::Var(variable),
            Type::Constructor(name, arguments) => {
                Type::Constructor(name, arguments.iter().map(|a| self.resolve(a)).collect())
            }
            Type::Function(parameter, result, row) => Type::Function(
                Box::new(self.resolve(&parameter)),
                Box::new(self.resolve(&result)),
                self.resolve_row(&row),
            ),
            Type::Tuple(items) => {
                Type::Tuple(items.iter().map(|item| self.resolve(item)).collect())
            }
            Type::Continuation(argument, answer, row) => Type::Continuation(
                Box::new(self.resolve(&argument)),
                Box::new(self.resolve(&answer)),
                self.resolve_row(&row),
            ),
            Type::Handler(labels, input, output, row) => Type::Handler(
                self.resolve_row(&labels),
                Box::new(self.resolve(&input)),
                Box::new(self.resolve(&output)),
                self.resolve_row(&row),
            ),
        }
    }

    /// The row with every bound variable replaced, all the way down.
    pub fn resolve_row(&self, row: &Row) -> Row {
        match self.shallow_row(row) {
            Row::Empty => Row::Empty,
            Row::Var(variable) => Row::Var(variable),
            Row::Extend(label, rest) => Row::Extend(
                Box::new(Label {
                    effect: label.effect.clone(),
                    arguments: label.arguments.iter().map(|a| self.resolve(a)).collect(),
                }),
                Box::new(self.resolve_row(&rest)),
            ),
        }
    }
}

/// Writes types the way messages show them: `int -> list int / {IO | e}`,
/// with variables named `a`, `b`, ... and row variables `e`, `e1`, ....
pub struct Printer<'table> {
    table: &'table Table,
    type_names: Vec<TypeVar>,
    row_names: Vec<RowVar>,
    /// How often each row variable occurs in the type being printed.
    row_counts: std::collections::HashMap<RowVar, usize>,
}

impl<'table> Printer<'table> {
    /// A printer naming variables in order of appearance.
    pub fn new(table: &'table Table) -> Printer<'table> {
        Printer {
            table,
            type_names: Vec::new(),
            row_names: Vec::new(),
            row_counts: Default::default(),
        }
    }

    fn type_name(&mut self, variable: TypeVar) -> String {
        if let Some((name, _)) = self.table.rigid_type_info(variable) {
            return name.to_string();
        }
        let index = match self.type_names.iter().position(|v| *v == variable) {
            Some(index) => index,
            None => {
                self.type_names.push(variable);
                self.type_names.len() - 1
            }
        };
        let letter = (b'a' + (index % 26) as u8) as char;
        if index < 26 {
            letter.to_string()
        } else {
            format!("{letter}{}", index / 26)
        }
    }

    fn row_name(&mut self, variable: RowVar) -> String {
        if let Some((name, _)) = self.table.rigid_row_info(variable) {
            return name.to_string();
        }
        let index = match self.row_names.iter().position(|v| *v == variable) {
            Some(index) => index,
            None => {
                self.row_names.push(variable);
                self.row_names.len() - 1
            }
        };
        if index == 0 {
            "e".to_string()
        } else {
            format!("e{index}")
        }
    }

    /// A type as text. A curried function's inner arrows whose rows are
    /// unconstrained (a row variable occurring nowhere else) are printed
    /// without them, as they are written: `bool -> a -> a / e`, where the
    /// row belongs to the innermost arrow.
    pub fn ty(&mut self, ty: &Type) -> String {
        let (mut types, mut rows) = (Vec::new(), Vec::new());
        self.row_counts.clear();
        self.count_rows(ty, &mut types, &mut rows);
        self.ty_at(ty, 0)
    }

    fn count_rows(&mut self, ty: &Type, types: &mut Vec<TypeVar>, rows: &mut Vec<RowVar>) {
        match self.table.shallow(ty) {
            Type::Var(_) => {}
            Type::Constructor(_, items) | Type::Tuple(items) => items
                .iter()
                .for_each(|item| self.count_rows(item, types, rows)),
            Type::Function(parameter, result, row) | Type::Continuation(parameter, result, row) => {
                self.count_rows(&parameter, types, rows);
                self.count_rows(&result, types, rows);
                self.count_row(&row, types, rows);
            }
            Type::Handler(labels, input, output, row) => {
                self.count_row(&labels, types, rows);
                self.count_rows(&input, types, rows);
                self.count_rows(&output, types, rows);
                self.count_row(&row, types, rows);
            }
        }
    }

    fn count_row(&mut self, row: &Row, types: &mut Vec<TypeVar>, rows: &mut Vec<RowVar>) {
        match self.table.shallow_row(row) {
            Row::Empty => {}
            Row::Var(variable) => *self.row_counts.entry(variable).or_insert(0) += 1,
            Row::Extend(label, rest) => {
                label
                    .arguments
                    .iter()
                    .for_each(|argument| self.count_rows(argument, types, rows));
                self.count_row(&rest, types, rows);
            }
        }
    }

    /// Whether an arrow with this row and result prints without its row.
    fn elided(&self, result: &Type, row: &Row) -> bool {
        matches!(self.table.shallow(result), Type::Function(..))
            && matches!(self.table.shallow_row(row), Row::Var(variable) if self.row_counts.get(&variable) == Some(&1))
    }

    /// `ty` as text, in parentheses when its own precedence is below
    /// `precedence`. A type's own: 0 an arrow or a handler type, 2 an
    /// application or a continuation, 3 a name, a variable or a tuple. A
    /// place asks 0 at the top, 1 for an arrow's parameter (and for its
    /// result when a row follows), 3 for an argument of an application,
    /// of a continuation or of a row's label, so that `list (list a)`
    /// and `option (a -> b / e)` keep their parentheses and the text
    /// parses back to the same type.
    fn ty_at(&mut self, ty: &Type, precedence: u8) -> String {
        let ty = self.table.shallow(ty);
        let (text, own) = match &ty {
            Type::Var(variable) => (self.type_name(*variable), 3),
            Type::Constructor(name, arguments) if arguments.is_empty() => (name.clone(), 3),
            Type::Constructor(name, arguments) => {
                let visible: Vec<Type> = arguments
                    .iter()
                    .filter(|argument| !self.is_hidden(argument))
                    .cloned()
                    .collect();
                if visible.is_empty() {
                    (name.clone(), 3)
                } else {
                    let arguments: Vec<String> = visible.iter().map(|a| self.ty_at(a, 3)).collect();
                    (format!("{name} {}", arguments.join(" ")), 2)
                }
            }
            Type::Handler(labels, input, output, row) => {
                let labels = self.row(labels);
                let input = self.ty_at(input, 1);
                let output = self.ty_at(output, 1);
                let row = self.row(row);
                (format!("handler {labels} {input} -> {output} / {row}"), 0)
            }
            Type::Tuple(items) => {
                let items: Vec<String> = items.iter().map(|item| self.ty_at(item, 0)).collect();
                (format!("({})", items.join(", ")), 3)
            }
            Type::Function(parameter, result, row) if self.elided(result, row) => {
                let parameter = self.ty_at(parameter, 1);
                let result = self.ty_at(result, 0);
                (format!("{parameter} -> {result}"), 0)
            }
            Type::Function(parameter, result, row) => {
                let parameter = self.ty_at(parameter, 1);
                let result = self.ty_at(result, 1);
                let row = self.row(row);
                (format!("{parameter} -> {result} / {row}"), 0)
            }
            Type::Continuation(argument, answer, row) => {
                let argument = self.ty_at(argument, 3);
                let answer = self.ty_at(answer, 3);
                let row = self.row(row);
                (format!("continuation {argument} {answer} {row}"), 2)
            }
        };
        if own < precedence {
            format!("({text})")
        } else {
            text
        }
    }

    fn is_hidden(&self, ty: &Type) -> bool {
        matches!(self.table.shallow(ty), Type::Constructor(name, _) if name == HIDDEN)
    }

    /// A row as text: `{}`, `{IO, Mem}`, `{IO | e}`.
    pub fn row(&mut self, row: &Row) -> String {
        let mut labels = Vec::new();
        let mut current = self.table.shallow_row(row);
        let tail = loop {
            match current {
                Row::Empty => break None,
                Row::Var(variable) => break Some(self.row_name(variable)),
                Row::Extend(label, rest) => {
                    let mut text = label.effect.clone();
                    for argument in &label.arguments {
                        text.push(' ');
                        text.push_str(&self.ty_at(argument, 3));
                    }
                    labels.push(text);
                    current = self.table.shallow_row(&rest);
                }
            }
        };
        match tail {
            None => format!("{{{}}}", labels.join(", ")),
            Some(tail) if labels.is_empty() => tail,
            Some(tail) => format!("{{{} | {tail}}}", labels.join(", ")),
        }
    }
}

impl fmt::Display for TypeVar {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "t{}", self.0)
    }
}
