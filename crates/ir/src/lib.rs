//! The back end's intermediate representation (`docs/backend.md`).
//!
//! Input: built by `cml-lower` from a checked CML module. Output: read by
//! `cml-codegen`, which turns it into assembly. A [`Program`] is static
//! strings, global cells and [`Function`]s; a function body is a [`Term`]
//! in A-normal form: every operand is an [`Atom`] (a local or a constant),
//! every intermediate result is bound by [`Term::Let`], closures are
//! already converted (a function reads its captured variables with
//! [`Value::LoadCaptured`]) and pattern matches are already decision trees
//! ([`Term::Switch`], [`Term::If`]) whose arm bodies are join blocks
//! ([`Term::Blocks`], [`Term::Jump`]).
//!
//! This crate must not know CML syntax (spans are plain byte ranges), nor
//! registers, instructions or addresses.

#![forbid(unsafe_code)]

use std::ops::Range;

/// A byte range in the CML source, for diagnostics and source comments.
pub type Span = Range<usize>;

/// A local variable of one function (a frame slot, once code is made).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalId(pub u32);

/// A function of the program (its index in [`Program::functions`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FunctionId(pub u32);

/// A join block of one function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlockId(pub u32);

/// A global cell (a top-level value), its index in [`Program::globals`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GlobalId(pub u32);

/// A string literal, its index in [`Program::strings`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StringId(pub u32);

/// An effect operation's hardware name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Effect {
    /// The family, 0 to 15.
    pub family: u8,
    /// The operation, 0 to 15.
    pub op: u8,
}

/// The private operation every handler run routine installs as a
/// tail-resumptive frame (INSTT), whose clause answers the environment of
/// the frame that serves it: a run routine performs it after its body
/// returns to learn whether its own instance is still installed
/// (`docs/backend.md`, "Shallow handlers and the instance probe").
///
/// It and [`REIFY`] live in family 0xE, which the manifest reserves for
/// the back end (user effects get 0x8-0xD): family 0xF is the hardware's,
/// and its ops 1 and 2 are device events (a key, a received byte).
pub const PROBE: Effect = Effect {
    family: BACK_END_FAMILY,
    op: 0,
};

/// The family the manifest reserves for the back end's private
/// operations (`docs/backend.md`, "Effects").
pub const BACK_END_FAMILY: u8 = 0xE;

/// The private operation `reify` performs to capture the continuation
/// that will run its function (`docs/backend.md`, "reify").
pub const REIFY: Effect = Effect {
    family: BACK_END_FAMILY,
    op: 1,
};

/// `Mem.alloc` (Appendix B §4.1, Appendix C.7 family 1): when a program
/// performs allocation ([`Program::allocation_performs`]) every heap
/// object the compiled code builds is requested with a PERF of this
/// operation, whose argument is one INT, the *request*: `size << 4 |
/// layout`, the header word of the object with variant 0 (`docs/backend.md`,
/// "Regions"). Its answer is a PTR to the object's payload, the header
/// written, as ALLOC leaves it.
pub const MEM_ALLOC: Effect = Effect { family: 1, op: 0 };

/// `Mem.free`: its argument is the pointer; regions and the bottom
/// handler ignore it.
pub const MEM_FREE: Effect = Effect { family: 1, op: 1 };

/// The back end's private operation that takes a chunk for a region's
/// arena from the runtime's free list of chunks (or a new one from the
/// heap): its answer is the chunk, its bookkeeping words set. Served by a
/// tail-resumptive frame the start routine installs (`docs/backend.md`,
/// "Regions").
pub const TAKE_CHUNK: Effect = Effect {
    family: BACK_END_FAMILY,
    op: 2,
};

/// The back end's private operation that gives every chunk of a region's
/// arena (its argument, the region's first chunk) back to the runtime's
/// free list of chunks; `()`.
pub const RELEASE_CHUNKS: Effect = Effect {
    family: BACK_END_FAMILY,
    op: 3,
};

/// An operand: a local or a constant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Atom {
    /// A local variable.
    Local(LocalId),
    /// An `int` (16 bits, as a bit pattern).
    Int(i16),
    /// A `bool`.
    Bool(bool),
    /// `()`.
    Unit,
    /// A string literal (a static STRING object).
    String(StringId),
    /// The static closure of a function that captures nothing.
    StaticClosure(FunctionId),
    /// A constant constructor: a static SUM object with this variant.
    Constant(u8),
}

/// An operation on integers (and booleans) done by one instruction or a
/// few.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Primitive {
    /// Wrapping `+`.
    Add,
    /// Wrapping `-`.
    Subtract,
    /// Wrapping `*`.
    Multiply,
    /// `/`, rounding toward zero.
    Divide,
    /// `mod`, with the sign of the dividend.
    Remainder,
    /// Signed `<`, giving a `bool`.
    Less,
    /// `==` on values of one immediate kind (INT, BOOL, UNIT): a `bool`.
    Equal,
    /// `not`.
    Not,
    /// `land`.
    BitAnd,
    /// `lor`.
    BitOr,
    /// `lxor`.
    BitXor,
    /// `lsl`.
    ShiftLeft,
    /// `lsr`.
    ShiftRight,
    /// `__inc p n`: the pointer `n` words on (INC; `n` an `Atom::Int`
    /// literal, 0 or more).
    Increment,
    /// `__dec p n`: the pointer `n` words back (DEC; `n` an `Atom::Int`
    /// literal, 0 or more).
    Decrement,
    /// `__halt ()`: HALT, the core stopped until a packet arrives; `()`.
    Halt,
    /// `__read_core_id_register ()`: the core-id control register (CSRR
    /// 3), an `int`. No atoms.
    CoreId,
    /// `__read_core_count ()`: the number of cores, from the boot ROM's
    /// parameter block (word 0xFF81); 1 when the machine was booted bare
    /// (the word is then 0). An `int`. No atoms.
    CoreCount,
    /// The atom (an INT: a hardware effect's payload) tagged PTR: the
    /// address of a heap object another core sent (SETTAG).
    PointerFromPayload,
}

/// A routine of the hand-written runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runtime {
    /// `^`: a new string, the two concatenated.
    Concat,
    /// The decimal text of an `int`.
    StringOfInt,
    /// Structural `==` on two values of any one type.
    Equal,
    /// The format string with its first `%d` replaced by the text
    /// (`Printf.sprintf`).
    FormatInt,
    /// A string of one character, the byte given (`string_of_byte`).
    StringOfByte,
    /// `__send_message core value`: a core-to-core message (C.3's op
    /// 0x04) to core `core` (atom 0) whose payload is `value`'s 16 bits
    /// (atom 1), through the boot ROM's binding of (7, core); `()`.
    SendMessage,
    /// `__hash v`: a structural hash of a value of any type (an `int`),
    /// such that values equal by [`Runtime::Equal`] hash alike.
    Hash,
}

/// What kind of heap object an allocation makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// A tuple, a record or a `ref` cell (layout RECORD).
    Record,
    /// A constructor with fields (layout SUM) and its variant number.
    Sum(u8),
}

/// A computation that yields one value, bound by [`Term::Let`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// The atom itself.
    Atom(Atom),
    /// An arithmetic or logical operation.
    Primitive(Primitive, Vec<Atom>),
    /// A call of a runtime routine.
    Runtime(Runtime, Vec<Atom>),
    /// A call of a closure with its n-ary entry (one argument per
    /// parameter; an unknown function value takes exactly one).
    Call {
        /// The closure.
        callee: Atom,
        /// The arguments (1 to 6: `cml-lower` passes those of a function
        /// of more than six parameters from the sixth on in a record).
        arguments: Vec<Atom>,
    },
    /// A new heap object holding these fields.
    Allocate {
        /// Its kind.
        kind: ObjectKind,
        /// Its fields, in order.
        fields: Vec<Atom>,
    },
    /// A new closure of `function` capturing these values.
    MakeClosure {
        /// The code.
        function: FunctionId,
        /// The captured values, in the function's order.
        captured: Vec<Atom>,
    },
    /// Field `index` of a record, tuple or constructor.
    Field {
        /// The object.
        object: Atom,
        /// The field's position.
        index: usize,
    },
    /// Overwrites a field; yields `()`.
    SetField {
        /// The object.
        object: Atom,
        /// The field's position.
        index: usize,
        /// The new value.
        value: Atom,
    },
    /// Captured variable `index` of the running function's closure.
    LoadCaptured(usize),
    /// Overwrites captured variable `index` of the running function's
    /// closure (a handler's state); yields `()`.
    SetCaptured {
        /// Which.
        index: usize,
        /// The new value.
        value: Atom,
    },
    /// The running function's own closure.
    CurrentClosure,
    /// The value of a global cell.
    LoadGlobal(GlobalId),
    /// Sets a global cell; yields `()`.
    StoreGlobal(GlobalId, Atom),
    /// `perform`: the value the handler resumes with.
    Perform {
        /// The operation.
        effect: Effect,
        /// Its argument.
        argument: Atom,
    },
    /// A non-tail `resume`/`invoke`: the answer of the resumed computation.
    Resume {
        /// Shallow `invoke` (RESUS) rather than RESU.
        shallow: bool,
        /// The continuation.
        continuation: Atom,
        /// The value delivered to the perform site.
        value: Atom,
    },
    /// Removes the frames a handler run installed (its normal exit);
    /// yields `()`.
    Uninstall(Vec<Effect>),
    /// In a handler's run routine: whether its own instance is still
    /// installed (performs [`PROBE`] and compares the answer with the
    /// run routine's closure); a `bool`.
    Installed,
    /// A term whose [`Term::Return`]s give the value (a non-tail `if` or
    /// `match`).
    Block(Box<Term>),
    /// `with region`'s entry: installs the region's tail-resumptive frames
    /// for [`MEM_ALLOC`] and [`MEM_FREE`] here, with the arena (the first
    /// chunk, from [`TAKE_CHUNK`]) as their environment; yields `()`. The
    /// exit is a [`Value::Uninstall`] of both and a [`RELEASE_CHUNKS`].
    InstallRegion(Atom),
}

/// A term: what a function body, a branch or a block is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    /// Computes `value`, binds it to `local` (if kept), continues.
    Let {
        /// The local bound, or `None` when the value is not used.
        local: Option<LocalId>,
        /// The computation.
        value: Value,
        /// The source it comes from, for source comments.
        span: Option<Span>,
        /// What follows.
        body: Box<Term>,
    },
    /// The value of the term.
    Return(Atom),
    /// A call whose value is the term's value.
    TailCall {
        /// The closure.
        callee: Atom,
        /// The arguments.
        arguments: Vec<Atom>,
    },
    /// A `resume` whose value is the term's value.
    TailResume {
        /// Shallow `invoke` (RESUS).
        shallow: bool,
        /// The continuation.
        continuation: Atom,
        /// The value delivered.
        value: Atom,
    },
    /// A two-way branch on a `bool`.
    If {
        /// The condition.
        condition: Atom,
        /// When true.
        then_branch: Box<Term>,
        /// When false.
        else_branch: Box<Term>,
    },
    /// A branch on the variant of a constructed value.
    Switch {
        /// The value (a PTR to a SUM object).
        scrutinee: Atom,
        /// How many constructors its type has (the jump table's length).
        variant_count: u8,
        /// The variants handled, each with its term.
        cases: Vec<(u8, Term)>,
        /// For every other variant.
        default: Option<Box<Term>>,
    },
    /// `body`, in which [`Term::Jump`]s go to the blocks.
    Blocks {
        /// The term that jumps.
        body: Box<Term>,
        /// The blocks, each ending the term as a whole does.
        blocks: Vec<(BlockId, Term)>,
    },
    /// Continues with a block of an enclosing [`Term::Blocks`].
    Jump(BlockId),
    /// A match with no arm for the value: stops the run.
    Fail(Span),
}

impl Term {
    /// `let local = value in body`: the one way lowering binds a value to
    /// a local it keeps.
    pub fn bind(local: LocalId, value: Value, span: Option<Span>, body: Term) -> Term {
        Term::Let {
            local: Some(local),
            value,
            span,
            body: Box::new(body),
        }
    }
}

/// How a function is entered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FunctionKind {
    /// By CALL or TCALL: parameters in v0-v5, closure in v6.
    Ordinary,
    /// By a handler's dispatch: v0 the operation's argument, v1 the
    /// continuation, v6 the handler closure, sp the prompt.
    Clause,
    /// A handler's run routine, of three parameters (the thunk or a
    /// continuation, a value, the mode): in mode 1 it installs a frame
    /// for each operation and the instance probe, then tail-calls the
    /// thunk; in mode 3 it RESUs the continuation with the value; in
    /// modes 0 and 2 it runs its body, which calls itself in mode 1 or 3
    /// (`docs/backend.md`, "Handler instances").
    HandlerRun {
        /// Each operation handled and its clause function.
        clauses: Vec<(Effect, FunctionId)>,
        /// Operations whose clause is tail-resumptive (installed with
        /// INSTT): their clause functions are [`FunctionKind::TailClause`].
        tail_clauses: Vec<(Effect, FunctionId)>,
        /// A deep handler (`with h in`): mode 1 installs (without the
        /// instance probe) and falls into the body, which calls the thunk
        /// and runs the return clause inside the handled computation's
        /// slice. Otherwise (shallow `handle`, `reify`) mode 1 installs
        /// with the probe and tail-calls the thunk.
        deep: bool,
    },
    /// A tail-resumptive clause, entered by PERF like a CALL (v0 the
    /// argument, v6 the handler closure, on top of the performer's
    /// stack): its value is the value it resumes with, returned by RET.
    TailClause,
}

/// A function: code with a frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// Its name, for labels and traces.
    pub name: String,
    /// How it is entered.
    pub kind: FunctionKind,
    /// Its parameters, in argument order.
    pub parameters: Vec<LocalId>,
    /// How many variables its closure captures.
    pub captured_count: usize,
    /// How many locals the body uses (ids 0..local_count).
    pub local_count: u32,
    /// Its body.
    pub body: Term,
    /// Where it is in the source.
    pub span: Option<Span>,
}

/// One line of the effect manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestEntry {
    /// The effect's name.
    pub effect_name: String,
    /// The operation's name.
    pub operation_name: String,
    /// Its number.
    pub effect: Effect,
}

/// A whole program.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Program {
    /// Every function; [`FunctionId`] indexes this.
    pub functions: Vec<Function>,
    /// String literals; [`StringId`] indexes this.
    pub strings: Vec<Vec<u8>>,
    /// The names of the global cells; [`GlobalId`] indexes this.
    pub globals: Vec<String>,
    /// The function the program starts with (one `()` parameter): it sets
    /// the globals and calls `main`.
    pub entry: Option<FunctionId>,
    /// Every effect operation and its number.
    pub manifest: Vec<ManifestEntry>,
    /// The operation the bottom console handler serves (`IO.print`).
    pub console_print: Option<Effect>,
    /// Whether every allocation performs [`MEM_ALLOC`] (the program has a
    /// `with region`, a `Mem` clause or a `perform Mem`); otherwise the
    /// bottom bump allocator is statically the handler of every
    /// allocation and the code uses ALLOC (Appendix B §4.2).
    pub allocation_performs: bool,
}

impl Program {
    /// The function with this id.
    pub fn function(&self, id: FunctionId) -> &Function {
        &self.functions[id.0 as usize]
    }
}
