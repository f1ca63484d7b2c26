//! The state of lowering: the functions being built (a stack, innermost
//! last), the names in scope, and how a name becomes an atom in the
//! function being built, capturing it from enclosing functions on the way
//! (closure conversion).

use std::collections::HashMap;

use cml_ir::{Atom, BlockId, FunctionId, GlobalId, LocalId, Span, Term, Value};

/// A variable's identity, unique across the lowering of a module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VarKey(pub u32);

/// What a name in scope stands for.
#[derive(Clone, Debug)]
pub enum VarKind {
    /// A variable of some function being built: a local there.
    Local,
    /// A top-level function (or a built-in one): its static closure.
    TopFunction(FunctionId),
    /// A top-level value in a global cell.
    Global(GlobalId),
}

/// A name in scope.
#[derive(Clone, Debug)]
pub struct Variable {
    /// Its identity.
    pub key: VarKey,
    /// What it is.
    pub kind: VarKind,
    /// `Some(n)` for a known function of n parameters: saturated calls
    /// use its n-ary entry.
    pub arity: Option<usize>,
}

/// The bindings of one function being built, and its pending `let`s.
#[derive(Debug)]
pub struct FunctionBuilder {
    /// Locals given out so far.
    pub next_local: u32,
    /// Join blocks given out so far.
    pub next_block: u32,
    /// Variables with a local in this function: its own and those loaded
    /// from its closure.
    pub bound: HashMap<VarKey, LocalId>,
    /// The capture group this function's closure follows (shared by a
    /// handler's run routine and its clauses).
    pub capture_group: usize,
    /// Captured variables this function loads in its prologue: (index in
    /// the group, local).
    pub loaded_captures: Vec<(usize, LocalId)>,
    /// The local holding the function's own closure, if it refers to it.
    pub self_local: Option<LocalId>,
}

impl FunctionBuilder {
    /// A new, empty function following `capture_group`.
    pub fn new(capture_group: usize) -> FunctionBuilder {
        FunctionBuilder {
            next_local: 0,
            next_block: 0,
            bound: HashMap::new(),
            capture_group,
            loaded_captures: Vec::new(),
            self_local: None,
        }
    }

    /// A fresh local.
    pub fn fresh_local(&mut self) -> LocalId {
        let local = LocalId(self.next_local);
        self.next_local += 1;
        local
    }

    /// A fresh join block.
    pub fn fresh_block(&mut self) -> BlockId {
        let block = BlockId(self.next_block);
        self.next_block += 1;
        block
    }

    /// The body with the prologue that loads the captured variables (and
    /// the function's own closure) in front.
    pub fn with_prologue(&self, body: Term) -> Term {
        let mut term = body;
        for (index, local) in self.loaded_captures.iter().rev() {
            term = Term::bind(*local, Value::LoadCaptured(*index), None, term);
        }
        if let Some(local) = self.self_local {
            term = Term::bind(local, Value::CurrentClosure, None, term);
        }
        term
    }
}

/// `let`s waiting for the term that follows them.
#[derive(Debug, Default)]
pub struct Sequence {
    lets: Vec<(Option<LocalId>, Value, Option<Span>)>,
}

impl Sequence {
    /// Appends a `let`.
    pub fn push(&mut self, local: Option<LocalId>, value: Value, span: Option<Span>) {
        self.lets.push((local, value, span));
    }

    /// The `let`s in front of `tail`.
    pub fn finish(self, tail: Term) -> Term {
        let mut term = tail;
        for (local, value, span) in self.lets.into_iter().rev() {
            term = Term::Let {
                local,
                value,
                span,
                body: Box::new(term),
            };
        }
        term
    }
}

/// Names in scope and the functions being built.
#[derive(Debug, Default)]
pub struct Scopes {
    /// Names, innermost last.
    pub names: Vec<(String, Variable)>,
    /// Functions being built, innermost last.
    pub builders: Vec<FunctionBuilder>,
    /// Capture groups: the variables each closure layout holds, in order.
    pub capture_groups: Vec<Vec<VarKey>>,
    next_key: u32,
}

impl Scopes {
    /// A fresh variable identity.
    pub fn fresh_key(&mut self) -> VarKey {
        let key = VarKey(self.next_key);
        self.next_key += 1;
        key
    }

    /// The innermost function being built.
    pub fn builder(&mut self) -> &mut FunctionBuilder {
        self.builders
            .last_mut()
            .expect("lowering always happens inside a function")
    }

    /// A new capture group.
    pub fn new_capture_group(&mut self) -> usize {
        self.capture_groups.push(Vec::new());
        self.capture_groups.len() - 1
    }

    /// Binds `name` to a new local of the innermost function, and returns
    /// the local.
    pub fn bind_local(&mut self, name: &str, arity: Option<usize>) -> LocalId {
        let key = self.fresh_key();
        let local = self.builder().fresh_local();
        self.builder().bound.insert(key, local);
        self.names.push((
            name.to_string(),
            Variable {
                key,
                kind: VarKind::Local,
                arity,
            },
        ));
        local
    }

    /// Binds `name` to an existing local of the innermost function.
    pub fn bind_existing_local(&mut self, name: &str, local: LocalId, arity: Option<usize>) {
        let key = self.fresh_key();
        self.builder().bound.insert(key, local);
        self.names.push((
            name.to_string(),
            Variable {
                key,
                kind: VarKind::Local,
                arity,
            },
        ));
    }

    /// Binds `name` to something that needs no local.
    pub fn bind_static(&mut self, name: &str, kind: VarKind, arity: Option<usize>) {
        let key = self.fresh_key();
        self.names
            .push((name.to_string(), Variable { key, kind, arity }));
    }

    /// How many names are in scope (to restore with [`Scopes::truncate`]).
    pub fn mark(&self) -> usize {
        self.names.len()
    }

    /// Forgets the names bound since `mark`.
    pub fn truncate(&mut self, mark: usize) {
        self.names.truncate(mark);
    }

    /// The variable `name` stands for.
    pub fn lookup(&self, name: &str) -> Option<Variable> {
        self.names
            .iter()
            .rev()
            .find(|(bound, _)| bound == name)
            .map(|(_, variable)| variable.clone())
    }

    /// The atom for a variable in the function at `depth` (an index into
    /// the builders), capturing it through every enclosing function that
    /// does not have it yet.
    pub fn atom_at(&mut self, variable: &Variable, depth: usize) -> Atom {
        match variable.kind {
            VarKind::TopFunction(function) => Atom::StaticClosure(function),
            VarKind::Global(_) => unreachable!("globals are loaded, not captured"),
            VarKind::Local => Atom::Local(self.local_at(variable.key, depth)),
        }
    }

    fn local_at(&mut self, key: VarKey, depth: usize) -> LocalId {
        if let Some(local) = self.builders[depth].bound.get(&key) {
            return *local;
        }
        assert!(depth > 0, "a variable in scope is bound in some function");
        let group = self.builders[depth].capture_group;
        let index = match self.capture_groups[group].iter().position(|k| *k == key) {
            Some(index) => index,
            None => {
                self.capture_groups[group].push(key);
                self.capture_groups[group].len() - 1
            }
        };
        let builder = &mut self.builders[depth];
        let local = builder.fresh_local();
        builder.bound.insert(key, local);
        builder.loaded_captures.push((index, local));
        local
    }

    /// The atoms, in the function enclosing the innermost one, of the
    /// variables of a capture group: what a closure of the group holds.
    pub fn captured_atoms(&mut self, group: usize) -> Vec<Atom> {
        let depth = self.builders.len() - 1;
        let keys = self.capture_groups[group].clone();
        keys.into_iter()
            .map(|key| Atom::Local(self.local_at(key, depth)))
            .collect()
    }
}
