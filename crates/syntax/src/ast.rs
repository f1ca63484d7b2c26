//! The syntax tree: what the parser produces and name resolution and type
//! inference consume.
//!
//! The tree keeps the program as written, with two deliberate exceptions
//! that the book's own inconsistencies force (see `docs/cml-syntax.md`):
//! type application is kept as an unresolved run of atoms ([`TypeExpr::Apply`])
//! because the book writes both `list int` and `process queue`, and a
//! `perform` is normalised to an operation and an optional argument however
//! it was written (`perform E.op x`, `perform (Op x)`, `perform Op`).
//!
//! Every node has a [`Span`] (byte range in its file). Nodes the parser
//! could not build are `Error` variants that cover the bad text, so later
//! stages can skip them without reporting again.

mod accessors;

use std::ops::Range;

/// A byte range in the source.
pub type Span = Range<usize>;

/// A name as written, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// The text.
    pub text: String,
    /// Where.
    pub span: Span,
}

/// A possibly qualified name: `x`, `Queue.push`, `IO.print`, `Some`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    /// The qualifiers and the name, in order (`["Queue", "push"]`).
    pub segments: Vec<Name>,
    /// The whole path.
    pub span: Span,
}

impl Path {
    /// The last segment.
    pub fn last(&self) -> &Name {
        self.segments
            .last()
            .expect("a path has at least one segment")
    }

    /// The segments joined with dots.
    pub fn dotted(&self) -> String {
        self.segments
            .iter()
            .map(|name| name.text.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// A source file.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Module {
    /// The declarations, in order.
    pub items: Vec<Item>,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `type ...`
    Type(TypeDecl),
    /// `effect ...`
    Effect(EffectDecl),
    /// `handler ...`
    Handler(HandlerDecl),
    /// `let ...` (without `in`).
    Let(LetDecl),
    /// `val name : type`, a value signature (chapter 3 writes these to
    /// state a function's type before, or instead of, its definition).
    Val(ValDecl),
    /// Text the parser skipped after an error.
    Error(Span),
}

/// `val name : type`: the type a value is claimed to have (chapter 3).
/// What it means for checking (a promise about a later `let`, or a value
/// provided elsewhere) is the type checker's decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValDecl {
    /// The value's name.
    pub name: Name,
    /// Its type as written.
    pub ty: TypeExpr,
    /// The whole declaration.
    pub span: Span,
}

/// `type [linear] name params = body` (or with no `= body`: abstract).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeDecl {
    /// `type linear t`.
    pub linear: bool,
    /// The type's name.
    pub name: Name,
    /// Its parameters, written after (`type list a`) or before
    /// (`type 'a list`) the name. A quoted parameter keeps its quote in
    /// its text (`'a`), as [`TypeExpr::Variable`] does, so a parameter and
    /// its uses have the same text.
    pub parameters: Vec<Name>,
    /// What it is.
    pub body: TypeBody,
    /// The whole declaration.
    pub span: Span,
}

/// The right-hand side of a type declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeBody {
    /// No `=`: an abstract type (`type linear region`).
    Abstract,
    /// `= t`: another name for a type.
    Alias(TypeExpr),
    /// `= | A | B of t * u`.
    Sum(Vec<Variant>),
    /// `= { f : t; mutable g : u }`.
    Record(Vec<FieldDecl>),
}

/// One constructor of a sum type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    /// Its name.
    pub name: Name,
    /// The types after `of`, split at `*` (`B of (int, int)` has one
    /// field, a [`TypeExpr::Tuple`]).
    pub fields: Vec<TypeExpr>,
    /// The whole variant.
    pub span: Span,
}

/// One field of a record type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDecl {
    /// Declared `mutable`.
    pub mutable: bool,
    /// Its name.
    pub name: Name,
    /// Its type.
    pub ty: TypeExpr,
    /// The whole field.
    pub span: Span,
}

/// A type as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeExpr {
    /// A run of type atoms whose application order name resolution decides
    /// (`list int`, `process queue`, `unit continuation`, `option process`,
    /// `(coro_id, coro list) table`). The parser builds it for runs of two
    /// or more atoms; a single atom stands alone (`int` is a
    /// [`TypeExpr::Name`]), and parentheses leave no node of their own.
    Apply {
        /// The atoms, in order: names, variables, parenthesised types.
        atoms: Vec<TypeExpr>,
        /// The whole run.
        span: Span,
    },
    /// A type name (`int`, `Queue.t`) or an unquoted type variable (`a`):
    /// which it is, name resolution decides.
    Name(Path),
    /// A quoted type variable (`'a`); the name's text keeps the quote.
    Variable(Name),
    /// `()` or `unit`-as-`()`.
    Unit(Span),
    /// `a * b * c`, or `(a, b)` (Appendix B §3.1 writes tuple types with
    /// commas; before a type name, as in `(coro_id, coro list) table`, the
    /// same node is OCaml's multi-argument application, which resolution
    /// tells apart by the run it is in).
    Tuple(Vec<TypeExpr>, Span),
    /// `a -> b`, with an optional effect row `/ {E1, E2 | r}`. Arrows
    /// associate to the right and a row written after the last result
    /// belongs to the innermost arrow: `a -> b -> c / {E}` is
    /// `a -> (b -> c / {E})`.
    Function {
        /// The parameter type.
        parameter: Box<TypeExpr>,
        /// The result type.
        result: Box<TypeExpr>,
        /// The row after `/`, if written.
        row: Option<EffectRow>,
        /// The whole type.
        span: Span,
    },
    /// `{ f : t; g : u }` (in effect operation signatures).
    Record(Vec<FieldDecl>, Span),
    /// A result type with a row but no arrow (`() / {IO}` after `:` on a
    /// `let`): the row of the function being declared.
    WithRow {
        /// The type.
        ty: Box<TypeExpr>,
        /// The row.
        row: EffectRow,
        /// The whole.
        span: Span,
    },
    /// A type the parser could not read.
    Error(Span),
}

/// An effect row: `{}`, `{E1, E2 a}`, `{E | r}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EffectRow {
    /// The effects, each possibly applied to types (`State int`).
    pub effects: Vec<TypeExpr>,
    /// The row variable after `|`, if open.
    pub tail: Option<Name>,
    /// The whole row.
    pub span: Span,
}

/// `effect Name params { op : t -> u ... }` or `effect Name : t` /
/// `effect Name : t -> u` (one operation named after the effect).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EffectDecl {
    /// The effect's name.
    pub name: Name,
    /// Its type parameters (`effect State a`).
    pub parameters: Vec<Name>,
    /// Its operations.
    pub operations: Vec<OperationDecl>,
    /// Written in the one-operation form (`effect Yield : unit`).
    pub single_operation: bool,
    /// The whole declaration.
    pub span: Span,
}

/// One operation of an effect: `print : string -> ()`. In the
/// one-operation form `effect Yield : unit`, the signature is the result
/// type alone (the argument is unit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationDecl {
    /// Its name.
    pub name: Name,
    /// Its signature as written.
    pub signature: TypeExpr,
    /// The whole operation.
    pub span: Span,
}

/// `handler[<a>] name [params] [: type] = body`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandlerDecl {
    /// Type parameters in angle brackets (`handler<a> ref_state`).
    pub type_parameters: Vec<Name>,
    /// The handler's name.
    pub name: Name,
    /// Its parameters (`(init : a)`, `(st : ip_state)`).
    pub parameters: Vec<Parameter>,
    /// An annotation after the parameters, if any.
    pub annotation: Option<TypeExpr>,
    /// The body: a handler literal, or an expression that yields one
    /// (`{ let s = ... in { | clauses } }`).
    pub body: Expr,
    /// Functions declared together with the handler by `and`
    /// (`handler tcp (g : tcp_global) = { ... } and pump_until_data conn =
    /// ...`, chapters 15 and 17): the handler and these bindings are
    /// mutually recursive, as in a `let rec ... and ...`. Empty otherwise.
    pub and_bindings: Vec<Binding>,
    /// The whole declaration.
    pub span: Span,
}

/// `let [rec] binding [and binding]*` at top level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetDecl {
    /// `let rec`.
    pub recursive: bool,
    /// The bindings joined by `and`.
    pub bindings: Vec<Binding>,
    /// The whole declaration.
    pub span: Span,
}

/// `pattern params [: type] = body`, as in `let f (x : int) : int = x`
/// or `let { a; b } = r` or `and proc_handlers p = { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// `let mutable x = e in ...` (chapter 16's handler-local state): the
    /// variable may be reassigned with `x <- v` ([`Expr::AssignVariable`]).
    pub mutable: bool,
    /// What is bound: a name, or a pattern when there are no parameters.
    pub pattern: Pattern,
    /// Function parameters, if any.
    pub parameters: Vec<Parameter>,
    /// The annotation after the parameters (`: int / {IO}`).
    pub annotation: Option<TypeExpr>,
    /// The bound expression.
    pub body: Expr,
    /// The whole binding.
    pub span: Span,
}

/// A function parameter: `x`, `()`, `_`, `(x : int)`, `{ src; op }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    /// The pattern.
    pub pattern: Pattern,
    /// Its annotation, if written.
    pub annotation: Option<TypeExpr>,
    /// The whole parameter.
    pub span: Span,
}

/// A pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// `_`.
    Wildcard(Span),
    /// A lowercase name: binds.
    Variable(Name),
    /// A literal: integer, character, string, boolean, `()`.
    Literal(Literal),
    /// `C`, `C p`, `C (p, q)`, `Queue.Empty` (a constructor, possibly
    /// qualified, with its argument patterns).
    Constructor {
        /// The constructor.
        path: Path,
        /// Its argument patterns (a parenthesised tuple is spread).
        arguments: Vec<Pattern>,
        /// The whole pattern.
        span: Span,
    },
    /// `(p, q)`.
    Tuple(Vec<Pattern>, Span),
    /// `{ f = p; g }` (a field alone binds a variable of its name).
    Record {
        /// The fields and their patterns.
        fields: Vec<(Name, Option<Pattern>)>,
        /// Whether it ends with `; _` (other fields ignored).
        open: bool,
        /// The whole pattern.
        span: Span,
    },
    /// `p :: q`.
    Cons(Box<Pattern>, Box<Pattern>, Span),
    /// `[p; q]`.
    List(Vec<Pattern>, Span),
    /// `(p : t)`.
    Annotated(Box<Pattern>, TypeExpr, Span),
    /// `p | q`.
    Or(Vec<Pattern>, Span),
    /// A pattern the parser could not read.
    Error(Span),
}

/// A literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LiteralValue {
    /// An integer as written (range checked later, where its type is known).
    Integer(i64),
    /// A character (its byte).
    Char(u8),
    /// A string, escapes resolved.
    String(String),
    /// `true` or `false`.
    Bool(bool),
    /// `()`.
    Unit,
}

/// A literal with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal {
    /// The value.
    pub value: LiteralValue,
    /// Where.
    pub span: Span,
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOperator {
    /// `+`
    Add,
    /// `-`
    Subtract,
    /// `*`
    Multiply,
    /// `/`
    Divide,
    /// `mod`
    Modulo,
    /// `=` or `==` (structural equality on integers and the like)
    Equal,
    /// `<>` or `!=`
    NotEqual,
    /// `<`
    Less,
    /// `<=`
    LessEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterEqual,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `^` (string concatenation)
    Concat,
    /// `::`
    Cons,
    /// `land`
    BitAnd,
    /// `lor`
    BitOr,
    /// `lxor`
    BitXor,
    /// `lsl`
    ShiftLeft,
    /// `lsr`
    ShiftRight,
    /// `:=` (assignment to a `ref` cell, chapter 17: `a := !b`)
    SetRef,
}

/// A unary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOperator {
    /// `-e`
    Negate,
    /// `not e`
    Not,
    /// `!e` (the contents of a `ref` cell, chapter 17: `!a`)
    Deref,
}

/// How a continuation is continued (gap 10 of the design notes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResumeKind {
    /// `resume k v`: the clause's handler handles the continuation again.
    Resume,
    /// `invoke k v`: the continuation continues as it was captured.
    Invoke,
}

/// An expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    /// A literal.
    Literal(Literal),
    /// A variable or qualified value (`x`, `Queue.push`, `sched`).
    Variable(Path),
    /// A constructor (`None`, `Some`, `Cons`), possibly qualified; applied
    /// through [`Expr::Apply`].
    Constructor(Path),
    /// `f a b`.
    Apply {
        /// The function.
        function: Box<Expr>,
        /// The arguments, in order.
        arguments: Vec<Expr>,
        /// The whole application.
        span: Span,
    },
    /// `fun p q -> e`.
    Lambda {
        /// The parameters.
        parameters: Vec<Parameter>,
        /// The body.
        body: Box<Expr>,
        /// The whole lambda.
        span: Span,
    },
    /// `let [rec] bindings in body`.
    Let {
        /// `let rec`.
        recursive: bool,
        /// The bindings.
        bindings: Vec<Binding>,
        /// The body.
        body: Box<Expr>,
        /// The whole expression.
        span: Span,
    },
    /// `if c then a [else b]`.
    If {
        /// The condition.
        condition: Box<Expr>,
        /// The `then` branch.
        then_branch: Box<Expr>,
        /// The `else` branch, if any.
        else_branch: Option<Box<Expr>>,
        /// The whole expression.
        span: Span,
    },
    /// `match e with | p -> e ...`.
    Match {
        /// The scrutinee.
        scrutinee: Box<Expr>,
        /// The arms.
        arms: Vec<Arm>,
        /// The whole expression.
        span: Span,
    },
    /// `a; b`.
    Sequence(Box<Expr>, Box<Expr>, Span),
    /// `(a, b)`.
    Tuple(Vec<Expr>, Span),
    /// `[a; b]`.
    List(Vec<Expr>, Span),
    /// `{ f = e; g }` (a field alone takes the variable of its name).
    Record {
        /// The fields.
        fields: Vec<(Name, Option<Expr>)>,
        /// The whole record.
        span: Span,
    },
    /// `{ r with f = e }`.
    RecordUpdate {
        /// The record updated.
        base: Box<Expr>,
        /// The new fields.
        fields: Vec<(Name, Expr)>,
        /// The whole expression.
        span: Span,
    },
    /// `e.f`.
    Field(Box<Expr>, Name, Span),
    /// `x <- v` on a variable bound by `let mutable` (chapter 16:
    /// `pending <- Some []`).
    AssignVariable {
        /// The variable.
        variable: Name,
        /// The new value.
        value: Box<Expr>,
        /// The whole expression.
        span: Span,
    },
    /// `e.f <- v`.
    Assign {
        /// The record.
        target: Box<Expr>,
        /// The field.
        field: Name,
        /// The new value.
        value: Box<Expr>,
        /// The whole expression.
        span: Span,
    },
    /// `a op b`.
    Binary(BinaryOperator, Box<Expr>, Box<Expr>, Span),
    /// `op e`.
    Unary(UnaryOperator, Box<Expr>, Span),
    /// `perform E.op arg`, `perform (Op arg)`, `perform Op`.
    Perform {
        /// The operation (`IO.print`, `Yield`).
        operation: Path,
        /// The argument, if any.
        argument: Option<Box<Expr>>,
        /// Further arguments, for operations declared curried
        /// (`set : key -> value -> ()`, performed `perform KV.set k v` or
        /// `perform (KV.set k v)`: `argument` is `k`, this is `[v]`).
        /// Empty for one argument or none.
        extra_arguments: Vec<Expr>,
        /// The whole expression.
        span: Span,
    },
    /// `resume k v` / `invoke k v`.
    Resume {
        /// Which.
        kind: ResumeKind,
        /// The continuation.
        continuation: Box<Expr>,
        /// The value delivered.
        value: Box<Expr>,
        /// The whole expression.
        span: Span,
    },
    /// `reify e`: a continuation that runs `e ()` when first continued.
    Reify(Box<Expr>, Span),
    /// A handler literal `{ | clause ... }`.
    Handler(Vec<Clause>, Span),
    /// `handle e with | clauses`. Chapter 17's `match e with | p -> a
    /// with | E.op x, k -> b` is read as this node too: each arm before the
    /// second `with` becomes a [`Clause::Return`], in order.
    Handle {
        /// The handled computation.
        body: Box<Expr>,
        /// The clauses.
        clauses: Vec<Clause>,
        /// The whole expression.
        span: Span,
    },
    /// `with h in { body }` (h any expression yielding a handler:
    /// `print_to_uart`, `ref_state 0`, `proc_handlers p`).
    With {
        /// The handler.
        handler: Box<Expr>,
        /// The handled computation.
        body: Box<Expr>,
        /// The whole expression.
        span: Span,
    },
    /// `with region r in { body }`.
    WithRegion {
        /// The region's name.
        region: Name,
        /// The body.
        body: Box<Expr>,
        /// The whole expression.
        span: Span,
    },
    /// `unsafe { body }`.
    Unsafe(Box<Expr>, Span),
    /// `loop { body }`.
    Loop(Box<Expr>, Span),
    /// `(e : t)`.
    Annotated(Box<Expr>, TypeExpr, Span),
    /// An expression the parser could not read.
    Error(Span),
}

/// A `match` arm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arm {
    /// The pattern.
    pub pattern: Pattern,
    /// `when` guard, if any.
    pub guard: Option<Expr>,
    /// The body.
    pub body: Expr,
    /// The whole arm.
    pub span: Span,
}

/// A handler clause.
#[derive(Clone, Debug, PartialEq, Eq)]
// A handler has a handful of clauses, so the size of the error variant
// does not matter, and unboxed fields keep the checker's patterns plain.
#[allow(clippy::large_enum_variant)]
pub enum Clause {
    /// `| E.op p, k -> body [with state := v]`, also written
    /// `| Op p k ->` (chapter 10) or `| E.op(p), k ->`.
    Operation {
        /// The operation handled.
        operation: Path,
        /// The argument pattern, if any.
        argument: Option<Pattern>,
        /// Further argument patterns, for curried operations
        /// (`| KV.set k v, c ->`: `argument` is `k`, this is `[v]`).
        extra_arguments: Vec<Pattern>,
        /// The continuation pattern.
        continuation: Pattern,
        /// The body.
        body: Expr,
        /// `with state := v`, for parameterised handlers.
        state_update: Option<Expr>,
        /// The whole clause.
        span: Span,
    },
    /// `| return p -> body`. A clause list may hold several, tried in
    /// order like match arms (see [`Expr::Handle`]).
    Return {
        /// The pattern for the body's value.
        pattern: Pattern,
        /// The body.
        body: Expr,
        /// The whole clause.
        span: Span,
    },
    /// A clause the parser could not read.
    Error(Span),
}
