//! The checker's errors and warnings as data, one variant per kind, each
//! with its diagnostic: a title, what goes wrong, the facts, a hint.

use cml_diagnostics::{Diagnostic, Severity};
use cml_syntax::ast::Span;

/// A problem the checker found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckError {
    /// A type name that nothing declares.
    UnknownType {
        /// The name.
        name: String,
        /// Where.
        span: Span,
        /// A declared type with a similar name.
        suggestion: Option<String>,
    },
    /// A type constructor given the wrong number of arguments.
    TypeArity {
        /// The constructor.
        name: String,
        /// How many it takes.
        expected: usize,
        /// How many it was given.
        found: usize,
        /// Where.
        span: Span,
    },
    /// A run of type atoms that reads neither as prefix nor as postfix
    /// application.
    AmbiguousTypeApplication {
        /// The run as written.
        text: String,
        /// Where.
        span: Span,
    },
    /// An effect name in a row that nothing declares.
    UnknownEffect {
        /// The name.
        name: String,
        /// Where.
        span: Span,
    },
    /// A declaration of a built-in type (`type linear continuation a`).
    BuiltInRedeclared {
        /// The type's name.
        name: String,
        /// The declaration's name.
        span: Span,
    },
    /// Two declarations of the same name in one namespace.
    Duplicate {
        /// What kind of thing ("type", "effect", "constructor").
        kind: &'static str,
        /// The name.
        name: String,
        /// The second declaration.
        span: Span,
        /// The first.
        first: Option<Span>,
    },
    /// A variable or qualified value that nothing binds.
    UnboundName {
        /// The name as written (`x`, `Queue.push`).
        name: String,
        /// Where.
        span: Span,
        /// A bound name that is spelled similarly.
        suggestion: Option<String>,
    },
    /// A constructor that no type declares.
    UnknownConstructor {
        /// The name.
        name: String,
        /// Where.
        span: Span,
        /// A declared constructor with a similar name.
        suggestion: Option<String>,
    },
    /// A constructor given the wrong number of arguments.
    ConstructorArity {
        /// The constructor.
        name: String,
        /// How many fields it has.
        expected: usize,
        /// How many arguments it was given.
        found: usize,
        /// Where.
        span: Span,
    },
    /// `perform E.op` or a clause `| E.op` naming no declared operation.
    UnknownOperation {
        /// The operation as written.
        name: String,
        /// Where.
        span: Span,
        /// A declared operation with a similar name.
        suggestion: Option<String>,
    },
    /// An operation performed or handled with more arguments than its
    /// signature takes.
    OperationArity {
        /// The operation.
        name: String,
        /// How many arguments its signature takes.
        expected: usize,
        /// How many were written.
        found: usize,
        /// Where.
        span: Span,
    },
    /// Two types that should be equal are not.
    TypeMismatch {
        /// The type the context requires, printed.
        expected: String,
        /// The type found, printed.
        found: String,
        /// What was being checked ("the argument of `f`").
        context: String,
        /// Where.
        span: Span,
    },
    /// A handler clause lets a type or row variable of its operation's
    /// signature out: it would have to stand for one type (or row) outside
    /// the clause, while each `perform` may choose another (gap 16, Koka
    /// issue koka-lang/koka#56).
    RigidEscape {
        /// The variable, as printed (`'a`, `'e`).
        name: String,
        /// What was being checked.
        context: String,
        /// Where.
        span: Span,
    },
    /// A type would have to contain itself (`x x`).
    InfiniteType {
        /// The variable and the type it would equal, printed.
        ty: String,
        /// Where.
        span: Span,
    },
    /// An expression performs an effect that a written (closed) row, or the
    /// row a context fixes, does not allow.
    EffectNotAllowed {
        /// The effect performed.
        effect: String,
        /// The row it is missing from, printed.
        row: String,
        /// What fixes the row ("the annotation of `inc`").
        context: String,
        /// Where.
        span: Span,
    },
    /// `main` performs effects that the bottom handlers of a bare program
    /// (`Mem` and `IO`) do not discharge.
    UnhandledEffect {
        /// The effects left over.
        effects: Vec<String>,
        /// `main`'s whole row, printed.
        row: String,
        /// `main`'s definition.
        span: Span,
    },
    /// A record field that no record type declares.
    UnknownField {
        /// The field.
        name: String,
        /// Where.
        span: Span,
        /// A declared field with a similar name.
        suggestion: Option<String>,
    },
    /// A record literal that leaves fields out, or names a field of
    /// another record type.
    RecordFields {
        /// The record type.
        type_name: String,
        /// Fields of the type the literal lacks.
        missing: Vec<String>,
        /// Fields the literal has that the type does not.
        extra: Vec<String>,
        /// Where.
        span: Span,
    },
    /// `e.f <- v` on a field not declared `mutable`.
    ImmutableField {
        /// The field.
        field: String,
        /// Its record type.
        type_name: String,
        /// Where.
        span: Span,
    },
    /// `x <- v` on a variable not bound by `let mutable`.
    ImmutableVariable {
        /// The variable.
        name: String,
        /// Where.
        span: Span,
    },
    /// `with region r in { e }` where `e`'s type contains a type whose
    /// values live in the heap (every heap value is a pointer here): a
    /// pointer into the region would outlive it (Appendix B §4.3).
    RegionEscape {
        /// The body's type, printed.
        ty: String,
        /// The part of it that lives in the heap, printed.
        culprit: String,
        /// Where.
        span: Span,
    },
    /// A `__` primitive used outside `unsafe { }` (Appendix B §3.4).
    PrimitiveOutsideUnsafe {
        /// The primitive.
        name: String,
        /// Where.
        span: Span,
    },
    /// An integer literal that does not fit 16 bits (gap 14).
    IntegerOutOfRange {
        /// The value as read.
        value: i64,
        /// Where.
        span: Span,
    },
    /// `with h in { }` where `h` is not (known to be) a handler.
    NotAHandler {
        /// `h`'s type, printed.
        found: String,
        /// Where.
        span: Span,
    },
    /// `with state := v` in a handler that has no parameter to hold state.
    StateWithoutParameter {
        /// Where.
        span: Span,
    },
    /// `invoke k v` in a clause of `handle ... with` whose continuation
    /// performs the handled effects again, outside the handler, so that the
    /// clause's own row would have to contain itself (the chapter 10
    /// scheduler's Print clause, gap 11).
    ShallowInvoke {
        /// The continuation's row, printed.
        row: String,
        /// Where.
        span: Span,
    },
    /// A `match` that some values of its scrutinee's type reach no arm of
    /// (an error: at run time MATCH would trap on them).
    NonExhaustiveMatch {
        /// The values no arm matches, printed as CML patterns.
        missing: String,
        /// The scrutinee's type, printed.
        ty: String,
        /// The whole `match`.
        span: Span,
    },
    /// A handler's `return` clauses that some values of the handled
    /// computation's result reach none of (an error, as for `match`).
    NonExhaustiveReturn {
        /// The values no return clause matches, printed as CML patterns.
        missing: String,
        /// The handled computation's result type, printed.
        ty: String,
        /// From the first return clause to the last.
        span: Span,
    },
    /// A pattern that can fail where there is no other arm to try: in a
    /// `let`, a function or `fun` parameter, or a handler clause's argument.
    RefutablePattern {
        /// The place ("a `let`", "a parameter of `f`").
        place: String,
        /// The values it does not match, printed as CML patterns.
        missing: String,
        /// The type of the value it matches, printed.
        ty: String,
        /// The pattern.
        span: Span,
    },
    /// A warning (Appendix B §5.7): more handlers installed one inside the
    /// other than the machine's handler CAM holds (8); the innermost ones'
    /// operations are then found by the slow spill search.
    DeepHandlerTower {
        /// How many handlers are installed, counting this one.
        depth: usize,
        /// The installation that goes past the CAM.
        span: Span,
        /// The enclosing installations, outermost first.
        enclosing: Vec<Span>,
        /// The function whose body holds the tower, if any.
        function: Option<String>,
        /// When a call builds the tower past 8: the function called and
        /// how many handlers its body installs one inside the other.
        call: Option<(String, usize)>,
    },
    /// A warning: an arm that no value can reach, because the arms above
    /// it match everything it matches.
    RedundantArm {
        /// The arm.
        span: Span,
    },
    /// A linear value used twice, dropped, or used in a loop.
    Linearity(crate::linearity::LinearityError),
    /// A warning: a `val` signature in the module that no `let` defines.
    ValWithoutDefinition {
        /// The name.
        name: String,
        /// Where.
        span: Span,
    },
}

impl CheckError {
    /// How serious the problem is.
    pub fn severity(&self) -> Severity {
        match self {
            CheckError::ValWithoutDefinition { .. }
            | CheckError::RedundantArm { .. }
            | CheckError::DeepHandlerTower { .. } => Severity::Warning,
            CheckError::Linearity(error) => error.severity(),
            _ => Severity::Error,
        }
    }

    /// Where the problem is.
    pub fn span(&self) -> Span {
        match self {
            CheckError::UnknownType { span, .. }
            | CheckError::TypeArity { span, .. }
            | CheckError::AmbiguousTypeApplication { span, .. }
            | CheckError::UnknownEffect { span, .. }
            | CheckError::Duplicate { span, .. }
            | CheckError::BuiltInRedeclared { span, .. }
            | CheckError::UnboundName { span, .. }
            | CheckError::UnknownConstructor { span, .. }
            | CheckError::ConstructorArity { span, .. }
            | CheckError::UnknownOperation { span, .. }
            | CheckError::OperationArity { span, .. }
            | CheckError::TypeMismatch { span, .. }
            | CheckError::InfiniteType { span, .. }
            | CheckError::RigidEscape { span, .. }
            | CheckError::EffectNotAllowed { span, .. }
            | CheckError::UnhandledEffect { span, .. }
            | CheckError::UnknownField { span, .. }
            | CheckError::RecordFields { span, .. }
            | CheckError::ImmutableField { span, .. }
            | CheckError::ImmutableVariable { span, .. }
            | CheckError::RegionEscape { span, .. }
            | CheckError::PrimitiveOutsideUnsafe { span, .. }
            | CheckError::IntegerOutOfRange { span, .. }
            | CheckError::NotAHandler { span, .. }
            | CheckError::StateWithoutParameter { span }
            | CheckError::ShallowInvoke { span, .. }
            | CheckError::NonExhaustiveMatch { span, .. }
            | CheckError::NonExhaustiveReturn { span, .. }
            | CheckError::RefutablePattern { span, .. }
            | CheckError::DeepHandlerTower { span, .. }
            | CheckError::RedundantArm { span }
            | CheckError::ValWithoutDefinition { span, .. } => span.clone(),
            CheckError::Linearity(error) => error.span(),
        }
    }

    /// The error as a diagnostic about file `file`.
    pub fn to_diagnostic(&self, file: usize) -> Diagnostic {
        match self {
            CheckError::NonExhaustiveMatch { missing, ty, span } => {
                Diagnostic::error("non-exhaustive match")
                    .with_code("types::non-exhaustive")
                    .with_primary(file, span.clone(), format!("no arm matches {missing}"))
                    .with_note(format!("the value matched has type `{ty}`"))
                    .with_note(
                        "a value no arm matches would make the machine's MATCH trap, and \
                         well-typed CML programs do not fault",
                    )
                    .with_hint(format!("add an arm for {missing}, or a final `| _ -> ...`"))
            }
            CheckError::NonExhaustiveReturn { missing, ty, span } => {
                Diagnostic::error("non-exhaustive return clauses")
                    .with_code("types::non-exhaustive-return")
                    .with_primary(file, span.clone(), format!("no `return` clause matches {missing}"))
                    .with_note(format!("the handled computation returns `{ty}`, and its value goes to the first `return` clause that matches"))
                    .with_note("a value no clause matches would make the machine's MATCH trap")
                    .with_hint(format!("add a `return` clause for {missing}, or end with `| return v -> ...`"))
            }
            CheckError::RefutablePattern { place, missing, ty, span } => {
                Diagnostic::error(format!("refutable pattern in {place}"))
                    .with_code("types::refutable-pattern")
                    .with_primary(file, span.clone(), format!("this pattern does not match {missing}"))
                    .with_note(format!("it matches a value of type `{ty}`, and here there is no other arm to try"))
                    .with_note("a value the pattern does not match would make the machine's MATCH trap")
                    .with_hint("bind a variable here and `match` on it, with an arm for every case")
            }
            CheckError::DeepHandlerTower { depth, span, enclosing, function, call } => {
                let place = match function {
                    Some(name) => format!(" in `{name}`"),
                    None => String::new(),
                };
                let label = match call {
                    Some((callee, height)) => format!(
                        "`{callee}` installs {height} more handler{} inside the {} around this call",
                        if *height == 1 { "" } else { "s" },
                        enclosing.len()
                    ),
                    None => format!("this is handler number {depth} in the tower"),
                };
                let mut diagnostic = Diagnostic::warning(format!("{depth} handlers installed one inside the other{place}"))
                    .with_code("types::deep-handler-tower")
                    .with_primary(file, span.clone(), label);
                if let Some(outermost) = enclosing.first() {
                    let count = enclosing.len();
                    diagnostic = diagnostic.with_secondary(file, outermost.clone(), format!("the outermost of the {count} handler{} around it", if count == 1 { "" } else { "s" }));
                }
                diagnostic
                    .with_note("the machine's handler CAM holds 8 handlers; the others spill to memory, and an operation found there costs about 12 times as much to perform (Appendix B §5.7)")
                    .with_hint("install fewer handlers at once: merge handlers of related effects into one, or move an installation out of the nesting")
            }
            CheckError::RedundantArm { span } => Diagnostic::warning("unreachable match arm")
                .with_code("types::redundant-arm")
                .with_primary(file, span.clone(), "no value reaches this arm")
                .with_note("the arms above it already match every value this arm matches")
                .with_hint("remove the arm, or move it above the arm that covers it"),
            CheckError::Linearity(error) => error.to_diagnostic(file),
            CheckError::UnknownType { name, span, suggestion } => {
                let diagnostic = Diagnostic::error(format!("unknown type `{name}`"))
                    .with_code("types::unknown-type")
                    .with_primary(file, span.clone(), "no type of this name is declared");
                match suggestion {
                    Some(similar) => diagnostic.with_hint(format!("did you mean `{similar}`?")),
                    None => diagnostic.with_hint(
                        "declare it with `type`, or write a type variable in lower case or as 'a",
                    ),
                }
            }
            CheckError::TypeArity { name, expected, found, span } => Diagnostic::error(format!(
                "`{name}` takes {expected} type argument{}",
                if *expected == 1 { "" } else { "s" }
            ))
            .with_code("types::type-arity")
            .with_primary(file, span.clone(), format!("given {found} here"))
            .with_note(format!("expected {expected}, found {found}"))
            .with_hint(format!("write the arguments before or after the name: `{name} int` or `int {name}`")),
            CheckError::AmbiguousTypeApplication { text, span } => {
                Diagnostic::error("cannot read this type")
                    .with_code("types::ambiguous-application")
                    .with_primary(file, span.clone(), format!("`{text}` is neither `constructor arguments` nor `arguments constructor`"))
                    .with_hint("add parentheses: `list (option int)` or `(int option) list`")
            }
            CheckError::UnknownEffect { name, span } => {
                Diagnostic::error(format!("unknown effect `{name}`"))
                    .with_code("types::unknown-effect")
                    .with_primary(file, span.clone(), "no effect of this name is declared")
                    .with_hint("declare it with `effect`")
            }
            CheckError::Duplicate { kind, name, span, first } => {
                let diagnostic = Diagnostic::error(format!("{kind} `{name}` is declared twice"))
                    .with_code("types::duplicate")
                    .with_primary(file, span.clone(), "declared again here");
                let diagnostic = match first {
                    Some(first) => diagnostic.with_secondary(file, first.clone(), "first declared here"),
                    None => diagnostic,
                };
                diagnostic.with_hint("rename one of them")
            }
            CheckError::BuiltInRedeclared { name, span } => {
                let diagnostic = Diagnostic::error(format!("type `{name}` is built in"))
                    .with_code("types::duplicate")
                    .with_primary(file, span.clone(), "this declares the built-in type again");
                if name == "continuation" {
                    diagnostic
                        .with_note(
                            "`a continuation` is built in: it is linear already, and has a \
                             hidden answer type and effect row",
                        )
                        .with_hint("remove this declaration and use the built-in `continuation`")
                } else {
                    diagnostic
                        .with_note(format!("`{name}` is one of the built-in types"))
                        .with_hint("remove this declaration, or give the new type a name of its own")
                }
            }
            CheckError::UnboundName { name, span, suggestion } => {
                let diagnostic = Diagnostic::error(format!("unbound name `{name}`"))
                    .with_code("types::unbound-name")
                    .with_primary(file, span.clone(), "nothing of this name is in scope here");
                match suggestion {
                    Some(similar) => diagnostic.with_hint(format!("did you mean `{similar}`?")),
                    None => diagnostic.with_hint("define it with `let` before this point, or declare it with `val`"),
                }
            }
            CheckError::UnknownConstructor { name, span, suggestion } => {
                let diagnostic = Diagnostic::error(format!("unknown constructor `{name}`"))
                    .with_code("types::unknown-constructor")
                    .with_primary(file, span.clone(), "no type declares a constructor of this name");
                match suggestion {
                    Some(similar) => diagnostic.with_hint(format!("did you mean `{similar}`?")),
                    None => diagnostic.with_hint(format!("declare it in a sum type: `type t = | {name} | ...`")),
                }
            }
            CheckError::ConstructorArity { name, expected, found, span } => Diagnostic::error(format!(
                "`{name}` takes {expected} argument{}",
                if *expected == 1 { "" } else { "s" }
            ))
            .with_code("types::constructor-arity")
            .with_primary(file, span.clone(), format!("given {found} here"))
            .with_note(format!("expected {expected}, found {found}"))
            .with_hint(if *expected > 1 {
                format!("write the arguments as a tuple: `{name} (a, b)`")
            } else if *expected == 1 {
                format!("give one argument: `{name} x`")
            } else {
                format!("`{name}` stands alone, without arguments")
            }),
            CheckError::UnknownOperation { name, span, suggestion } => {
                let diagnostic = Diagnostic::error(format!("unknown effect operation `{name}`"))
                    .with_code("types::unknown-operation")
                    .with_primary(file, span.clone(), "no declared effect has this operation");
                match suggestion {
                    Some(similar) => diagnostic.with_hint(format!("did you mean `{similar}`?")),
                    None => diagnostic.with_hint("declare it in an `effect` block: `effect E { op : a -> b }`"),
                }
            }
            CheckError::OperationArity { name, expected, found, span } => {
                Diagnostic::error(format!("`{name}` takes {expected} argument{}", if *expected == 1 { "" } else { "s" }))
                    .with_code("types::operation-arity")
                    .with_primary(file, span.clone(), format!("given {found} here"))
                    .with_note(format!("expected {expected}, found {found}"))
                    .with_hint("give the arguments its signature lists, one per arrow")
            }
            CheckError::TypeMismatch { expected, found, context, span } => {
                Diagnostic::error("mismatched types")
                    .with_code("types::mismatch")
                    .with_primary(file, span.clone(), format!("{context} has type `{found}`, but `{expected}` is expected here"))
                    .with_note(format!("expected: {expected}"))
                    .with_note(format!("   found: {found}"))
                    .with_hint(format!("change this expression to give a `{expected}`, or change what expects one"))
            }
            CheckError::RigidEscape { name, context, span } => {
                Diagnostic::error(format!("the operation's type variable `{name}` escapes its clause"))
                    .with_code("types::rigid-escape")
                    .with_primary(file, span.clone(), format!("{context} would make `{name}` one fixed type outside the clause"))
                    .with_note(format!("`{name}` is written in the operation's signature, so each `perform` chooses it anew; in the clause it stands for whatever that perform chose, and nothing outside the clause may depend on it"))
                    .with_note("letting it out would let one perform's value reach another that chose a different type (Koka issue koka-lang/koka#56)")
                    .with_hint(format!("use the value only inside the clause, or give the operation a concrete type instead of `{name}`"))
            }
            CheckError::InfiniteType { ty, span } => Diagnostic::error("this type would contain itself")
                .with_code("types::infinite-type")
                .with_primary(file, span.clone(), "inferring this needs an infinite type")
                .with_note(format!("the equation is {ty}"))
                .with_hint("a value is probably applied to itself, or put inside itself"),
            CheckError::EffectNotAllowed { effect, row, context, span } => {
                Diagnostic::error(format!("effect `{effect}` is not allowed here"))
                    .with_code("types::effect-not-allowed")
                    .with_primary(file, span.clone(), format!("this performs `{effect}`"))
                    .with_note(format!("{context} allows only {row}"))
                    .with_hint(format!("add `{effect}` to the row, or handle it with a handler for `{effect}`"))
            }
            CheckError::UnhandledEffect { effects, row, span } => {
                let list = effects.iter().map(|effect| format!("`{effect}`")).collect::<Vec<_>>().join(", ");
                Diagnostic::error(format!("`main` leaves {list} unhandled"))
                    .with_code("types::unhandled-effect")
                    .with_primary(file, span.clone(), format!("`main` performs {row}"))
                    .with_note("a bare program's bottom handlers discharge only `Mem` and `IO`")
                    .with_hint(format!("install a handler for {list} around the code that performs it: `with h in {{ ... }}`"))
            }
            CheckError::UnknownField { name, span, suggestion } => {
                let diagnostic = Diagnostic::error(format!("unknown field `{name}`"))
                    .with_code("types::unknown-field")
                    .with_primary(file, span.clone(), "no record type declares a field of this name");
                match suggestion {
                    Some(similar) => diagnostic.with_hint(format!("did you mean `{similar}`?")),
                    None => diagnostic.with_hint("declare a record type with this field"),
                }
            }
            CheckError::RecordFields { type_name, missing, extra, span } => {
                let mut diagnostic = Diagnostic::error(format!("wrong fields for a `{type_name}`"))
                    .with_code("types::record-fields")
                    .with_primary(file, span.clone(), format!("this record is a `{type_name}`"));
                if !missing.is_empty() {
                    diagnostic = diagnostic.with_note(format!("missing: {}", missing.join(", ")));
                }
                if !extra.is_empty() {
                    diagnostic = diagnostic.with_note(format!("not fields of `{type_name}`: {}", extra.join(", ")));
                }
                diagnostic.with_hint("give every field of the type once, and no other")
            }
            CheckError::ImmutableField { field, type_name, span } => {
                Diagnostic::error(format!("field `{field}` cannot be assigned"))
                    .with_code("types::immutable-field")
                    .with_primary(file, span.clone(), "this assigns to the field")
                    .with_note(format!("`{field}` of `{type_name}` is not declared `mutable`"))
                    .with_hint(format!("declare it `mutable {field} : ...` in `{type_name}`"))
            }
            CheckError::ImmutableVariable { name, span } => {
                Diagnostic::error(format!("variable `{name}` cannot be assigned"))
                    .with_code("types::immutable-variable")
                    .with_primary(file, span.clone(), "this assigns to the variable")
                    .with_note(format!("`{name}` is not bound by `let mutable`"))
                    .with_hint(format!("bind it with `let mutable {name} = ... in`"))
            }
            CheckError::RegionEscape { ty, culprit, span } => Diagnostic::error("a pointer escapes its region")
                .with_code("types::region-escape")
                .with_primary(file, span.clone(), format!("this region block returns `{ty}`"))
                .with_note(format!("a value of type `{culprit}` is a pointer to memory allocated in the region"))
                .with_note("the region's memory is reset when the block ends, so the block may return only `int`, `byte`, `char`, `bool`, `()` or sums whose constructors have no fields")
                .with_hint("return a value computed from the region's data, not the data itself"),
            CheckError::PrimitiveOutsideUnsafe { name, span } => {
                Diagnostic::error(format!("`{name}` needs `unsafe`"))
                    .with_code("types::primitive-outside-unsafe")
                    .with_primary(file, span.clone(), "a raw machine primitive, used outside an `unsafe` block")
                    .with_note("`__` primitives bypass the type-tag checks (Appendix B §3.4)")
                    .with_hint("wrap the use in `unsafe { ... }`, which adds `Unsafe` to the row")
            }
            CheckError::IntegerOutOfRange { value, span } => {
                Diagnostic::error(format!("integer literal {value} does not fit in 16 bits"))
                    .with_code("types::integer-out-of-range")
                    .with_primary(file, span.clone(), "out of range for `int`")
                    .with_note("a decimal `int` lies in -32768..=32767; a hexadecimal or binary one may be any 16-bit pattern")
                    .with_hint("write a smaller number, or the bit pattern in hexadecimal (`0xFFFF`)")
            }
            CheckError::NotAHandler { found, span } => Diagnostic::error("not a handler")
                .with_code("types::not-a-handler")
                .with_primary(file, span.clone(), format!("`with` needs a handler here, and this has type `{found}`"))
                .with_hint("install a handler value: a `handler` declaration, or a literal `{ | E.op x, k -> ... }`"),
            CheckError::StateWithoutParameter { span } => Diagnostic::error("`with state :=` in a handler without state")
                .with_code("types::state-without-parameter")
                .with_primary(file, span.clone(), "this updates the handler's state")
                .with_note("the state of a parameterised handler is its first parameter")
                .with_hint("declare the state as a parameter: `handler h (init : a) = { ... }`"),
            CheckError::ShallowInvoke { row, span } => {
                Diagnostic::error("`invoke` performs the handled effects again")
                    .with_code("types::shallow-invoke")
                    .with_primary(file, span.clone(), "this continues the captured computation outside the handler")
                    .with_note(format!("the continuation performs {row}, effects this `handle` was meant to handle"))
                    .with_note("a `handle ... with` clause runs outside its handler, so these effects would reach the clause's own row, which would have to contain itself")
                    .with_hint("write `resume k v`, which reinstalls the handler's clauses around the continuation")
            }
            CheckError::ValWithoutDefinition { name, span } => {
                Diagnostic::warning(format!("`{name}` is declared but never defined"))
                    .with_code("types::val-without-definition")
                    .with_primary(file, span.clone(), "this `val` has no `let` after it")
                    .with_note("the checker takes the signature on trust; a program that uses it cannot run")
                    .with_hint(format!("define it: `let {name} ... = ...`"))
            }
        }
    }
}
