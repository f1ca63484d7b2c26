//! Lowering: a checked CML module to the back end's IR
//! (`docs/backend.md`).
//!
//! Input: the module's syntax tree, which `cml-check` has accepted, and
//! the [`Declarations`] of the prelude and the module (constructors with
//! their variant numbers, record fields in declaration order, effects).
//! Output: an IR [`Program`] (`cml-ir`), or every construct the back end
//! cannot lower yet as a [`LowerError`] with its source span. Names are
//! resolved lexically, effects numbered (the manifest), closures converted,
//! pattern matches compiled to decision trees, and saturated calls of
//! known functions told apart from calls of unknown function values.
//!
//! This crate must not know registers, instructions, addresses or the
//! assembly syntax, and it trusts the checker: a program that does not
//! check is never lowered.

#![forbid(unsafe_code)]

mod builder;
mod convention;
mod effects;
mod expressions;
mod functions;
mod handlers;
mod local_functions;
mod memory;
mod patterns;
mod records;
mod tail_resumptive;

use std::collections::HashMap;

use cml_check::declarations::Declarations;
use cml_diagnostics::Diagnostic;
use cml_ir::{
    Atom, Effect, Function, FunctionId, FunctionKind, GlobalId, Program, Span, StringId, Term,
    Value,
};
use cml_syntax::ast::{self, Expr, Item, Pattern};

use builder::{FunctionBuilder, Scopes, Sequence, VarKind};
use effects::EffectNumbers;

/// A construct the back end cannot lower yet, or a program it cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LowerError {
    /// What is wrong.
    pub message: String,
    /// Where.
    pub span: Option<Span>,
    /// What to do instead, if anything.
    pub hint: Option<String>,
}

impl LowerError {
    /// The error as a diagnostic pointing into file `file`.
    pub fn to_diagnostic(&self, file: usize) -> Diagnostic {
        let mut diagnostic =
            Diagnostic::error(self.message.clone()).with_code("backend::not-supported");
        if let Some(span) = &self.span {
            diagnostic = diagnostic.with_primary(file, span.clone(), "here");
        }
        if let Some(hint) = &self.hint {
            diagnostic = diagnostic.with_hint(hint.clone());
        }
        diagnostic
    }
}

/// A module of the standard library, already checked, lowered with the
/// program (`docs/backend.md`, "The standard library").
#[derive(Clone, Debug)]
pub struct LibraryModule {
    /// `None` for the unqualified functions (`print_newline`), else the
    /// module's name (`Queue`): its top-level names are bound as
    /// `Queue.push` for the program.
    pub name: Option<String>,
    /// Its syntax tree.
    pub module: ast::Module,
    /// Its declarations (with the prelude's).
    pub declarations: Declarations,
    /// Functions of one `()` parameter that the program sees as values
    /// made afresh at each use (`Queue.empty`): a use is a call.
    pub fresh: Vec<String>,
}

/// Lowers a checked module to an IR program.
pub fn lower_module(
    module: &ast::Module,
    declarations: &Declarations,
) -> Result<Program, Vec<LowerError>> {
    lower_program(module, declarations, &[])
}

/// Lowers a checked module with the standard library modules it uses.
pub fn lower_program<'a>(
    module: &ast::Module,
    declarations: &'a Declarations,
    library: &'a [LibraryModule],
) -> Result<Program, Vec<LowerError>> {
    let mut lowerer = Lowerer::new(declarations);
    lowerer.library = library;
    let allocation_performs =
        memory::uses_memory_effect(module, &|path| lowerer.is_memory_operation(path));
    lowerer.allocation_performs = allocation_performs;
    lowerer.module(module);
    if lowerer.errors.is_empty() {
        Ok(lowerer.finish())
    } else {
        Err(lowerer.errors)
    }
}

/// The state of lowering one module.
pub(crate) struct Lowerer<'a> {
    pub(crate) declarations: &'a Declarations,
    pub(crate) effects: EffectNumbers,
    pub(crate) scopes: Scopes,
    functions: Vec<Option<Function>>,
    /// Each function's capture group, to count its captured variables at
    /// the end (a handler's group grows while its clauses are lowered).
    function_groups: Vec<(FunctionId, usize)>,
    strings: Vec<Vec<u8>>,
    string_ids: HashMap<Vec<u8>, StringId>,
    globals: Vec<String>,
    pub(crate) errors: Vec<LowerError>,
    pub(crate) curry_steps: HashMap<(usize, usize), FunctionId>,
    pub(crate) builtins: HashMap<&'static str, FunctionId>,
    pub(crate) constructor_functions: HashMap<String, FunctionId>,
    /// The state parameter of the handler whose clauses are being lowered.
    pub(crate) handler_state: Option<builder::VarKey>,
    /// The handler kinds of the clauses being lowered, innermost last
    /// (`true`: shallow): what `invoke` means.
    pub(crate) clause_contexts: Vec<ClauseContext>,
    /// The run routine and body thunk of `reify`, once built.
    pub(crate) reify: Option<(FunctionId, FunctionId)>,
    /// The standard library modules to lower before the program.
    library: &'a [LibraryModule],
    /// The variables bound by `let mutable`: cells.
    pub(crate) mutable_cells: std::collections::HashSet<builder::VarKey>,
    /// Library values made afresh at each use (`Queue.empty`).
    pub(crate) fresh_values: std::collections::HashSet<String>,
    entry: Option<FunctionId>,
    /// Whether every allocation performs `Mem.alloc` ([`memory`]).
    pub(crate) allocation_performs: bool,
}

impl<'a> Lowerer<'a> {
    fn new(declarations: &'a Declarations) -> Lowerer<'a> {
        let effects = EffectNumbers::assign(declarations);
        let mut errors = Vec::new();
        for name in &effects.overflow {
            errors.push(LowerError {
                message: format!("effect `{name}` does not fit in the user families 0x8-0xD"),
                span: declarations.effects.get(name).and_then(|e| e.span.clone()),
                hint: Some("a program has 7 families of 16 operations for its own effects".into()),
            });
        }
        Lowerer {
            declarations,
            effects,
            scopes: Scopes::default(),
            functions: Vec::new(),
            function_groups: Vec::new(),
            strings: Vec::new(),
            string_ids: HashMap::new(),
            globals: Vec::new(),
            errors,
            curry_steps: HashMap::new(),
            builtins: HashMap::new(),
            constructor_functions: HashMap::new(),
            handler_state: None,
            clause_contexts: Vec::new(),
            reify: None,
            library: &[],
            fresh_values: std::collections::HashSet::new(),
            mutable_cells: std::collections::HashSet::new(),
            entry: None,
            allocation_performs: false,
        }
    }

    /// Reports a construct the back end cannot lower yet.
    pub(crate) fn unsupported(&mut self, what: &str, span: Span) {
        self.errors.push(LowerError {
            message: format!("{what} is not supported yet by the back end"),
            span: Some(span),
            hint: None,
        });
    }

    /// The id of a string literal.
    pub(crate) fn string(&mut self, bytes: &[u8]) -> StringId {
        if let Some(id) = self.string_ids.get(bytes) {
            return *id;
        }
        let id = StringId(self.strings.len() as u32);
        self.strings.push(bytes.to_vec());
        self.string_ids.insert(bytes.to_vec(), id);
        id
    }

    /// A function id whose function is set later by [`Lowerer::end_function`].
    pub(crate) fn reserve_function(&mut self) -> FunctionId {
        self.functions.push(None);
        FunctionId(self.functions.len() as u32 - 1)
    }

    /// Starts building a function following `group`.
    pub(crate) fn begin_function(&mut self, group: usize) {
        self.scopes.builders.push(FunctionBuilder::new(group));
    }

    /// Finishes the innermost function: its prologue, its record.
    pub(crate) fn end_function(
        &mut self,
        id: FunctionId,
        name: String,
        kind: FunctionKind,
        parameters: Vec<cml_ir::LocalId>,
        body: Term,
        span: Option<Span>,
    ) {
        let builder = self
            .scopes
            .builders
            .pop()
            .expect("a function is being built");
        let body = builder.with_prologue(body);
        self.function_groups.push((id, builder.capture_group));
        self.functions[id.0 as usize] = Some(Function {
            name,
            kind,
            parameters,
            captured_count: 0,
            local_count: builder.next_local,
            body,
            span,
        });
    }

    /// Sets a function built directly as IR (not from source).
    pub(crate) fn define_function(&mut self, id: FunctionId, function: Function) {
        self.functions[id.0 as usize] = Some(function);
    }

    /// Whether `invoke` continues without the handler (RESUS): in a
    /// shallow handler's clause, or outside every clause (a stored
    /// continuation, such as `reify`'s, continued as captured).
    pub(crate) fn invoke_is_shallow(&self) -> bool {
        self.clause_contexts
            .last()
            .is_none_or(|context| context.shallow)
    }

    fn module(&mut self, module: &ast::Module) {
        let entry = self.reserve_function();
        self.entry = Some(entry);
        let group = self.scopes.new_capture_group();
        self.begin_function(group);
        let unit = self.scopes.builder().fresh_local();
        let mut sequence = Sequence::default();
        let library = self.library;
        for library_module in library {
            self.library_module(library_module, &mut sequence);
        }
        for item in &module.items {
            match item {
                Item::Let(declaration) => self.top_level_let(declaration, &mut sequence),
                Item::Handler(declaration) => self.top_level_handler(declaration, &mut sequence),
                Item::Type(_) | Item::Effect(_) | Item::Val(_) | Item::Error(_) => {}
            }
        }
        let tail = match self.scopes.lookup("main") {
            Some(variable) => match variable.kind {
                VarKind::TopFunction(main) => Term::TailCall {
                    callee: Atom::StaticClosure(main),
                    arguments: vec![Atom::Unit],
                },
                _ => Term::Return(Atom::Unit),
            },
            None => {
                self.errors.push(LowerError {
                    message: "the program has no `main`".into(),
                    span: None,
                    hint: Some("define `let main () = ...`: `cml run` calls it".into()),
                });
                Term::Return(Atom::Unit)
            }
        };
        let body = sequence.finish(tail);
        self.end_function(
            entry,
            "__entry".into(),
            FunctionKind::Ordinary,
            vec![unit],
            body,
            None,
        );
    }

    /// Lowers a library module with its own declarations and binds its
    /// top-level names for the program (qualified when it has a name).
    fn library_module(&mut self, library: &'a LibraryModule, sequence: &mut Sequence) {
        // The prelude's constructors the module's code relies on: option
        // and list everywhere, result in the module over results.
        let result: &[&str] = if library.name.as_deref() == Some("Result") {
            &["Ok", "Error"]
        } else {
            &[]
        };
        for &constructor in ["None", "Some", "Nil", "Cons"].iter().chain(result) {
            let program = self.declarations.constructors.get(constructor);
            let own = library.declarations.constructors.get(constructor);
            if program.map(|info| info.index) != own.map(|info| info.index) {
                self.errors.push(LowerError {
                    message: format!(
                        "the program declares `{constructor}` in another place than the prelude, \
                         which the standard library's compiled code relies on"
                    ),
                    span: None,
                    hint: Some(
                        "declare `option`, `list` and `result` as the prelude does, or not at all"
                            .into(),
                    ),
                });
                return;
            }
        }
        let program_declarations = self.declarations;
        self.declarations = &library.declarations;
        let mark = self.scopes.mark();
        for item in &library.module.items {
            match item {
                Item::Let(declaration) => self.top_level_let(declaration, sequence),
                Item::Handler(declaration) => self.top_level_handler(declaration, sequence),
                Item::Type(_) | Item::Effect(_) | Item::Val(_) | Item::Error(_) => {}
            }
        }
        self.declarations = program_declarations;
        let Some(module_name) = &library.name else {
            return;
        };
        let bound: Vec<(String, builder::Variable)> = self.scopes.names[mark..].to_vec();
        self.scopes.truncate(mark);
        for (name, variable) in bound {
            let dotted = format!("{module_name}.{name}");
            if library.fresh.contains(&name) {
                self.fresh_values.insert(dotted.clone());
            }
            self.scopes.names.push((dotted, variable));
        }
    }

    fn top_level_let(&mut self, declaration: &ast::LetDecl, sequence: &mut Sequence) {
        let functions: Vec<_> = declaration
            .bindings
            .iter()
            .filter_map(|binding| function_shape(binding).map(|shape| (binding, shape)))
            .collect();
        if functions.len() == declaration.bindings.len() {
            let ids: Vec<FunctionId> = functions.iter().map(|_| self.reserve_function()).collect();
            let names: Vec<(String, FunctionId, usize)> = functions
                .iter()
                .zip(&ids)
                .filter_map(|((_, (pattern, parameters, _)), id)| {
                    pattern_name(pattern).map(|name| (name.to_string(), *id, parameters.len()))
                })
                .collect();
            let bind = |lowerer: &mut Lowerer| {
                for (name, id, arity) in &names {
                    lowerer
                        .scopes
                        .bind_static(name, VarKind::TopFunction(*id), Some(*arity));
                }
            };
            if declaration.recursive {
                bind(self);
            }
            for ((binding, (pattern, parameters, body)), id) in functions.iter().zip(&ids) {
                let name = pattern_name(pattern).unwrap_or("_").to_string();
                self.lower_function_into(*id, &name, parameters, body, None, binding.span.clone());
            }
            if !declaration.recursive {
                bind(self);
            }
            return;
        }
        for binding in &declaration.bindings {
            if function_shape(binding).is_some() {
                self.unsupported(
                    "a top-level `let` mixing functions and values",
                    binding.span.clone(),
                );
                continue;
            }
            let Some(name) = pattern_name(&binding.pattern) else {
                self.unsupported("a top-level `let` with a pattern", binding.pattern.span());
                continue;
            };
            let name = name.to_string();
            let atom = self.lower_value(&binding.body, sequence);
            let global = self.new_global(&name);
            sequence.push(
                None,
                Value::StoreGlobal(global, atom),
                Some(binding.span.clone()),
            );
            self.scopes
                .bind_static(&name, VarKind::Global(global), None);
        }
    }

    /// A `handler` declaration. With parameters it is a top-level
    /// function returning the handler value; its `and` bindings (chapter
    /// 17's `and schedule_next s = ...`) are top-level functions of the
    /// same recursive group, so the clauses call them and they (and the
    /// clauses) may install the handler again. An `and` binding that uses
    /// the handler's parameters without taking them as its own is not
    /// supported: its name is unbound here, a `backend::not-supported`
    /// diagnostic.
    fn top_level_handler(&mut self, declaration: &ast::HandlerDecl, sequence: &mut Sequence) {
        if !declaration.and_bindings.is_empty() && declaration.parameters.is_empty() {
            self.unsupported(
                "a handler without parameters declared with `and` bindings",
                declaration.span.clone(),
            );
            return;
        }
        let mut group = Vec::new();
        for binding in &declaration.and_bindings {
            match function_shape(binding) {
                Some((pattern, parameters, body)) if pattern_name(pattern).is_some() => {
                    group.push((binding, pattern, parameters, body, self.reserve_function()));
                }
                _ => {
                    self.unsupported(
                        "an `and` binding that is not a function",
                        binding.span.clone(),
                    );
                    return;
                }
            }
        }
        let name = declaration.name.text.clone();
        if declaration.parameters.is_empty() && matches!(declaration.body, Expr::Let { .. }) {
            // Local state (`handler in_memory_kv = { let store = ... in {
            // clauses } }`, chapter 16) is allocated at each
            // installation: the handler is a function of `()` and a use of
            // its name is a call, as for `Queue.empty`.
            let id = self.reserve_function();
            let unit = ast::Parameter {
                pattern: Pattern::Wildcard(declaration.name.span.clone()),
                annotation: None,
                span: declaration.name.span.clone(),
            };
            self.lower_function_into(
                id,
                &name,
                &[unit],
                &declaration.body,
                None,
                declaration.span.clone(),
            );
            self.scopes
                .bind_static(&name, VarKind::TopFunction(id), Some(1));
            self.fresh_values.insert(name);
            return;
        }
        if declaration.parameters.is_empty() {
            let atom = self.lower_value(&declaration.body, sequence);
            let global = self.new_global(&name);
            sequence.push(
                None,
                Value::StoreGlobal(global, atom),
                Some(declaration.span.clone()),
            );
            self.scopes
                .bind_static(&name, VarKind::Global(global), None);
            return;
        }
        let id = self.reserve_function();
        self.scopes.bind_static(
            &name,
            VarKind::TopFunction(id),
            Some(declaration.parameters.len()),
        );
        for (_, pattern, parameters, _, function) in &group {
            let and_name = pattern_name(pattern).unwrap_or("_");
            self.scopes.bind_static(
                and_name,
                VarKind::TopFunction(*function),
                Some(parameters.len()),
            );
        }
        let state = declaration.parameters.first().map(|p| p.pattern.clone());
        self.lower_function_into(
            id,
            &name,
            &declaration.parameters,
            &declaration.body,
            state.as_ref(),
            declaration.span.clone(),
        );
        for (binding, pattern, parameters, body, function) in group {
            let and_name = pattern_name(pattern).unwrap_or("_").to_string();
            self.lower_function_into(
                function,
                &and_name,
                &parameters,
                body,
                None,
                binding.span.clone(),
            );
        }
    }

    fn new_global(&mut self, name: &str) -> GlobalId {
        self.globals.push(name.to_string());
        GlobalId(self.globals.len() as u32 - 1)
    }

    fn finish(mut self) -> Program {
        for (id, group) in std::mem::take(&mut self.function_groups) {
            let count = self.scopes.capture_groups[group].len();
            if let Some(function) = &mut self.functions[id.0 as usize] {
                function.captured_count = count;
            }
        }
        let console_print = self.effects.number("IO", "print");
        let mut functions: Vec<Function> = self
            .functions
            .into_iter()
            .map(|function| function.expect("every reserved function is built"))
            .collect();
        convention::apply(&mut functions);
        Program {
            functions,
            strings: self.strings,
            globals: self.globals,
            entry: self.entry,
            manifest: self.effects.manifest.clone(),
            console_print,
            allocation_performs: self.allocation_performs,
        }
    }

    /// How many curried arguments an operation takes (the arrows of its
    /// signature; 0 for `effect Yield : unit`). An operation of several
    /// arguments receives them packed in a tuple (`docs/backend.md`).
    pub(crate) fn operation_arity(&self, path: &ast::Path) -> usize {
        let Some((effect, operation)) = self.effects.resolve(self.declarations, path) else {
            return 0;
        };
        let Some(info) = self
            .declarations
            .effects
            .get(&effect)
            .and_then(|info| info.operation(&operation))
        else {
            return 0;
        };
        let mut count = 0;
        let mut ty = &info.signature;
        while let cml_types::Type::Function(_, result, _) = ty {
            count += 1;
            ty = result;
        }
        count
    }

    /// The number of the operation a path names, reporting it if unknown.
    pub(crate) fn operation(&mut self, path: &ast::Path) -> Option<(String, Effect)> {
        let resolved = self.effects.resolve(self.declarations, path);
        let Some((effect, operation)) = resolved else {
            self.unsupported(
                &format!("the operation `{}`", path.dotted()),
                path.span.clone(),
            );
            return None;
        };
        match self.effects.number(&effect, &operation) {
            Some(number) => Some((effect, number)),
            None => {
                self.unsupported(
                    &format!("the operation `{}`", path.dotted()),
                    path.span.clone(),
                );
                None
            }
        }
    }
}

/// The clause whose body is being lowered (what `resume` refers to).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClauseContext {
    /// A shallow handler's clause (`handle`).
    pub shallow: bool,
    /// The clause function's index among the functions being built.
    pub depth: usize,
    /// The hidden variable holding the handler closure.
    pub handler: builder::VarKey,
    /// How many non-tail blocks of the clause function enclose the
    /// expression being lowered.
    pub blocks: usize,
    /// A tail-resumptive clause (INSTT): its `resume k v` returns `v`.
    pub tail_resumptive: bool,
}

/// The name, parameters and body of a binding that defines a function:
/// `let f x = e`, or `let f = fun x -> e`.
fn function_shape(binding: &ast::Binding) -> Option<(&Pattern, Vec<ast::Parameter>, &Expr)> {
    if !binding.parameters.is_empty() {
        return Some((&binding.pattern, binding.parameters.clone(), &binding.body));
    }
    pattern_name(&binding.pattern)?;
    let mut body = &binding.body;
    while let Expr::Annotated(inner, _, _) = body {
        body = inner;
    }
    match body {
        Expr::Lambda {
            parameters, body, ..
        } => Some((&binding.pattern, parameters.clone(), body)),
        _ => None,
    }
}

/// The name a pattern binds, if it is a plain variable.
pub(crate) fn pattern_name(pattern: &Pattern) -> Option<&str> {
    match pattern {
        Pattern::Variable(name) => Some(&name.text),
        Pattern::Annotated(inner, _, _) => pattern_name(inner),
        _ => None,
    }
}
