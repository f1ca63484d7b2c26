//! Pattern matching: decision trees from a clause matrix (Maranget 2008,
//! "Compiling pattern matching to good decision trees", with the first
//! column whose head pattern is refutable), arm bodies as shared join
//! blocks, and the destructuring of irrefutable patterns in parameters
//! and `let`s.

use std::collections::HashMap;

use cml_ir::{Atom, BlockId, LocalId, Primitive, Runtime, Span, Term, Value};
use cml_syntax::ast::{Expr, LiteralValue, Pattern};

use crate::builder::Sequence;
use crate::records::{nest_fields, MAX_FIELDS};
use crate::Lowerer;

/// One arm of a match, as written.
pub(crate) struct ArmSource<'e> {
    /// Its pattern.
    pub pattern: &'e Pattern,
    /// Its guard.
    pub guard: Option<&'e Expr>,
    /// Its body.
    pub body: &'e Expr,
}

/// A pattern with names resolved to variant numbers and field positions.
#[derive(Clone, Debug)]
enum Pat {
    Any,
    Var(String),
    Constructor {
        type_name: String,
        variant: u8,
        arguments: Vec<Pat>,
    },
    Tuple(Vec<Pat>),
    Int(i16),
    Bool(bool),
    Text(Vec<u8>),
    Or(Vec<Pat>),
}

#[derive(Clone, Debug)]
struct Row {
    patterns: Vec<Pat>,
    bindings: Vec<(String, Atom)>,
    arm: usize,
}

struct Arm<'e> {
    block: BlockId,
    locals: HashMap<String, LocalId>,
    guard: Option<&'e Expr>,
}

impl Lowerer<'_> {
    /// The decision tree of a match on `scrutinee`, in tail position.
    pub(crate) fn lower_match(&mut self, scrutinee: Atom, arms: &[ArmSource], span: &Span) -> Term {
        let mut compiled = Vec::new();
        let mut rows = Vec::new();
        for (index, arm) in arms.iter().enumerate() {
            let pattern = self.simplify(arm.pattern);
            let mut names = Vec::new();
            collect_names(&pattern, &mut names);
            let mut locals = HashMap::new();
            for name in names {
                let local = self.scopes.builder().fresh_local();
                locals.insert(name, local);
            }
            let block = self.scopes.builder().fresh_block();
            compiled.push(Arm {
                block,
                locals,
                guard: arm.guard,
            });
            rows.push(Row {
                patterns: vec![pattern],
                bindings: Vec::new(),
                arm: index,
            });
        }
        let tree = self.compile(vec![scrutinee], rows, &compiled, span);
        let mut blocks = Vec::new();
        for (arm, source) in compiled.iter().zip(arms) {
            let mark = self.scopes.mark();
            for (name, local) in &arm.locals {
                self.scopes.bind_existing_local(name, *local, None);
            }
            let body = self.lower_tail(source.body);
            self.scopes.truncate(mark);
            blocks.push((arm.block, body));
        }
        Term::Blocks {
            body: Box::new(tree),
            blocks,
        }
    }

    fn compile(
        &mut self,
        occurrences: Vec<Atom>,
        rows: Vec<Row>,
        arms: &[Arm],
        span: &Span,
    ) -> Term {
        let rows = expand_or(rows);
        let Some(first) = rows.first() else {
            return Term::Fail(span.clone());
        };
        let column = first
            .patterns
            .iter()
            .position(|pattern| !matches!(pattern, Pat::Any | Pat::Var(_)));
        let Some(column) = column else {
            return self.leaf(&occurrences, rows, arms, span);
        };
        let occurrence = occurrences[column].clone();
        let mut sequence = Sequence::default();
        let term = match first.patterns[column].clone() {
            Pat::Tuple(elements) => {
                let width = elements.len();
                let fields = self.load_fields(&occurrence, width, &mut sequence);
                let rows = specialize(rows, column, &occurrence, width, |pattern| match pattern {
                    Pat::Tuple(elements) => Some(elements.clone()),
                    _ => None,
                });
                self.compile(splice(&occurrences, column, fields), rows, arms, span)
            }
            Pat::Constructor { type_name, .. } => {
                let all = self.constructors_of(&type_name);
                let mut present: Vec<u8> = Vec::new();
                for row in &rows {
                    if let Pat::Constructor { variant, .. } = &row.patterns[column] {
                        if !present.contains(variant) {
                            present.push(*variant);
                        }
                    }
                }
                let mut cases = Vec::new();
                for variant in &present {
                    let arity = all
                        .iter()
                        .find(|(v, _)| v == variant)
                        .map_or(0, |(_, arity)| *arity);
                    let mut case_sequence = Sequence::default();
                    let fields = self.load_fields(&occurrence, arity, &mut case_sequence);
                    let rows =
                        specialize(
                            rows.clone(),
                            column,
                            &occurrence,
                            arity,
                            |pattern| match pattern {
                                Pat::Constructor {
                                    variant: v,
                                    arguments,
                                    ..
                                } if v == variant => Some(arguments.clone()),
                                _ => None,
                            },
                        );
                    let term = self.compile(splice(&occurrences, column, fields), rows, arms, span);
                    cases.push((*variant, case_sequence.finish(term)));
                }
                let default = if present.len() < all.len() {
                    let rows = specialize(rows, column, &occurrence, 0, |_| None);
                    Some(Box::new(self.compile(
                        splice(&occurrences, column, Vec::new()),
                        rows,
                        arms,
                        span,
                    )))
                } else {
                    None
                };
                if cases.len() == 1 && default.is_none() {
                    cases
                        .pop()
                        .map(|(_, term)| term)
                        .unwrap_or(Term::Fail(span.clone()))
                } else {
                    Term::Switch {
                        scrutinee: occurrence,
                        variant_count: all.len() as u8,
                        cases,
                        default,
                    }
                }
            }
            Pat::Bool(_) => {
                let rest = splice(&occurrences, column, Vec::new());
                let when = |value: bool| {
                    move |pattern: &Pat| match pattern {
                        Pat::Bool(b) if *b == value => Some(Vec::new()),
                        _ => None,
                    }
                };
                let then_rows = specialize(rows.clone(), column, &occurrence, 0, when(true));
                let else_rows = specialize(rows, column, &occurrence, 0, when(false));
                Term::If {
                    condition: occurrence,
                    then_branch: Box::new(self.compile(rest.clone(), then_rows, arms, span)),
                    else_branch: Box::new(self.compile(rest, else_rows, arms, span)),
                }
            }
            Pat::Int(_) | Pat::Text(_) => {
                let mut present: Vec<Pat> = Vec::new();
                for row in &rows {
                    let pattern = &row.patterns[column];
                    if matches!(pattern, Pat::Int(_) | Pat::Text(_))
                        && !present.iter().any(|p| same_literal(p, pattern))
                    {
                        present.push(pattern.clone());
                    }
                }
                let rest = splice(&occurrences, column, Vec::new());
                let default_rows = specialize(rows.clone(), column, &occurrence, 0, |_| None);
                let mut chain = self.compile(rest.clone(), default_rows, arms, span);
                for literal in present.iter().rev() {
                    let matching = specialize(rows.clone(), column, &occurrence, 0, |pattern| {
                        same_literal(pattern, literal).then(Vec::new)
                    });
                    let then_branch = self.compile(rest.clone(), matching, arms, span);
                    let local = self.scopes.builder().fresh_local();
                    let value = match literal {
                        Pat::Int(number) => Value::Primitive(
                            Primitive::Equal,
                            vec![occurrence.clone(), Atom::Int(*number)],
                        ),
                        Pat::Text(bytes) => {
                            let text = Atom::String(self.string(bytes));
                            Value::Runtime(Runtime::Equal, vec![occurrence.clone(), text])
                        }
                        _ => unreachable!("only literals are collected"),
                    };
                    chain = Term::Let {
                        local: Some(local),
                        value,
                        span: None,
                        body: Box::new(Term::If {
                            condition: Atom::Local(local),
                            then_branch: Box::new(then_branch),
                            else_branch: Box::new(chain),
                        }),
                    };
                }
                chain
            }
            Pat::Any | Pat::Var(_) | Pat::Or(_) => unreachable!("irrefutable or expanded"),
        };
        sequence.finish(term)
    }

    /// Binds the first row's variables to its arm's locals and jumps to
    /// the arm, through its guard.
    fn leaf(&mut self, occurrences: &[Atom], rows: Vec<Row>, arms: &[Arm], span: &Span) -> Term {
        let first = &rows[0];
        let arm = &arms[first.arm];
        let mut bindings = first.bindings.clone();
        for (pattern, occurrence) in first.patterns.iter().zip(occurrences) {
            if let Pat::Var(name) = pattern {
                bindings.push((name.clone(), occurrence.clone()));
            }
        }
        let mut sequence = Sequence::default();
        for (name, atom) in bindings {
            if let Some(local) = arm.locals.get(&name) {
                sequence.push(Some(*local), Value::Atom(atom), None);
            }
        }
        let term = match arm.guard {
            None => Term::Jump(arm.block),
            Some(guard) => {
                let mark = self.scopes.mark();
                for (name, local) in &arm.locals {
                    self.scopes.bind_existing_local(name, *local, None);
                }
                let condition = self.lower_value(guard, &mut sequence);
                self.scopes.truncate(mark);
                let rest = self.compile(occurrences.to_vec(), rows[1..].to_vec(), arms, span);
                Term::If {
                    condition,
                    then_branch: Box::new(Term::Jump(arm.block)),
                    else_branch: Box::new(rest),
                }
            }
        };
        sequence.finish(term)
    }

    fn load_fields(&mut self, object: &Atom, count: usize, sequence: &mut Sequence) -> Vec<Atom> {
        (0..count)
            .map(|index| {
                let local = self.scopes.builder().fresh_local();
                sequence.push(
                    Some(local),
                    Value::Field {
                        object: object.clone(),
                        index,
                    },
                    None,
                );
                Atom::Local(local)
            })
            .collect()
    }

    /// The variant numbers of a sum type's constructors and the slots of
    /// their objects (their arities, but at most [`MAX_FIELDS`]: the last
    /// slot of a constructor of more holds a record of the rest).
    fn constructors_of(&self, type_name: &str) -> Vec<(u8, usize)> {
        self.declarations
            .constructors
            .values()
            .filter(|info| info.type_name == type_name)
            .map(|info| (info.index as u8, info.fields.len().min(MAX_FIELDS)))
            .collect()
    }

    fn simplify(&mut self, pattern: &Pattern) -> Pat {
        match pattern {
            Pattern::Wildcard(_) | Pattern::Error(_) => Pat::Any,
            Pattern::Variable(name) => Pat::Var(name.text.clone()),
            Pattern::Literal(literal) => match &literal.value {
                LiteralValue::Integer(number) => Pat::Int((*number as u16) as i16),
                LiteralValue::Char(byte) => Pat::Int(*byte as i16),
                LiteralValue::Bool(value) => Pat::Bool(*value),
                LiteralValue::String(text) => Pat::Text(text.as_bytes().to_vec()),
                LiteralValue::Unit => Pat::Any,
            },
            Pattern::Annotated(inner, _, _) => self.simplify(inner),
            Pattern::Or(alternatives, _) => {
                Pat::Or(alternatives.iter().map(|p| self.simplify(p)).collect())
            }
            Pattern::Tuple(elements, _) => {
                Pat::Tuple(elements.iter().map(|p| self.simplify(p)).collect())
            }
            Pattern::Constructor {
                path,
                arguments,
                span,
            } => {
                let name = &path.last().text;
                let Some(info) = self.declarations.constructors.get(name).cloned() else {
                    self.unsupported(
                        &format!("the constructor `{}`", path.dotted()),
                        span.clone(),
                    );
                    return Pat::Any;
                };
                let arity = info.fields.len();
                let mut arguments: Vec<Pat> = arguments.iter().map(|p| self.simplify(p)).collect();
                if arity == 1 && arguments.len() > 1 {
                    arguments = vec![Pat::Tuple(arguments)];
                } else if arity > 1 && arguments.len() == 1 {
                    if let Pat::Tuple(elements) = &arguments[0] {
                        arguments = elements.clone();
                    }
                }
                if arguments.is_empty() && arity > 0 {
                    arguments = vec![Pat::Any; arity];
                }
                if arguments.len() != arity {
                    self.unsupported(
                        "a constructor pattern with the wrong number of fields",
                        span.clone(),
                    );
                    return Pat::Any;
                }
                Pat::Constructor {
                    type_name: info.type_name.clone(),
                    variant: info.index as u8,
                    arguments: nest_fields(arguments, &rest_pattern),
                }
            }
            Pattern::Record { fields, span, .. } => {
                if fields.is_empty() {
                    return Pat::Any;
                }
                let names: Vec<&str> = fields.iter().map(|(name, _)| name.text.as_str()).collect();
                let declared = match self.record_layout(&names) {
                    Ok(declared) => declared,
                    Err(what) => {
                        self.unsupported(&what, span.clone());
                        return Pat::Any;
                    }
                };
                let mut elements = vec![Pat::Any; declared.len()];
                for (name, pattern) in fields {
                    if let Some(index) = declared.iter().position(|field| *field == name.text) {
                        elements[index] = match pattern {
                            Some(pattern) => self.simplify(pattern),
                            None => Pat::Var(name.text.clone()),
                        };
                    }
                }
                Pat::Tuple(nest_fields(elements, &Pat::Tuple))
            }
            Pattern::Cons(head, tail, _) => {
                let (head, tail) = (self.simplify(head), self.simplify(tail));
                self.list_pattern(vec![head], tail)
            }
            Pattern::List(elements, _) => {
                let elements = elements.iter().map(|p| self.simplify(p)).collect();
                let nil = match self.list_constructors() {
                    Some((nil, _)) => Pat::Constructor {
                        type_name: self.list_type(),
                        variant: nil,
                        arguments: Vec::new(),
                    },
                    None => Pat::Any,
                };
                self.list_pattern(elements, nil)
            }
        }
    }

    fn list_type(&self) -> String {
        self.declarations
            .constructors
            .get("Cons")
            .map_or_else(|| "list".to_string(), |info| info.type_name.clone())
    }

    fn list_pattern(&mut self, elements: Vec<Pat>, tail: Pat) -> Pat {
        let Some((_, cons)) = self.list_constructors() else {
            return Pat::Any;
        };
        let type_name = self.list_type();
        elements
            .into_iter()
            .rev()
            .fold(tail, |tail, head| Pat::Constructor {
                type_name: type_name.clone(),
                variant: cons,
                arguments: vec![head, tail],
            })
    }

    /// Destructures an irrefutable pattern (a parameter, a `let`), binding
    /// its variables in scope.
    pub(crate) fn bind_irrefutable(
        &mut self,
        pattern: &Pattern,
        atom: Atom,
        sequence: &mut Sequence,
    ) {
        let simplified = self.simplify(pattern);
        self.bind_pat(&simplified, atom, &pattern.span(), sequence);
    }

    fn bind_pat(&mut self, pattern: &Pat, atom: Atom, span: &Span, sequence: &mut Sequence) {
        match pattern {
            Pat::Any => {}
            Pat::Var(name) => match atom {
                Atom::Local(local) => self.scopes.bind_existing_local(name, local, None),
                other => {
                    let local = self.scopes.bind_local(name, None);
                    sequence.push(Some(local), Value::Atom(other), None);
                }
            },
            Pat::Tuple(elements) => self.bind_fields(elements, atom, span, sequence),
            Pat::Constructor {
                type_name,
                arguments,
                ..
            } if self.constructors_of(type_name).len() == 1 => {
                self.bind_fields(arguments, atom, span, sequence)
            }
            _ => self.unsupported("a refutable pattern in a parameter or `let`", span.clone()),
        }
    }

    fn bind_fields(&mut self, elements: &[Pat], atom: Atom, span: &Span, sequence: &mut Sequence) {
        for (index, element) in elements.iter().enumerate() {
            if matches!(element, Pat::Any) {
                continue;
            }
            let local = self.scopes.builder().fresh_local();
            sequence.push(
                Some(local),
                Value::Field {
                    object: atom.clone(),
                    index,
                },
                None,
            );
            self.bind_pat(element, Atom::Local(local), span, sequence);
        }
    }
}

fn collect_names(pattern: &Pat, names: &mut Vec<String>) {
    match pattern {
        Pat::Var(name) => {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        Pat::Constructor { arguments, .. } => {
            arguments.iter().for_each(|p| collect_names(p, names))
        }
        Pat::Tuple(elements) | Pat::Or(elements) => {
            elements.iter().for_each(|p| collect_names(p, names))
        }
        Pat::Any | Pat::Int(_) | Pat::Bool(_) | Pat::Text(_) => {}
    }
}

/// The pattern of the record holding a constructor's fields past the
/// sixth: a wildcard when every one of them is, so that matching reads
/// that record only when a pattern looks into it.
fn rest_pattern(fields: Vec<Pat>) -> Pat {
    if fields.iter().all(|field| matches!(field, Pat::Any)) {
        Pat::Any
    } else {
        Pat::Tuple(fields)
    }
}

fn same_literal(a: &Pat, b: &Pat) -> bool {
    match (a, b) {
        (Pat::Int(x), Pat::Int(y)) => x == y,
        (Pat::Text(x), Pat::Text(y)) => x == y,
        _ => false,
    }
}

/// Rows with every or-pattern split into one row per alternative.
fn expand_or(rows: Vec<Row>) -> Vec<Row> {
    let mut expanded = Vec::new();
    for row in rows {
        match row.patterns.iter().position(|p| matches!(p, Pat::Or(_))) {
            None => expanded.push(row),
            Some(column) => {
                let Pat::Or(alternatives) = row.patterns[column].clone() else {
                    unreachable!("found above")
                };
                let split = alternatives.into_iter().map(|alternative| {
                    let mut row = row.clone();
                    row.patterns[column] = alternative;
                    row
                });
                expanded.extend(expand_or(split.collect()));
            }
        }
    }
    expanded
}

/// The rows that survive when column `column` holds a value `matches`
/// accepts, with that column replaced by `width` sub-patterns (the
/// accepted pattern's, or wildcards for a wildcard or variable, which is
/// bound to `occurrence`).
fn specialize(
    rows: Vec<Row>,
    column: usize,
    occurrence: &Atom,
    width: usize,
    matches: impl Fn(&Pat) -> Option<Vec<Pat>>,
) -> Vec<Row> {
    let mut result = Vec::new();
    for mut row in rows {
        let pattern = row.patterns[column].clone();
        let replacement = match &pattern {
            Pat::Any => vec![Pat::Any; width],
            Pat::Var(name) => {
                row.bindings.push((name.clone(), occurrence.clone()));
                vec![Pat::Any; width]
            }
            other => match matches(other) {
                Some(sub) => sub,
                None => continue,
            },
        };
        row.patterns.splice(column..=column, replacement);
        result.push(row);
    }
    result
}

/// The occurrences with the one at `column` replaced by `fields`.
fn splice(occurrences: &[Atom], column: usize, fields: Vec<Atom>) -> Vec<Atom> {
    let mut result = occurrences.to_vec();
    result.splice(column..=column, fields);
    result
}
