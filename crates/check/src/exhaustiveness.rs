//! Pattern-match analysis: which values a `match` fails to cover
//! (exhaustiveness) and which arms can never be chosen (redundancy).
//!
//! The analysis follows Luc Maranget, "Warnings for pattern matching"
//! (Journal of Functional Programming 17(3), 2007). Everything rests on one
//! question, *usefulness*: given a matrix of patterns `P` (one row per arm
//! already seen, one column per value being matched) and a vector of
//! patterns `q`, is there a value that `q` matches and that no row of `P`
//! matches? Maranget writes this `U(P, q)`. Then:
//!
//! * arm `i` is redundant when `U(P, p_i)` is false, where `P` holds the
//!   arms above it (only those without a `when` guard: a guarded arm may
//!   decline, so it never hides what comes after it);
//! * a match is exhaustive when `U(P, _)` is false, where `P` holds every
//!   unguarded arm. When it is not, the same recursion, run so that it
//!   returns the values it found instead of a yes or no, gives the missing
//!   patterns as example values.
//!
//! # The algorithm
//!
//! `U(P, q)` recurses on the first column. Every type has a *signature*:
//! the complete set of constructors that build its values, each with the
//! types of its arguments. A sum type's signature is its constructors;
//! `bool` has `false` and `true`; a tuple or a record has a single
//! constructor whose arguments are its components; `unit` has `()`;
//! `empty` has no constructor at all; `int` and `string` have infinitely
//! many (their literals), so no finite set of literals is complete.
//! Two operations on a matrix drive the recursion:
//!
//! * the *specialisation* `S(c, P)` keeps the rows that can match a value
//!   built by constructor `c`, and replaces their first pattern by its
//!   arguments: a row `c(r1, ..., ra) p2 ... pn` becomes `r1 ... ra p2 ...
//!   pn`, a row `_ p2 ... pn` becomes `_ ... _ p2 ... pn` (with `a`
//!   wildcards), and a row headed by another constructor disappears;
//! * the *default matrix* `D(P)` keeps the rows whose first pattern is a
//!   wildcard, without it: the rows that still match when the first value
//!   is built by a constructor that no row names.
//!
//! With those, where `Σ` is the set of constructors heading the first
//! column of `P`:
//!
//! 1. With no columns left, `U(P, ())` is true exactly when `P` has no
//!    rows (the empty vector matches the one empty value, and any row
//!    would match it too).
//! 2. If `q` starts with a constructor `c(r1, ..., ra)`, then `U(P, q) =
//!    U(S(c, P), S(c, q))`.
//! 3. If `q` starts with a wildcard and `Σ` is complete (it holds every
//!    constructor of the signature), then `U(P, q)` is true when `U(S(c,
//!    P), S(c, q))` is for some constructor `c` of the signature.
//! 4. If `q` starts with a wildcard and `Σ` is not complete, a value built
//!    by a missing constructor is matched only by the rows of `D(P)`, so
//!    `U(P, q) = U(D(P), q2 ... qn)`.
//! 5. An or-pattern `(r1 | r2)` heading `q` is useful when one of its
//!    alternatives is; heading a row of `P`, it stands for the two rows
//!    `r1 p2 ... pn` and `r2 p2 ... pn` (Maranget's expansion).
//!
//! Computing the missing values follows the same cases for `q = _ ... _`
//! (Maranget's algorithm `I`), but collects every witness instead of
//! stopping at the first: in case 3, each witness `w1 ... wa w'` of the
//! specialised matrix `S(c, P)` becomes `c(w1, ..., wa) w'`; in case 4,
//! each witness of the default matrix gets a first pattern prepended, `_`
//! when `Σ` is empty (nothing is named, so nothing better can be said),
//! else each missing constructor with wildcard arguments, or for a literal
//! type an example literal that no row names (`0` for `int`). When `Σ` is
//! neither empty nor complete, the constructors of `Σ` are also searched
//! as in case 3, because values built by them may be missing too: `(true,
//! true)` alone misses `(false, _)` and `(true, false)`. Every value a
//! witness stands for is unmatched, and together the witnesses stand for
//! every unmatched value (for a literal type, one example literal stands
//! for all those no row names).
//!
//! The empty type needs no special case: its signature is empty, so the
//! empty `Σ` is complete, case 3 ranges over no constructor, and a match
//! with no arms on it is exhaustive. One refinement extends this to types
//! that visibly have no values: a constructor with an argument of such a
//! type (`Some` in `option empty`, the pair constructor of `(int, empty)`)
//! builds no value, so it is left out of the signature both when deciding
//! whether `Σ` is complete and when listing what is missing.
//!
//! # A worked example
//!
//! ```text
//! match (x, y) with
//! | (true, _) -> ...
//! | (_, false) -> ...
//! ```
//!
//! The matrix has one column of type `(bool, bool)` and two rows,
//! `(true, _)` and `(_, false)`. A tuple type has one constructor, which
//! the first column names, so `Σ` is complete (case 3): specialising by the
//! pair constructor gives two columns of type `bool` with rows `true _` and
//! `_ false`. Now `Σ = {true}`, which misses `false`, so case 4 applies:
//! the default matrix keeps the wildcard row without its head, `false`,
//! one column. There `Σ = {false}` misses `true`; the default matrix is
//! empty (no row starts with a wildcard), and with no columns left an
//! empty matrix has the one witness `()` (case 1). Going back up, the
//! missing `true` is prepended (witness `true`), then the missing `false`
//! (witness `false true`), and the pair constructor rebuilds the value:
//! the match misses `(false, true)`, and nothing else.
//!
//! # Using it
//!
//! The algorithm works on its own small [`Pattern`] type, so that it can
//! be tested without the syntax tree, and learns about types through the
//! [`Signatures`] trait. [`lower_pattern`] turns a syntax-tree pattern into
//! a [`Pattern`] with the constructors and record fields of
//! [`Declarations`](crate::declarations::Declarations), and
//! [`DeclarationSignatures`] describes [`cml_types::Type`]s from the same
//! declarations. [`analyse_match`] then gives a [`MatchAnalysis`]: the
//! missing patterns as [`Witness`]es printed in CML syntax, and the
//! redundant arms.

mod lowering;
#[cfg(test)]
mod tests;
mod usefulness;
mod witness;

pub use lowering::{lower_pattern, DeclarationSignatures};
pub use witness::Witness;

use usefulness::Engine;

/// The most missing patterns collected for one match; beyond it the
/// analysis only records that there are more.
pub const MISSING_PATTERN_LIMIT: usize = 100;

/// How many missing patterns [`MatchAnalysis::missing_summary`] prints
/// before it says "and N more".
pub const MISSING_PATTERNS_SHOWN: usize = 4;

/// The index of `false` in the signature of `bool` ([`Signature::boolean`]).
pub const FALSE_INDEX: usize = 0;

/// The index of `true` in the signature of `bool` ([`Signature::boolean`]).
pub const TRUE_INDEX: usize = 1;

/// A pattern as the analysis sees it: variables are wildcards, and a
/// constructor is known by its position in its type's signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// `_` or a variable: matches every value.
    Wildcard,
    /// A constructor applied to argument patterns: a sum constructor, the
    /// one constructor of a tuple or record (index 0, fields in declaration
    /// order), `false` or `true` ([`FALSE_INDEX`], [`TRUE_INDEX`]), `()`
    /// (index 0), a list's nil or cons.
    Constructor {
        /// The constructor's position in its type's [`Signature`].
        index: usize,
        /// Its argument patterns, as many as the constructor's arity.
        arguments: Vec<Pattern>,
    },
    /// A literal of a type with too many values to list (`int`, `byte`,
    /// `string`).
    Literal(Literal),
    /// `p1 | p2 | ...`: matches what any alternative matches.
    Or(Vec<Pattern>),
}

impl Pattern {
    /// A constructor applied to arguments.
    pub fn constructor(index: usize, arguments: Vec<Pattern>) -> Pattern {
        Pattern::Constructor { index, arguments }
    }

    /// A constructor without arguments.
    pub fn constant(index: usize) -> Pattern {
        Pattern::Constructor {
            index,
            arguments: Vec::new(),
        }
    }

    /// A tuple or record pattern: the one constructor of its type.
    pub fn tuple(items: Vec<Pattern>) -> Pattern {
        Pattern::Constructor {
            index: 0,
            arguments: items,
        }
    }

    /// `true` or `false`.
    pub fn boolean(value: bool) -> Pattern {
        Pattern::constant(if value { TRUE_INDEX } else { FALSE_INDEX })
    }

    /// `()`.
    pub fn unit() -> Pattern {
        Pattern::constant(0)
    }

    /// An integer literal.
    pub fn integer(value: i64) -> Pattern {
        Pattern::Literal(Literal::Integer(value))
    }

    /// A string literal.
    pub fn string(value: &str) -> Pattern {
        Pattern::Literal(Literal::String(value.to_string()))
    }

    /// An or-pattern.
    pub fn or(alternatives: Vec<Pattern>) -> Pattern {
        Pattern::Or(alternatives)
    }
}

/// A literal in a pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Literal {
    /// An integer (of type `int` or `byte`).
    Integer(i64),
    /// A character, which is its byte: `'a'` and `97` are the same value.
    Char(u8),
    /// A string.
    String(String),
}

impl Literal {
    /// Whether two literals denote the same value.
    pub fn same_value(&self, other: &Literal) -> bool {
        match (self.number(), other.number()) {
            (Some(left), Some(right)) => left == right,
            _ => self == other,
        }
    }

    /// The value of a numeric literal (an integer or a character).
    fn number(&self) -> Option<i64> {
        match self {
            Literal::Integer(value) => Some(*value),
            Literal::Char(byte) => Some(i64::from(*byte)),
            Literal::String(_) => None,
        }
    }
}

/// How a constructor is written, for printing missing patterns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstructorForm {
    /// A sum constructor written by name: `None`, `Some p`, `Cons (p, q)`.
    Named(String),
    /// A tuple: `(p, q)`.
    Tuple,
    /// A record with these fields, in declaration order: `{ x = p; y = q }`.
    Record(Vec<String>),
    /// `true` or `false`.
    Bool(bool),
    /// `()`.
    Unit,
    /// The empty built-in list, `[]`.
    ListNil,
    /// A built-in list cell, `p :: q`.
    ListCons,
}

/// One constructor of a signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstructorSignature<Type> {
    /// How it is written.
    pub form: ConstructorForm,
    /// The types of its arguments (its arity is their number).
    pub argument_types: Vec<Type>,
}

/// What values of a type are made of, as far as patterns can tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signature<Type> {
    /// Exactly these constructors build every value, in this order (a
    /// constructor pattern's index is its position here). May be empty:
    /// the type `empty` has no values.
    Constructors(Vec<ConstructorSignature<Type>>),
    /// Values written as literals, too many to list; only a wildcard
    /// covers them all, except for `byte`, whose 256 values may be listed.
    Literals(LiteralKind),
    /// Nothing to look inside (functions, continuations, abstract types,
    /// type variables): only a wildcard matches.
    Opaque,
}

/// Which literals a [`Signature::Literals`] type has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiteralKind {
    /// `int`: 16-bit integers, treated as unbounded.
    Integer,
    /// `byte`: 0 to 255 (characters are bytes).
    Byte,
    /// `string`.
    String,
}

impl<Type> Signature<Type> {
    /// `bool`: `false` then `true` ([`FALSE_INDEX`], [`TRUE_INDEX`]).
    pub fn boolean() -> Signature<Type> {
        Signature::Constructors(vec![
            ConstructorSignature {
                form: ConstructorForm::Bool(false),
                argument_types: Vec::new(),
            },
            ConstructorSignature {
                form: ConstructorForm::Bool(true),
                argument_types: Vec::new(),
            },
        ])
    }

    /// `unit`: the one constructor `()`.
    pub fn unit() -> Signature<Type> {
        Signature::Constructors(vec![ConstructorSignature {
            form: ConstructorForm::Unit,
            argument_types: Vec::new(),
        }])
    }

    /// A type with no values (`empty`).
    pub fn empty() -> Signature<Type> {
        Signature::Constructors(Vec::new())
    }

    /// A tuple of these component types.
    pub fn tuple(component_types: Vec<Type>) -> Signature<Type> {
        Signature::Constructors(vec![ConstructorSignature {
            form: ConstructorForm::Tuple,
            argument_types: component_types,
        }])
    }

    /// A record with these fields, in declaration order.
    pub fn record(fields: Vec<(String, Type)>) -> Signature<Type> {
        let (names, types) = fields.into_iter().unzip();
        Signature::Constructors(vec![ConstructorSignature {
            form: ConstructorForm::Record(names),
            argument_types: types,
        }])
    }

    /// A sum type with these constructors (name and argument types).
    pub fn sum(constructors: Vec<(String, Vec<Type>)>) -> Signature<Type> {
        Signature::Constructors(
            constructors
                .into_iter()
                .map(|(name, argument_types)| ConstructorSignature {
                    form: ConstructorForm::Named(name),
                    argument_types,
                })
                .collect(),
        )
    }
}

/// How the analysis learns about types: the caller describes each type it
/// meets. Types are asked about lazily, one column at a time, so recursive
/// types (lists) are no trouble.
pub trait Signatures {
    /// The caller's representation of a type.
    type Type: Clone;

    /// The signature of a type.
    fn signature(&self, ty: &Self::Type) -> Signature<Self::Type>;
}

/// One arm of a match, for [`analyse_match`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arm {
    /// Its pattern.
    pub pattern: Pattern,
    /// Whether it has a `when` guard (it then covers nothing for sure).
    pub guarded: bool,
}

impl Arm {
    /// An arm without a guard.
    pub fn new(pattern: Pattern) -> Arm {
        Arm {
            pattern,
            guarded: false,
        }
    }

    /// An arm with a `when` guard.
    pub fn guarded(pattern: Pattern) -> Arm {
        Arm {
            pattern,
            guarded: true,
        }
    }
}

/// What [`analyse_match`] found.
///
/// The missing patterns are distinct (no value is an instance of two of
/// them) and ordered simplest first, then in the order of the types'
/// signatures.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct MatchAnalysis {
    /// Values no arm matches, as patterns (wildcards stand for any value);
    /// empty when the match is exhaustive. At most
    /// [`MISSING_PATTERN_LIMIT`].
    pub missing: Vec<Witness>,
    /// Whether more missing patterns exist than `missing` holds.
    pub missing_truncated: bool,
    /// The indices of the arms that can never be chosen: every value they
    /// match is matched by an unguarded arm above.
    pub redundant_arms: Vec<usize>,
    /// Alternatives of an or-pattern at the top of an arm that can never
    /// be chosen, as (arm index, alternative index), when the arm as a
    /// whole is not redundant: in `| A | B | A ->`, the second `A`.
    pub redundant_alternatives: Vec<(usize, usize)>,
}

impl MatchAnalysis {
    /// Whether every value is matched by some unguarded arm.
    pub fn is_exhaustive(&self) -> bool {
        self.missing.is_empty()
    }

    /// The missing patterns for a diagnostic: the first few, each in
    /// backquotes, then how many more (`` `None`, `Some (Cons (_, _))` and
    /// 3 more ``). `None` when the match is exhaustive.
    pub fn missing_summary(&self) -> Option<String> {
        if self.missing.is_empty() {
            return None;
        }
        let shown: Vec<String> = self
            .missing
            .iter()
            .take(MISSING_PATTERNS_SHOWN)
            .map(|witness| format!("`{witness}`"))
            .collect();
        let hidden = self.missing.len() - shown.len();
        let list = shown.join(", ");
        Some(match (hidden, self.missing_truncated) {
            (0, false) => list,
            (_, false) => format!("{list} and {hidden} more"),
            (_, true) => format!("{list} and at least {hidden} more"),
        })
    }
}

/// Analyses one match: `scrutinee` is the type of the matched value, `arms`
/// its arms in order. Also serves a `let` pattern, a function parameter or
/// a handler clause's argument: one arm, which is irrefutable exactly when
/// the analysis finds nothing missing.
pub fn analyse_match<S: Signatures>(
    signatures: &S,
    scrutinee: &S::Type,
    arms: &[Arm],
) -> MatchAnalysis {
    let engine = Engine::new(signatures, MISSING_PATTERN_LIMIT);
    let types = [Some(scrutinee.clone())];
    let mut analysis = MatchAnalysis::default();
    // The rows of the unguarded arms seen so far.
    let mut covering_rows: Vec<Vec<&Pattern>> = Vec::new();
    for (arm_index, arm) in arms.iter().enumerate() {
        let vector = vec![&arm.pattern];
        if !engine.is_useful(&covering_rows, &vector, &types) {
            analysis.redundant_arms.push(arm_index);
        } else {
            let alternatives = top_alternatives(&arm.pattern);
            if alternatives.len() > 1 {
                let mut rows = covering_rows.clone();
                for (alternative_index, alternative) in alternatives.into_iter().enumerate() {
                    if !engine.is_useful(&rows, &[alternative], &types) {
                        analysis
                            .redundant_alternatives
                            .push((arm_index, alternative_index));
                    }
                    rows.push(vec![alternative]);
                }
            }
        }
        if !arm.guarded {
            covering_rows.push(vector);
        }
    }
    let witnesses = engine.witnesses(&covering_rows, &types);
    analysis.missing = witnesses
        .into_iter()
        .map(|mut vector| {
            vector
                .pop()
                .expect("a witness for one column has one pattern")
        })
        .collect();
    // The simplest first, so that the few a diagnostic shows say most.
    analysis.missing.sort_by_key(Witness::weight);
    analysis.missing_truncated = engine.truncated();
    analysis
}

/// Whether `vector` matches some value that no row of `rows` matches:
/// Maranget's `U(P, q)`, for callers that build their own matrices. The
/// columns have the types `types`; every row and the vector have one
/// pattern per column.
pub fn is_useful<S: Signatures>(
    signatures: &S,
    types: &[S::Type],
    rows: &[Vec<Pattern>],
    vector: &[Pattern],
) -> bool {
    let engine = Engine::new(signatures, MISSING_PATTERN_LIMIT);
    let types: Vec<Option<S::Type>> = types.iter().cloned().map(Some).collect();
    let rows: Vec<Vec<&Pattern>> = rows.iter().map(|row| row.iter().collect()).collect();
    let vector: Vec<&Pattern> = vector.iter().collect();
    engine.is_useful(&rows, &vector, &types)
}

/// The alternatives of an or-pattern, nested ones flattened; a pattern
/// that is not an or-pattern is its only alternative.
fn top_alternatives(pattern: &Pattern) -> Vec<&Pattern> {
    match pattern {
        Pattern::Or(alternatives) => alternatives.iter().flat_map(top_alternatives).collect(),
        other => vec![other],
    }
}
