//! The usefulness recursion `U(P, q)` and its witness-collecting twin, on
//! matrices of borrowed patterns (see the parent module for the cases).
//!
//! A column's type is an `Option`: `None` when it is unknown, which
//! happens only under a constructor the column's signature does not have
//! (an ill-typed pattern the type checker has reported already); such a
//! column is treated as opaque, so the analysis never panics on bad input.

use std::cell::Cell;

use super::witness::Witness;
use super::{ConstructorSignature, Literal, LiteralKind, Pattern, Signature, Signatures};

/// How deep [`Engine::is_uninhabited`] looks into a type.
const UNINHABITED_DEPTH_LIMIT: usize = 4;

/// The pattern a wildcard-padded row borrows.
static WILDCARD: Pattern = Pattern::Wildcard;

/// A row of a pattern matrix (or the vector `q`): one pattern per column.
pub(super) type Row<'p> = Vec<&'p Pattern>;

/// A column's type, `None` when unknown.
type ColumnType<S> = Option<<S as Signatures>::Type>;

/// What heads a pattern in the first column: a constructor or a literal.
#[derive(Clone, Copy, Debug)]
enum Head<'p> {
    Constructor(usize),
    Literal(&'p Literal),
}

impl Head<'_> {
    fn same(&self, other: &Head<'_>) -> bool {
        match (self, other) {
            (Head::Constructor(left), Head::Constructor(right)) => left == right,
            (Head::Literal(left), Head::Literal(right)) => left.same_value(right),
            _ => false,
        }
    }
}

/// The analysis over one caller's signatures.
pub(super) struct Engine<'s, S: Signatures> {
    signatures: &'s S,
    /// The most witnesses any step keeps.
    witness_limit: usize,
    /// Whether some step dropped witnesses over the limit.
    truncated: Cell<bool>,
}

impl<'s, S: Signatures> Engine<'s, S> {
    pub(super) fn new(signatures: &'s S, witness_limit: usize) -> Self {
        Engine {
            signatures,
            witness_limit,
            truncated: Cell::new(false),
        }
    }

    /// Whether any witness list was cut at the limit.
    pub(super) fn truncated(&self) -> bool {
        self.truncated.get()
    }

    /// For each constructor of a signature, whether it builds no value
    /// because one of its arguments has none (`Some` in `option empty`).
    fn uninhabited_constructors(&self, signature: &Signature<S::Type>) -> Vec<bool> {
        match signature {
            Signature::Constructors(constructors) => constructors
                .iter()
                .map(|constructor| {
                    constructor
                        .argument_types
                        .iter()
                        .any(|ty| self.is_uninhabited(ty, 0))
                })
                .collect(),
            Signature::Literals(_) | Signature::Opaque => Vec::new(),
        }
    }

    /// Whether a type visibly has no values: each of its constructors has
    /// an argument without values (`empty`, `(empty, bool)`, `option
    /// empty`'s `Some`). Types nested deeper than
    /// [`UNINHABITED_DEPTH_LIMIT`] are taken to have values.
    fn is_uninhabited(&self, ty: &S::Type, depth: usize) -> bool {
        if depth >= UNINHABITED_DEPTH_LIMIT {
            return false;
        }
        match self.signatures.signature(ty) {
            // A constant constructor is a value: no need to look further.
            Signature::Constructors(constructors)
                if constructors
                    .iter()
                    .any(|constructor| constructor.argument_types.is_empty()) =>
            {
                false
            }
            Signature::Constructors(constructors) => constructors.iter().all(|constructor| {
                constructor
                    .argument_types
                    .iter()
                    .any(|argument| self.is_uninhabited(argument, depth + 1))
            }),
            Signature::Literals(_) | Signature::Opaque => false,
        }
    }

    fn signature(&self, ty: &ColumnType<S>) -> Signature<S::Type> {
        match ty {
            Some(ty) => self.signatures.signature(ty),
            None => Signature::Opaque,
        }
    }

    /// `U(P, q)`: whether `vector` matches a value no row of `rows` matches.
    pub(super) fn is_useful<'p>(
        &self,
        rows: &[Row<'p>],
        vector: &[&'p Pattern],
        types: &[ColumnType<S>],
    ) -> bool {
        let Some((first, rest)) = vector.split_first() else {
            // Case 1: the empty vector is useful exactly against no rows.
            return rows.is_empty();
        };
        let rest_types = &types[1..];
        match first {
            // Case 5: an or-pattern is useful when one alternative is.
            Pattern::Or(alternatives) => alternatives.iter().any(|alternative| {
                let vector: Row<'p> = std::iter::once(alternative)
                    .chain(rest.iter().copied())
                    .collect();
                self.is_useful(rows, &vector, types)
            }),
            // Case 2: specialise both by the constructor.
            Pattern::Constructor { index, arguments } => {
                let signature = self.signature(&types[0]);
                let (arity, argument_types) =
                    constructor_columns::<S>(&signature, *index, arguments.len());
                let specialised = specialise_matrix(rows, Head::Constructor(*index), arity);
                let vector = padded(arguments, arity)
                    .chain(rest.iter().copied())
                    .collect::<Row<'p>>();
                let types = concatenate::<S>(argument_types, rest_types);
                self.is_useful(&specialised, &vector, &types)
            }
            // A literal is a constructor without arguments.
            Pattern::Literal(literal) => {
                let specialised = specialise_matrix(rows, Head::Literal(literal), 0);
                self.is_useful(&specialised, rest, rest_types)
            }
            Pattern::Wildcard => {
                let signature = self.signature(&types[0]);
                let heads = first_column_heads(rows);
                let uninhabited = self.uninhabited_constructors(&signature);
                match complete_constructors(&signature, &heads, &uninhabited) {
                    // Case 3: some constructor of the signature is useful.
                    Some(constructors) => constructors.into_iter().any(|(head, argument_types)| {
                        let arity = argument_types.len();
                        let specialised = specialise_matrix(rows, head, arity);
                        let vector: Row<'p> = std::iter::repeat_n(&WILDCARD, arity)
                            .chain(rest.iter().copied())
                            .collect();
                        let types = concatenate::<S>(
                            argument_types.into_iter().map(Some).collect(),
                            rest_types,
                        );
                        self.is_useful(&specialised, &vector, &types)
                    }),
                    // Case 4: only the rows of the default matrix matter.
                    None => self.is_useful(&default_matrix(rows), rest, rest_types),
                }
            }
        }
    }

    /// The witnesses of `U(P, _ ... _)`: pattern vectors, one pattern per
    /// column, whose values no row matches. Unlike Maranget's algorithm
    /// `I`, which stops at one, this collects them all (up to the limit):
    /// when the first column's heads are not complete it also looks under
    /// each head that is present, so that `(true, true)` alone misses both
    /// `(false, _)` and `(true, false)`. Together the witnesses stand for
    /// every unmatched value, except that one example literal stands for
    /// all the literals no row names.
    pub(super) fn witnesses(&self, rows: &[Row<'_>], types: &[ColumnType<S>]) -> Vec<Vec<Witness>> {
        let Some((first_type, rest_types)) = types.split_first() else {
            return if rows.is_empty() {
                vec![Vec::new()]
            } else {
                Vec::new()
            };
        };
        let signature = self.signature(first_type);
        let heads = first_column_heads(rows);
        let mut found = Vec::new();
        let uninhabited = self.uninhabited_constructors(&signature);
        let complete = complete_constructors(&signature, &heads, &uninhabited);
        if complete.is_none() && heads.is_empty() {
            // No head is named: a wildcard says all there is to say.
            let rest_witnesses = self.witnesses(&default_matrix(rows), rest_types);
            for vector in rest_witnesses {
                self.push_limited(
                    &mut found,
                    std::iter::once(Witness::Wildcard).chain(vector).collect(),
                );
            }
            return found;
        }
        // Each head of the signature in order: a present one (every one,
        // when complete) rebuilt around the witnesses of its specialised
        // matrix (case 3); a missing one, with wildcard arguments, followed
        // by what the default matrix misses (case 4).
        let complete = complete.is_some();
        let mut default_witnesses: Option<Vec<Vec<Witness>>> = None;
        for step in heads_in_order(&signature, &heads, &uninhabited, complete) {
            match step {
                HeadStep::Present(head, argument_types) => {
                    let arity = argument_types.len();
                    let specialised = specialise_matrix(rows, head, arity);
                    let types = concatenate::<S>(
                        argument_types.into_iter().map(Some).collect(),
                        rest_types,
                    );
                    for mut vector in self.witnesses(&specialised, &types) {
                        let rest = vector.split_off(arity);
                        let rebuilt = witness_for_head(&signature, head, vector);
                        self.push_limited(
                            &mut found,
                            std::iter::once(rebuilt).chain(rest).collect(),
                        );
                    }
                }
                HeadStep::Missing(witness) => {
                    let rest_witnesses = default_witnesses
                        .get_or_insert_with(|| self.witnesses(&default_matrix(rows), rest_types));
                    for vector in rest_witnesses.iter() {
                        let vector = std::iter::once(witness.clone())
                            .chain(vector.iter().cloned())
                            .collect();
                        self.push_limited(&mut found, vector);
                    }
                }
            }
        }
        found
    }

    fn push_limited(&self, found: &mut Vec<Vec<Witness>>, vector: Vec<Witness>) {
        if found.len() < self.witness_limit {
            found.push(vector);
        } else {
            self.truncated.set(true);
        }
    }
}

/// The arity and argument types of constructor `index` in a signature; for
/// a constructor the signature lacks, the arity the pattern was written
/// with and unknown types.
fn constructor_columns<S: Signatures>(
    signature: &Signature<S::Type>,
    index: usize,
    written_arity: usize,
) -> (usize, Vec<ColumnType<S>>) {
    match signature {
        Signature::Constructors(constructors) if index < constructors.len() => {
            let types = &constructors[index].argument_types;
            (types.len(), types.iter().cloned().map(Some).collect())
        }
        _ => (written_arity, vec![None; written_arity]),
    }
}

/// The argument types of a head followed by the remaining column types.
fn concatenate<S: Signatures>(
    mut first: Vec<ColumnType<S>>,
    rest: &[ColumnType<S>],
) -> Vec<ColumnType<S>> {
    first.extend(rest.iter().cloned());
    first
}

/// Argument patterns, cut or padded with wildcards to `arity`.
fn padded(arguments: &[Pattern], arity: usize) -> impl Iterator<Item = &Pattern> {
    arguments
        .iter()
        .chain(std::iter::repeat(&WILDCARD))
        .take(arity)
}

/// The distinct heads of the first column, looking inside or-patterns.
fn first_column_heads<'p>(rows: &[Row<'p>]) -> Vec<Head<'p>> {
    fn collect<'p>(pattern: &'p Pattern, heads: &mut Vec<Head<'p>>) {
        let head = match pattern {
            Pattern::Wildcard => return,
            Pattern::Or(alternatives) => {
                alternatives
                    .iter()
                    .for_each(|alternative| collect(alternative, heads));
                return;
            }
            Pattern::Constructor { index, .. } => Head::Constructor(*index),
            Pattern::Literal(literal) => Head::Literal(literal),
        };
        if !heads.iter().any(|seen| seen.same(&head)) {
            heads.push(head);
        }
    }
    let mut heads = Vec::new();
    for row in rows {
        if let Some(first) = row.first() {
            collect(first, &mut heads);
        }
    }
    heads
}

/// When the heads cover the whole signature (every constructor that
/// builds values: `uninhabited` marks those that build none), each such
/// head with its argument types; `None` when some value's head is missing.
fn complete_constructors<'p, Type: Clone>(
    signature: &Signature<Type>,
    heads: &[Head<'p>],
    uninhabited: &[bool],
) -> Option<Vec<(Head<'p>, Vec<Type>)>> {
    let inhabited = |index: usize| !uninhabited.get(index).copied().unwrap_or(false);
    match signature {
        Signature::Constructors(constructors) => {
            let complete = (0..constructors.len()).all(|index| {
                !inhabited(index)
                    || heads
                        .iter()
                        .any(|head| head.same(&Head::Constructor(index)))
            });
            complete.then(|| {
                constructors
                    .iter()
                    .enumerate()
                    .filter(|(index, _)| inhabited(*index))
                    .map(|(index, constructor)| {
                        (Head::Constructor(index), constructor.argument_types.clone())
                    })
                    .collect()
            })
        }
        // A byte column naming all 256 values is complete: each value is a
        // constructor without arguments.
        Signature::Literals(LiteralKind::Byte) => {
            let complete = (0..=255).all(|value| {
                heads.iter().any(|head| matches!(head, Head::Literal(literal) if literal.number() == Some(value)))
            });
            complete.then(|| heads.iter().map(|head| (*head, Vec::new())).collect())
        }
        Signature::Literals(_) | Signature::Opaque => None,
    }
}

/// One step of the witness search over a first column.
enum HeadStep<'p, Type> {
    /// A head to specialise by, with its argument types.
    Present(Head<'p>, Vec<Type>),
    /// The first pattern of witnesses whose head no row names.
    Missing(Witness),
}

/// The steps of the witness search, in the signature's order: every
/// constructor when `complete`; otherwise each present head, and each
/// missing constructor (or, for literals, one example literal, last).
/// Constructors that build no value (`uninhabited`) are left out.
fn heads_in_order<'p, Type: Clone>(
    signature: &Signature<Type>,
    heads: &[Head<'p>],
    uninhabited: &[bool],
    complete: bool,
) -> Vec<HeadStep<'p, Type>> {
    match signature {
        Signature::Constructors(constructors) => constructors
            .iter()
            .enumerate()
            .filter(|(index, _)| !uninhabited.get(*index).copied().unwrap_or(false))
            .map(|(index, constructor)| {
                let head = Head::Constructor(index);
                if complete || heads.iter().any(|seen| seen.same(&head)) {
                    HeadStep::Present(head, constructor.argument_types.clone())
                } else {
                    HeadStep::Missing(constructor_with_wildcards(constructor))
                }
            })
            .collect(),
        Signature::Literals(kind) => {
            let literals: Vec<&'p Literal> = heads
                .iter()
                .filter_map(|head| match head {
                    Head::Literal(literal) => Some(*literal),
                    Head::Constructor(_) => None,
                })
                .collect();
            let mut steps: Vec<HeadStep<'p, Type>> = literals
                .iter()
                .map(|literal| HeadStep::Present(Head::Literal(literal), Vec::new()))
                .collect();
            if !complete {
                steps.push(HeadStep::Missing(Witness::Literal(example_literal(
                    *kind, &literals,
                ))));
            }
            steps
        }
        // Only wildcards belong in an opaque column.
        Signature::Opaque => vec![HeadStep::Missing(Witness::Wildcard)],
    }
}

/// A constructor applied to wildcards: `Some _`, `(_, _)`.
fn constructor_with_wildcards<Type>(constructor: &ConstructorSignature<Type>) -> Witness {
    Witness::Constructor {
        form: constructor.form.clone(),
        arguments: vec![Witness::Wildcard; constructor.argument_types.len()],
    }
}

/// The witness pattern for a head of a complete signature, around the
/// witnesses of its arguments.
fn witness_for_head<Type>(
    signature: &Signature<Type>,
    head: Head<'_>,
    arguments: Vec<Witness>,
) -> Witness {
    match (signature, head) {
        (Signature::Constructors(constructors), Head::Constructor(index)) => Witness::Constructor {
            form: constructors[index].form.clone(),
            arguments,
        },
        (_, Head::Literal(literal)) => Witness::Literal(literal.clone()),
        // Complete signatures are constructor lists or byte literals only.
        (_, Head::Constructor(_)) => Witness::Wildcard,
    }
}

/// A literal of the kind that none of `used` denotes: the first of `0, 1,
/// 2, ...` for numbers (a character when the column is written with
/// characters), of `"", "a", "b", ...` for strings.
fn example_literal(kind: LiteralKind, used: &[&Literal]) -> Literal {
    let unused = |candidate: &Literal| !used.iter().any(|literal| literal.same_value(candidate));
    match kind {
        LiteralKind::Integer => (0..)
            .map(Literal::Integer)
            .find(unused)
            .expect("integers are unbounded"),
        LiteralKind::Byte => {
            let written_as_characters = used
                .iter()
                .any(|literal| matches!(literal, Literal::Char(_)));
            let characters = (b'a'..=b'z')
                .chain(b'0'..=b'9')
                .chain(b'A'..=b'Z')
                .chain(0..=255)
                .map(Literal::Char);
            let numbers = (0..=255).map(Literal::Integer);
            let found = if written_as_characters {
                characters.into_iter().find(unused)
            } else {
                numbers.into_iter().find(unused)
            };
            // A byte column naming every value is complete and never asks.
            found.unwrap_or(Literal::Integer(0))
        }
        LiteralKind::String => std::iter::once(String::new())
            .chain((b'a'..=b'z').map(|letter| char::from(letter).to_string()))
            .chain((0..).map(|number| format!("s{number}")))
            .map(Literal::String)
            .find(unused)
            .expect("strings are unbounded"),
    }
}

/// `S(c, P)`: the rows that match a value headed by `head`, with the head's
/// `arity` arguments in place of the first pattern.
fn specialise_matrix<'p>(rows: &[Row<'p>], head: Head<'_>, arity: usize) -> Vec<Row<'p>> {
    let mut specialised = Vec::new();
    for row in rows {
        specialise_row(row[0], &row[1..], head, arity, &mut specialised);
    }
    specialised
}

fn specialise_row<'p>(
    first: &'p Pattern,
    rest: &[&'p Pattern],
    head: Head<'_>,
    arity: usize,
    out: &mut Vec<Row<'p>>,
) {
    match first {
        Pattern::Wildcard => out.push(
            std::iter::repeat_n(&WILDCARD, arity)
                .chain(rest.iter().copied())
                .collect(),
        ),
        Pattern::Or(alternatives) => {
            for alternative in alternatives {
                specialise_row(alternative, rest, head, arity, out);
            }
        }
        Pattern::Constructor { index, arguments } => {
            if head.same(&Head::Constructor(*index)) {
                out.push(
                    padded(arguments, arity)
                        .chain(rest.iter().copied())
                        .collect(),
                );
            }
        }
        Pattern::Literal(literal) => {
            if head.same(&Head::Literal(literal)) {
                out.push(rest.to_vec());
            }
        }
    }
}

/// `D(P)`: the rows whose first pattern is a wildcard, without it.
fn default_matrix<'p>(rows: &[Row<'p>]) -> Vec<Row<'p>> {
    fn default_row<'p>(first: &'p Pattern, rest: &[&'p Pattern], out: &mut Vec<Row<'p>>) {
        match first {
            Pattern::Wildcard => out.push(rest.to_vec()),
            Pattern::Or(alternatives) => {
                for alternative in alternatives {
                    default_row(alternative, rest, out);
                }
            }
            Pattern::Constructor { .. } | Pattern::Literal(_) => {}
        }
    }
    let mut default = Vec::new();
    for row in rows {
        default_row(row[0], &row[1..], &mut default);
    }
    default
}
