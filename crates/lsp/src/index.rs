//! The names of one module: its top-level definitions ([`Symbol`]s), every
//! place its text names one of them ([`Reference`]s), its local names
//! where bound and used ([`LocalReference`]s), and the names it uses but
//! does not define ([`ExternalReference`]s, which the prelude may declare).
//!
//! Input: a parsed [`Module`] (possibly with `Error` nodes). Output: an
//! [`Index`]. Names are resolved the way CML scopes them: a local binding
//! (a parameter, a `let ... in`, a pattern, a clause's continuation)
//! hides a top-level value of the same name. This index knows only what
//! the module itself declares; it must not know types.

use cml_syntax::ast::{
    Binding, Clause, EffectRow, Expr, Item, Module, Name, Parameter, Path, Pattern, Span, TypeBody,
    TypeExpr,
};

/// What a top-level name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// A `let` with parameters, or bound to a `fun`.
    Function,
    /// A `let` without parameters.
    Value,
    /// A `handler` declaration.
    Handler,
    /// A `val` signature without a definition in the module.
    Signature,
    /// A `type` declaration.
    Type,
    /// A constructor of a sum type.
    Constructor,
    /// A field of a record type.
    Field,
    /// An `effect` declaration.
    Effect,
    /// An operation of an effect declared with braces.
    Operation,
}

impl SymbolKind {
    /// Whether a use of a lowercase variable can name this symbol.
    fn is_value(self) -> bool {
        matches!(
            self,
            SymbolKind::Function | SymbolKind::Value | SymbolKind::Handler
        )
    }
}

/// A top-level definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// Its name.
    pub name: String,
    /// What it is.
    pub kind: SymbolKind,
    /// Where its name is written in its definition.
    pub name_span: Span,
    /// The whole definition (the binding, the declaration, the variant).
    pub span: Span,
    /// The symbol it belongs to: a constructor's or field's type, an
    /// operation's effect.
    pub parent: Option<usize>,
}

/// A place in the text that names a symbol (its definition included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The name as written.
    pub span: Span,
    /// The index of the symbol in [`Index::symbols`].
    pub symbol: usize,
}

/// A place in the text that names a local binding (its binder included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalReference {
    /// The name as written.
    pub span: Span,
    /// The span of the name where it is bound (a parameter, a pattern's
    /// variable, a local `let`).
    pub binder: Span,
}

/// What a name not defined in the module can be: which of the prelude's
/// declarations it may mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Namespace {
    /// A value (`print_string`, `Queue.push`).
    Value,
    /// A constructor (`Some`, `Cons`).
    Constructor,
    /// A type or an effect, as written in a type (`list`, `IO`).
    Type,
    /// An effect operation (`IO.print`).
    Operation,
}

/// A place in the text that names something the module does not define
/// (the prelude's, or nothing's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalReference {
    /// The name as written (the whole path when qualified).
    pub span: Span,
    /// What it may be.
    pub namespace: Namespace,
    /// Its segments (`["Queue", "push"]`).
    pub path: Vec<String>,
}

/// The top-level names of a module and the places that name them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Index {
    /// Every top-level definition, in source order (a type's constructors
    /// and fields, and an effect's operations, right after it).
    pub symbols: Vec<Symbol>,
    /// Every resolved name, in the order the walk met them.
    pub references: Vec<Reference>,
    /// Every name of a local binding, where bound and where used.
    pub locals: Vec<LocalReference>,
    /// Every name the module uses but does not define.
    pub externals: Vec<ExternalReference>,
}

impl Index {
    /// The index of a module.
    pub fn of(module: &Module) -> Index {
        let mut index = Index::default();
        for item in &module.items {
            index.declare(item);
        }
        let mut walker = Walker {
            index: &mut index,
            locals: Vec::new(),
        };
        for item in &module.items {
            walker.item(item);
        }
        index
    }

    /// The symbol named at this byte offset, by a reference or by its own
    /// definition, with the span of the name there.
    pub fn symbol_at(&self, offset: usize) -> Option<(usize, Span)> {
        let contains = |span: &Span| span.start <= offset && offset <= span.end;
        self.references
            .iter()
            .filter(|reference| contains(&reference.span))
            .min_by_key(|reference| reference.span.len())
            .map(|reference| (reference.symbol, reference.span.clone()))
    }

    /// The local binding named at this byte offset, with the span of the
    /// name there.
    pub fn local_at(&self, offset: usize) -> Option<&LocalReference> {
        self.locals
            .iter()
            .filter(|reference| reference.span.start <= offset && offset <= reference.span.end)
            .min_by_key(|reference| reference.span.len())
    }

    /// The name the module uses but does not define at this byte offset.
    pub fn external_at(&self, offset: usize) -> Option<&ExternalReference> {
        self.externals
            .iter()
            .filter(|reference| reference.span.start <= offset && offset <= reference.span.end)
            .min_by_key(|reference| reference.span.len())
    }

    /// The children of a symbol (constructors, fields, operations).
    pub fn children(&self, parent: usize) -> impl Iterator<Item = (usize, &Symbol)> {
        self.symbols
            .iter()
            .enumerate()
            .filter(move |(_, symbol)| symbol.parent == Some(parent))
    }

    fn push(&mut self, name: &Name, kind: SymbolKind, span: &Span, parent: Option<usize>) -> usize {
        self.symbols.push(Symbol {
            name: name.text.clone(),
            kind,
            name_span: name.span.clone(),
            span: span.clone(),
            parent,
        });
        let symbol = self.symbols.len() - 1;
        self.references.push(Reference {
            span: name.span.clone(),
            symbol,
        });
        symbol
    }

    fn declare(&mut self, item: &Item) {
        match item {
            Item::Type(declaration) => {
                let ty = self.push(&declaration.name, SymbolKind::Type, &declaration.span, None);
                match &declaration.body {
                    TypeBody::Sum(variants) => {
                        for variant in variants {
                            self.push(
                                &variant.name,
                                SymbolKind::Constructor,
                                &variant.span,
                                Some(ty),
                            );
                        }
                    }
                    TypeBody::Record(fields) => {
                        for field in fields {
                            self.push(&field.name, SymbolKind::Field, &field.span, Some(ty));
                        }
                    }
                    TypeBody::Abstract | TypeBody::Alias(_) => {}
                }
            }
            Item::Effect(declaration) => {
                let effect = self.push(
                    &declaration.name,
                    SymbolKind::Effect,
                    &declaration.span,
                    None,
                );
                if !declaration.single_operation {
                    for operation in &declaration.operations {
                        self.push(
                            &operation.name,
                            SymbolKind::Operation,
                            &operation.span,
                            Some(effect),
                        );
                    }
                }
            }
            Item::Handler(declaration) => {
                self.push(
                    &declaration.name,
                    SymbolKind::Handler,
                    &declaration.span,
                    None,
                );
                for binding in &declaration.and_bindings {
                    self.declare_binding(binding);
                }
            }
            Item::Let(declaration) => {
                for binding in &declaration.bindings {
                    self.declare_binding(binding);
                }
            }
            Item::Val(declaration) => {
                self.push(
                    &declaration.name,
                    SymbolKind::Signature,
                    &declaration.span,
                    None,
                );
            }
            Item::Error(_) => {}
        }
    }

    fn declare_binding(&mut self, binding: &Binding) {
        match &binding.pattern {
            Pattern::Variable(name) => {
                let kind = if !binding.parameters.is_empty()
                    || matches!(binding.body, Expr::Lambda { .. })
                {
                    SymbolKind::Function
                } else {
                    SymbolKind::Value
                };
                self.push(name, kind, &binding.span, None);
            }
            pattern => {
                let mut names = Vec::new();
                pattern_variables(pattern, &mut names);
                for name in names {
                    self.push(&name, SymbolKind::Value, &binding.span, None);
                }
            }
        }
    }

    /// The top-level symbol a name written at `offset` means: the last
    /// definition of that name and kind before it, or else the first one
    /// (a use in a recursive group, before its definition).
    fn resolve(
        &self,
        text: &str,
        offset: usize,
        wanted: impl Fn(SymbolKind) -> bool,
    ) -> Option<usize> {
        let candidates = self
            .symbols
            .iter()
            .enumerate()
            .filter(|(_, symbol)| symbol.name == text && wanted(symbol.kind));
        let first = candidates.clone().next().map(|(index, _)| index);
        candidates
            .filter(|(_, symbol)| symbol.name_span.start <= offset)
            .last()
            .map(|(index, _)| index)
            .or(first)
    }

    /// A value: a definition, else a `val` signature.
    fn resolve_value(&self, name: &Name) -> Option<usize> {
        self.resolve(&name.text, name.span.start, SymbolKind::is_value)
            .or_else(|| {
                self.resolve(&name.text, name.span.start, |kind| {
                    kind == SymbolKind::Signature
                })
            })
    }
}

/// The variables a pattern binds, in order.
fn pattern_variables(pattern: &Pattern, names: &mut Vec<Name>) {
    match pattern {
        Pattern::Variable(name) => names.push(name.clone()),
        Pattern::Constructor { arguments, .. } | Pattern::Tuple(arguments, _) => {
            for argument in arguments {
                pattern_variables(argument, names);
            }
        }
        Pattern::List(elements, _) | Pattern::Or(elements, _) => {
            for element in elements {
                pattern_variables(element, names);
            }
        }
        Pattern::Record { fields, .. } => {
            for (field, pattern) in fields {
                match pattern {
                    Some(pattern) => pattern_variables(pattern, names),
                    None => names.push(field.clone()),
                }
            }
        }
        Pattern::Cons(head, tail, _) => {
            pattern_variables(head, names);
            pattern_variables(tail, names);
        }
        Pattern::Annotated(inner, _, _) => pattern_variables(inner, names),
        Pattern::Wildcard(_) | Pattern::Literal(_) | Pattern::Error(_) => {}
    }
}

/// The walk over a module's bodies that records references, with the
/// local names in scope.
struct Walker<'i> {
    index: &'i mut Index,
    locals: Vec<Name>,
}

impl Walker<'_> {
    fn refer(&mut self, span: &Span, symbol: Option<usize>) {
        if let Some(symbol) = symbol {
            let reference = Reference {
                span: span.clone(),
                symbol,
            };
            if !self.index.references.contains(&reference) {
                self.index.references.push(reference);
            }
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Type(declaration) => match &declaration.body {
                TypeBody::Abstract => {}
                TypeBody::Alias(ty) => self.ty(ty),
                TypeBody::Sum(variants) => {
                    for field in variants.iter().flat_map(|variant| &variant.fields) {
                        self.ty(field);
                    }
                }
                TypeBody::Record(fields) => {
                    for field in fields {
                        self.ty(&field.ty);
                    }
                }
            },
            Item::Effect(declaration) => {
                for operation in &declaration.operations {
                    self.ty(&operation.signature);
                }
            }
            Item::Handler(declaration) => {
                let mark = self.locals.len();
                self.parameters(&declaration.parameters);
                if let Some(annotation) = &declaration.annotation {
                    self.ty(annotation);
                }
                self.expression(&declaration.body);
                for binding in &declaration.and_bindings {
                    self.binding_body(binding);
                }
                self.locals.truncate(mark);
            }
            Item::Let(declaration) => {
                for binding in &declaration.bindings {
                    self.binding_body(binding);
                }
            }
            Item::Val(declaration) => self.ty(&declaration.ty),
            Item::Error(_) => {}
        }
    }

    /// A binding's parameters, annotation and body; the names it binds
    /// are bound by the caller.
    fn binding_body(&mut self, binding: &Binding) {
        let mark = self.locals.len();
        self.pattern_uses(&binding.pattern);
        self.parameters(&binding.parameters);
        if let Some(annotation) = &binding.annotation {
            self.ty(annotation);
        }
        self.expression(&binding.body);
        self.locals.truncate(mark);
    }

    fn parameters(&mut self, parameters: &[Parameter]) {
        for parameter in parameters {
            self.bind(&parameter.pattern);
            if let Some(annotation) = &parameter.annotation {
                self.ty(annotation);
            }
        }
    }

    /// Records the constructors and types a pattern names and binds its
    /// variables.
    fn bind(&mut self, pattern: &Pattern) {
        self.pattern_uses(pattern);
        let mut names = Vec::new();
        pattern_variables(pattern, &mut names);
        self.push_locals(names);
    }

    fn pattern_uses(&mut self, pattern: &Pattern) {
        match pattern {
            Pattern::Constructor {
                path, arguments, ..
            } => {
                self.constructor(path);
                for argument in arguments {
                    self.pattern_uses(argument);
                }
            }
            Pattern::Tuple(elements, _) | Pattern::List(elements, _) | Pattern::Or(elements, _) => {
                for element in elements {
                    self.pattern_uses(element);
                }
            }
            Pattern::Record { fields, .. } => {
                for (_, pattern) in fields {
                    if let Some(pattern) = pattern {
                        self.pattern_uses(pattern);
                    }
                }
            }
            Pattern::Cons(head, tail, _) => {
                self.pattern_uses(head);
                self.pattern_uses(tail);
            }
            Pattern::Annotated(inner, ty, _) => {
                self.pattern_uses(inner);
                self.ty(ty);
            }
            Pattern::Wildcard(_)
            | Pattern::Variable(_)
            | Pattern::Literal(_)
            | Pattern::Error(_) => {}
        }
    }

    /// Brings local names into scope, each a reference to itself.
    fn push_locals(&mut self, names: Vec<Name>) {
        for name in names {
            self.index.locals.push(LocalReference {
                span: name.span.clone(),
                binder: name.span.clone(),
            });
            self.locals.push(name);
        }
    }

    /// Records a use of a name the module does not define.
    fn external(&mut self, span: &Span, namespace: Namespace, path: &[&Name]) {
        self.index.externals.push(ExternalReference {
            span: span.clone(),
            namespace,
            path: path.iter().map(|name| name.text.clone()).collect(),
        });
    }

    fn constructor(&mut self, path: &Path) {
        match path.segments.as_slice() {
            [name] => {
                let symbol = self.index.resolve(&name.text, name.span.start, |kind| {
                    kind == SymbolKind::Constructor
                });
                match symbol {
                    Some(_) => self.refer(&name.span, symbol),
                    None => self.external(&name.span, Namespace::Constructor, &[name]),
                }
            }
            [module, name] => self.external(&path.span, Namespace::Constructor, &[module, name]),
            _ => {}
        }
    }

    fn variable(&mut self, name: &Name) {
        let local = self
            .locals
            .iter()
            .rev()
            .find(|local| local.text == name.text);
        match local {
            Some(local) => {
                let reference = LocalReference {
                    span: name.span.clone(),
                    binder: local.span.clone(),
                };
                self.index.locals.push(reference);
            }
            None => match self.index.resolve_value(name) {
                Some(symbol) => self.refer(&name.span, Some(symbol)),
                None => self.external(&name.span, Namespace::Value, &[name]),
            },
        }
    }

    /// `E.op`, `Op` or `op` in a `perform` or a handler clause.
    fn operation(&mut self, path: &Path) {
        match path.segments.as_slice() {
            [effect, operation] => {
                let effect_symbol = self.index.resolve(&effect.text, effect.span.start, |kind| {
                    kind == SymbolKind::Effect
                });
                if effect_symbol.is_none() {
                    self.external(&path.span, Namespace::Operation, &[effect, operation]);
                    return;
                }
                self.refer(&effect.span, effect_symbol);
                let operation_symbol = effect_symbol.and_then(|effect_symbol| {
                    self.index
                        .children(effect_symbol)
                        .find(|(_, symbol)| symbol.name == operation.text)
                        .map(|(index, _)| index)
                });
                self.refer(&operation.span, operation_symbol);
            }
            [name] => {
                let symbol = self
                    .index
                    .resolve(&name.text, name.span.start, |kind| {
                        kind == SymbolKind::Operation
                    })
                    .or_else(|| {
                        self.index.resolve(&name.text, name.span.start, |kind| {
                            kind == SymbolKind::Effect
                        })
                    });
                match symbol {
                    Some(_) => self.refer(&name.span, symbol),
                    None => self.external(&name.span, Namespace::Operation, &[name]),
                }
            }
            _ => {}
        }
    }

    fn ty(&mut self, ty: &TypeExpr) {
        match ty {
            TypeExpr::Name(path) => match path.segments.as_slice() {
                [name] => {
                    let symbol = self
                        .index
                        .resolve(&name.text, name.span.start, |kind| kind == SymbolKind::Type)
                        .or_else(|| {
                            self.index.resolve(&name.text, name.span.start, |kind| {
                                kind == SymbolKind::Effect
                            })
                        });
                    match symbol {
                        Some(_) => self.refer(&name.span, symbol),
                        None => self.external(&name.span, Namespace::Type, &[name]),
                    }
                }
                [module, name] => self.external(&path.span, Namespace::Type, &[module, name]),
                _ => {}
            },
            TypeExpr::Apply { atoms, .. } => {
                for atom in atoms {
                    self.ty(atom);
                }
            }
            TypeExpr::Tuple(elements, _) => {
                for element in elements {
                    self.ty(element);
                }
            }
            TypeExpr::Function {
                parameter,
                result,
                row,
                ..
            } => {
                self.ty(parameter);
                self.ty(result);
                if let Some(row) = row {
                    self.row(row);
                }
            }
            TypeExpr::Record(fields, _) => {
                for field in fields {
                    self.ty(&field.ty);
                }
            }
            TypeExpr::WithRow { ty, row, .. } => {
                self.ty(ty);
                self.row(row);
            }
            TypeExpr::Variable(_) | TypeExpr::Unit(_) | TypeExpr::Error(_) => {}
        }
    }

    fn row(&mut self, row: &EffectRow) {
        for effect in &row.effects {
            self.ty(effect);
        }
    }

    fn clauses(&mut self, clauses: &[Clause]) {
        for clause in clauses {
            let mark = self.locals.len();
            match clause {
                Clause::Operation {
                    operation,
                    argument,
                    extra_arguments,
                    continuation,
                    body,
                    state_update,
                    ..
                } => {
                    self.operation(operation);
                    for pattern in argument.iter().chain(extra_arguments) {
                        self.bind(pattern);
                    }
                    self.bind(continuation);
                    self.expression(body);
                    if let Some(state_update) = state_update {
                        self.expression(state_update);
                    }
                }
                Clause::Return { pattern, body, .. } => {
                    self.bind(pattern);
                    self.expression(body);
                }
                Clause::Error(_) => {}
            }
            self.locals.truncate(mark);
        }
    }

    fn expression(&mut self, expression: &Expr) {
        match expression {
            Expr::Literal(_) | Expr::Error(_) => {}
            Expr::Variable(path) => match path.segments.as_slice() {
                [name] => self.variable(name),
                [module, name] => self.external(&path.span, Namespace::Value, &[module, name]),
                _ => {}
            },
            Expr::Constructor(path) => self.constructor(path),
            Expr::Lambda {
                parameters, body, ..
            } => {
                let mark = self.locals.len();
                self.parameters(parameters);
                self.expression(body);
                self.locals.truncate(mark);
            }
            Expr::Let {
                recursive,
                bindings,
                body,
                ..
            } => {
                let mark = self.locals.len();
                let mut bound = Vec::new();
                for binding in bindings {
                    pattern_variables(&binding.pattern, &mut bound);
                }
                if *recursive {
                    self.push_locals(bound.clone());
                }
                for binding in bindings {
                    self.binding_body(binding);
                }
                if !*recursive {
                    self.push_locals(bound);
                }
                self.expression(body);
                self.locals.truncate(mark);
            }
            Expr::Match {
                scrutinee, arms, ..
            } => {
                self.expression(scrutinee);
                for arm in arms {
                    let mark = self.locals.len();
                    self.bind(&arm.pattern);
                    if let Some(guard) = &arm.guard {
                        self.expression(guard);
                    }
                    self.expression(&arm.body);
                    self.locals.truncate(mark);
                }
            }
            Expr::Record { fields, .. } => {
                for (field, value) in fields {
                    match value {
                        Some(value) => self.expression(value),
                        None => self.variable(field),
                    }
                }
            }
            Expr::AssignVariable {
                variable, value, ..
            } => {
                self.variable(variable);
                self.expression(value);
            }
            Expr::Perform {
                operation,
                argument,
                extra_arguments,
                ..
            } => {
                self.operation(operation);
                for argument in argument
                    .iter()
                    .map(|argument| &**argument)
                    .chain(extra_arguments)
                {
                    self.expression(argument);
                }
            }
            Expr::Handler(clauses, _) => self.clauses(clauses),
            Expr::Handle { body, clauses, .. } => {
                self.expression(body);
                self.clauses(clauses);
            }
            Expr::WithRegion { region, body, .. } => {
                let mark = self.locals.len();
                self.push_locals(vec![region.clone()]);
                self.expression(body);
                self.locals.truncate(mark);
            }
            Expr::Annotated(inner, ty, _) => {
                self.expression(inner);
                self.ty(ty);
            }
            // The forms that bind and name nothing themselves: their
            // subexpressions, in order.
            Expr::Apply { .. }
            | Expr::If { .. }
            | Expr::Sequence(..)
            | Expr::Tuple(..)
            | Expr::List(..)
            | Expr::RecordUpdate { .. }
            | Expr::Field(..)
            | Expr::Assign { .. }
            | Expr::Binary(..)
            | Expr::Unary(..)
            | Expr::Reify(..)
            | Expr::Unsafe(..)
            | Expr::Loop(..)
            | Expr::Resume { .. }
            | Expr::With { .. } => {
                for child in expression.children() {
                    self.expression(child);
                }
            }
        }
    }
}
