//! The walk over a module's bodies that records every reference, local
//! name and local scope of an [`Index`].

use cml_syntax::ast::{
    Binding, Clause, EffectRow, Expr, Item, Module, Name, Parameter, Path, Pattern, Span, TypeBody,
    TypeExpr,
};

use super::{
    pattern_variables, ExternalReference, Index, LocalReference, LocalScope, Namespace, Reference,
    SymbolKind,
};

/// The walk over a module's bodies that records references, with the
/// local names in scope.
struct Walker<'i> {
    index: &'i mut Index,
    locals: Vec<Name>,
    /// Where each of `locals` became visible.
    visible_from: Vec<usize>,
}

/// Records the references, local names and local scopes of a module's
/// items in its index.
pub(super) fn walk(index: &mut Index, module: &Module) {
    let mut walker = Walker {
        index,
        locals: Vec::new(),
        visible_from: Vec::new(),
    };
    for item in &module.items {
        walker.item(item);
    }
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
                self.close(mark, declaration.span.end);
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
        self.close(mark, binding.body.span().end);
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

    /// Brings local names into scope from the end of each, each a
    /// reference to itself.
    fn push_locals(&mut self, names: Vec<Name>) {
        for name in names {
            let from = name.span.end;
            self.push_local(name, from);
        }
    }

    /// Brings local names into scope from an offset, each a reference to
    /// itself.
    fn push_locals_from(&mut self, names: Vec<Name>, from: usize) {
        for name in names {
            self.push_local(name, from);
        }
    }

    fn push_local(&mut self, name: Name, from: usize) {
        self.index.locals.push(LocalReference {
            span: name.span.clone(),
            binder: name.span.clone(),
        });
        self.locals.push(name);
        self.visible_from.push(from);
    }

    /// Takes the local names bound since `mark` out of scope, which ends
    /// at `end`, and records where each was visible.
    fn close(&mut self, mark: usize, end: usize) {
        let names = self.locals.drain(mark..);
        let starts = self.visible_from.drain(mark..);
        for (name, start) in names.zip(starts) {
            self.index.scopes.push(LocalScope {
                name: name.text,
                binder: name.span,
                visible: start.min(end)..end,
            });
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
            let end = match clause {
                Clause::Operation { span, .. } | Clause::Return { span, .. } => span.end,
                Clause::Error(span) => span.end,
            };
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
            self.close(mark, end);
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
                self.close(mark, body.span().end);
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
                // A recursive group's names are visible in its bindings
                // too; the others only in the body.
                if *recursive {
                    self.push_locals_from(bound.clone(), expression.span().start);
                }
                for binding in bindings {
                    self.binding_body(binding);
                }
                if !*recursive {
                    self.push_locals_from(bound, body.span().start);
                }
                self.expression(body);
                self.close(mark, body.span().end);
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
                    self.close(mark, arm.span.end.max(arm.body.span().end));
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
                self.close(mark, body.span().end);
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
