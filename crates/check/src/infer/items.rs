//! Top-level items: `val` signatures, `let` definitions and `handler`
//! declarations, in order (type and effect declarations were collected
//! before inference); then the program-level check on `main`.
//!
//! * `val x : t` binds `x` to `t` generalised over its variables (arrows
//!   written without a row get a row variable, quantified too). A later
//!   `let x` is checked against it; without one, the value is taken to be
//!   provided elsewhere (the prelude works this way) and, in a module, a
//!   warning says so.
//! * `handler h params [: t] = body [and bindings]` is a recursive group,
//!   as `let rec h params = body and ...` would be; a handler literal body
//!   makes `h` (applied to its parameters) a handler value. `with state :=
//!   v` in its clauses refers to its first parameter.
//! * `main` may perform only `Mem` and `IO`, which a bare program's bottom
//!   handlers discharge (`docs/cml-types.md`, "Program-level checks").

use std::collections::HashMap;

use cml_syntax::ast::{self, Binding, Item, Pattern};
use cml_types::{Printer, Type};

use super::env::{generalise, instantiate, Entry, Scheme};
use super::Inferencer;
use crate::error::CheckError;
use crate::resolve::TypeScope;

/// A top-level definition and its inferred type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    /// Its name.
    pub name: String,
    /// Where it is defined.
    pub span: ast::Span,
    /// Its type with its effect rows, variables named `a`, `b`, ... and
    /// rows `e`, `e1`, ... (`scheduler : unit -> unit / {IO | e}`).
    pub ty: String,
}

/// The effects a bare program's bottom handlers discharge.
pub const BOTTOM_EFFECTS: [&str; 2] = ["Mem", "IO"];

impl Inferencer {
    /// Binds the `val`s of a prelude file (in `module`, if named).
    pub fn prelude_items(&mut self, module: Option<&str>, items: &[Item]) {
        for item in items {
            if let Item::Val(declaration) = item {
                let scheme = self.val_scheme(declaration);
                match module {
                    Some(module) => {
                        self.env
                            .modules
                            .entry(module.to_string())
                            .or_default()
                            .insert(declaration.name.text.clone(), scheme);
                    }
                    None => {
                        self.push_global(&declaration.name, scheme, arrow_count(&declaration.ty))
                    }
                }
            }
        }
    }

    fn val_scheme(&mut self, declaration: &ast::ValDecl) -> Scheme {
        self.table.level += 1;
        let mut scope = TypeScope {
            open: true,
            ..TypeScope::default()
        };
        let ty = self.resolve_type(&declaration.ty, &mut scope);
        self.table.level -= 1;
        generalise(&self.table, &ty)
    }

    fn push_global(&mut self, name: &ast::Name, scheme: Scheme, arity: usize) {
        self.env.push(Entry {
            name: name.text.clone(),
            scheme,
            depth: 0,
            mutable: false,
            global: true,
            arity,
            span: name.span.clone(),
        });
    }

    /// Checks the module's items in order and returns its definitions.
    pub fn module_items(&mut self, items: &[Item]) -> Vec<Definition> {
        let mut definitions = Vec::new();
        let mut signatures: HashMap<String, (Scheme, ast::Span, bool)> = HashMap::new();
        for item in items {
            match item {
                Item::Val(declaration) => {
                    let scheme = self.val_scheme(declaration);
                    self.push_global(
                        &declaration.name,
                        scheme.clone(),
                        arrow_count(&declaration.ty),
                    );
                    if let Some((_, span, false)) = signatures.get(&declaration.name.text) {
                        self.report(CheckError::ValWithoutDefinition {
                            name: declaration.name.text.clone(),
                            span: span.clone(),
                        });
                    }
                    signatures.insert(
                        declaration.name.text.clone(),
                        (scheme, declaration.span.clone(), false),
                    );
                }
                Item::Let(declaration) => {
                    let defined =
                        self.let_bindings(declaration.recursive, &declaration.bindings, true);
                    self.record_definitions(defined, &mut signatures, &mut definitions);
                }
                Item::Handler(declaration) => {
                    let defined = self.handler_declaration(declaration);
                    self.record_definitions(defined, &mut signatures, &mut definitions);
                }
                Item::Type(_) | Item::Effect(_) | Item::Error(_) => {}
            }
        }
        let mut undefined: Vec<(String, ast::Span)> = signatures
            .into_iter()
            .filter(|(_, (_, _, defined))| !defined)
            .map(|(name, (_, span, _))| (name, span))
            .collect();
        undefined.sort_by_key(|(_, span)| span.start);
        for (name, span) in undefined {
            self.report(CheckError::ValWithoutDefinition { name, span });
        }
        self.check_main(&definitions);
        definitions
    }

    fn record_definitions(
        &mut self,
        defined: super::bindings::Defined,
        signatures: &mut HashMap<String, (Scheme, ast::Span, bool)>,
        definitions: &mut Vec<Definition>,
    ) {
        for (name, scheme, span) in defined {
            if let Some((signature, _, defined)) = signatures.get_mut(&name.text) {
                *defined = true;
                let signature = signature.clone();
                let expected = instantiate(&mut self.table, &signature);
                let found = instantiate(&mut self.table, &scheme);
                self.expect(
                    &expected,
                    &found,
                    &name.span,
                    &format!("`{}` (declared by `val`)", name.text),
                );
            }
            let ty = Printer::new(&self.table).ty(&scheme.ty);
            definitions.push(Definition {
                name: name.text.clone(),
                span,
                ty,
            });
        }
    }

    /// A `handler` declaration with its `and` bindings: one recursive group.
    fn handler_declaration(&mut self, declaration: &ast::HandlerDecl) -> super::bindings::Defined {
        let binding = Binding {
            mutable: false,
            pattern: Pattern::Variable(declaration.name.clone()),
            parameters: declaration.parameters.clone(),
            annotation: declaration.annotation.clone(),
            body: declaration.body.clone(),
            span: declaration.span.clone(),
        };
        let state = declaration
            .parameters
            .first()
            .and_then(|parameter| match &parameter.pattern {
                Pattern::Variable(name) => Some(name.clone()),
                _ => None,
            });
        let saved_state = self.state.replace(state);
        // The `and` bindings see the handler's parameters (chapter 15).
        let mark = self.env.mark();
        if !declaration.and_bindings.is_empty() {
            let mut scope = TypeScope {
                open: true,
                ..TypeScope::default()
            };
            for parameter in &declaration.parameters {
                let ty = match &parameter.annotation {
                    Some(annotation) => self.resolve_type(annotation, &mut scope),
                    None => self.table.fresh_type(),
                };
                self.bind_pattern(&parameter.pattern, &ty, false);
            }
        }
        let mut group = vec![binding];
        group.extend(declaration.and_bindings.iter().cloned());
        let defined = self.let_bindings(true, &group, true);
        self.state = saved_state;
        // Re-bind the group without the parameters in scope.
        self.env.truncate(mark);
        for (name, scheme, _) in &defined {
            let arity = group
                .iter()
                .find(|binding| matches!(&binding.pattern, Pattern::Variable(bound) if bound.text == name.text))
                .map_or(0, |binding| binding.parameters.len());
            self.push_global(name, scheme.clone(), arity);
        }
        defined
    }

    /// `main`'s row may contain only what the bottom handlers discharge.
    fn check_main(&mut self, definitions: &[Definition]) {
        let Some(entry) = self.env.lookup("main").cloned() else {
            return;
        };
        if !entry.global
            || !definitions
                .iter()
                .any(|definition| definition.name == "main")
        {
            return;
        }
        let Type::Function(_, _, row) = self.table.shallow(&entry.scheme.ty) else {
            return;
        };
        let (labels, _) = self.table.row_labels(&row);
        let mut unhandled: Vec<String> = Vec::new();
        for label in &labels {
            if !BOTTOM_EFFECTS.contains(&label.effect.as_str())
                && !unhandled.contains(&label.effect)
            {
                unhandled.push(label.effect.clone());
            }
        }
        if !unhandled.is_empty() {
            let mut printer = Printer::new(&self.table);
            let _ = printer.ty(&entry.scheme.ty);
            let row = printer.row(&row);
            self.report(CheckError::UnhandledEffect {
                effects: unhandled,
                row,
                span: entry.span,
            });
        }
    }
}

/// How many arrows a written type has at its top.
fn arrow_count(ty: &ast::TypeExpr) -> usize {
    match ty {
        ast::TypeExpr::Function { result, .. } => 1 + arrow_count(result),
        _ => 0,
    }
}
