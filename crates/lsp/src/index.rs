//! The names of one module: its top-level definitions ([`Symbol`]s), every
//! place its text names one of them ([`Reference`]s), its local names
//! where bound and used ([`LocalReference`]s) and where each is visible
//! ([`LocalScope`]s), and the names it uses but does not define
//! ([`ExternalReference`]s, which the prelude may declare).
//!
//! Input: a parsed [`Module`] (possibly with `Error` nodes). Output: an
//! [`Index`]. Names are resolved the way CML scopes them: a local binding
//! (a parameter, a `let ... in`, a pattern, a clause's continuation)
//! hides a top-level value of the same name. This index knows only what
//! the module itself declares; it must not know types.

mod walk;

use cml_syntax::ast::{Binding, Expr, Item, Module, Name, Pattern, Span, TypeBody};

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

/// Where a local binding can be named: the span of text in which its
/// name, written there, means it (unless a binding inside that span hides
/// it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalScope {
    /// The name bound.
    pub name: String,
    /// The span of the name where it is bound.
    pub binder: Span,
    /// Where it is visible.
    pub visible: Span,
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
    /// Where each local binding is visible, in the order the walk left
    /// their scopes.
    pub scopes: Vec<LocalScope>,
}

impl Index {
    /// The index of a module.
    pub fn of(module: &Module) -> Index {
        let mut index = Index::default();
        for item in &module.items {
            index.declare(item);
        }
        walk::walk(&mut index, module);
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

    /// The local bindings visible at this byte offset, each name once:
    /// where a binding hides another of the same name, the inner one.
    pub fn locals_in_scope(&self, offset: usize) -> Vec<&LocalScope> {
        let mut visible: Vec<&LocalScope> = self
            .scopes
            .iter()
            .filter(|scope| scope.visible.start <= offset && offset <= scope.visible.end)
            .collect();
        // The innermost binding of a name starts last.
        visible.sort_by_key(|scope| std::cmp::Reverse(scope.visible.start));
        let mut seen = Vec::new();
        visible.retain(|scope| {
            let first = !seen.contains(&scope.name.as_str());
            seen.push(scope.name.as_str());
            first
        });
        visible
    }

    /// Every place that names the same thing as the name at this byte
    /// offset (a top-level symbol or a local binding), its definition
    /// included when `declaration` is set, in the order of the text.
    pub fn references_at(&self, offset: usize, declaration: bool) -> Vec<Span> {
        let mut spans: Vec<Span> = match self.symbol_at(offset) {
            Some((symbol, _)) => {
                let defined = &self.symbols[symbol].name_span;
                self.references
                    .iter()
                    .filter(|reference| reference.symbol == symbol)
                    .map(|reference| reference.span.clone())
                    .filter(|span| declaration || span != defined)
                    .collect()
            }
            None => match self.local_at(offset) {
                Some(local) => self
                    .locals
                    .iter()
                    .filter(|reference| reference.binder == local.binder)
                    .map(|reference| reference.span.clone())
                    .filter(|span| declaration || *span != local.binder)
                    .collect(),
                None => Vec::new(),
            },
        };
        spans.sort_by_key(|span| (span.start, span.end));
        spans.dedup();
        spans
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
