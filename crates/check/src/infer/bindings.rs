//! `let`, `let rec ... and ...`, functions and `fun`, with their
//! annotations.
//!
//! A function `let f p1 ... pn : t / {E} = body` gets the type
//! `t1 -> ... -> tn -> t / ρ` where the last arrow carries the body's row
//! and the others fresh rows (applying a top-level function to fewer
//! arguments than it has parameters builds a closure, and allocates there,
//! at the application). A written row is checked exactly: the body is
//! inferred with the written row as its current row, so a `perform` of an
//! effect the row lacks is reported where it happens.
//!
//! Example, `let rec len xs = match xs with | [] -> 0 | _ :: t -> 1 + len t`:
//! `len : t1` at level 1; the body gives `t1 ~ list a -> int / ρ`; back at
//! level 0, `len : list a -> int / e`.

use cml_syntax::ast::{Binding, Expr, Name, Parameter, Pattern, Span, TypeExpr};
use cml_types::{Row, Type};

use super::env::{generalise, is_non_expansive, Entry, Scheme};
use super::Inferencer;
use crate::resolve::{Resolver, TypeScope};

/// What a group of bindings defined: each name with its scheme and span.
pub type Defined = Vec<(Name, Scheme, Span)>;

impl Inferencer {
    /// `fun p1 ... pn -> body`: a closure, which allocates when it captures
    /// a local variable.
    pub fn lambda(&mut self, parameters: &[Parameter], body: &Expr, span: &Span) -> Type {
        self.lambda_depth += 1;
        self.captures.push(false);
        let mut scope = TypeScope {
            open: true,
            ..TypeScope::default()
        };
        let ty = self.function(parameters, None, body, &mut scope, None);
        let captured = self.captures.pop().unwrap_or(false);
        self.lambda_depth -= 1;
        if captured {
            self.allocate(span);
        }
        ty
    }

    /// The type of a function with these parameters, result annotation and
    /// body. `name` names it in messages about its written row.
    pub fn function(
        &mut self,
        parameters: &[Parameter],
        annotation: Option<&TypeExpr>,
        body: &Expr,
        scope: &mut TypeScope,
        name: Option<&str>,
    ) -> Type {
        let mark = self.env.mark();
        let mut parameter_types = Vec::new();
        for parameter in parameters {
            let expected = match &parameter.annotation {
                Some(annotation) => self.resolve_type(annotation, scope),
                None => self.table.fresh_type(),
            };
            self.bind_pattern(&parameter.pattern, &expected, false);
            let place = match name {
                Some(name) => format!("a parameter of `{name}`"),
                None => "a `fun` parameter".to_string(),
            };
            self.record_irrefutable(&parameter.pattern, &expected, &place);
            parameter_types.push(expected);
        }
        let (result_annotation, written_row) = match annotation {
            Some(TypeExpr::WithRow { ty, row, .. }) => (Some(ty.as_ref()), Some(row)),
            other => (other, None),
        };
        let expected_result =
            result_annotation.map(|annotation| self.resolve_type(annotation, scope));
        let (row, context) = match written_row {
            Some(row) => {
                let mut resolver = Resolver {
                    declarations: &self.declarations,
                    table: &mut self.table,
                    errors: &mut self.errors,
                };
                let resolved = resolver.resolve_row(row, scope);
                let context = match name {
                    Some(name) => format!("the annotation of `{name}`"),
                    None => "the written row".to_string(),
                };
                (resolved, Some(context))
            }
            None => (self.table.fresh_row(), Some("this function".to_string())),
        };
        // The clause context is lexical: a `resume` in a `fun` inside a
        // shallow clause (`Yielded (v, fun () -> resume k ())`) still
        // reinstalls that clause's handler. Only a nested handler installs
        // a context of its own.
        let body_type = self.with_row(row.clone(), context, |inferencer| inferencer.infer(body));
        let result = match expected_result {
            Some(expected) => {
                self.expect(&expected, &body_type, &body.span(), "the body");
                expected
            }
            None => body_type,
        };
        self.env.truncate(mark);
        let mut ty = result;
        for (index, parameter) in parameter_types.into_iter().enumerate().rev() {
            let arrow_row = if index == parameters.len() - 1 {
                row.clone()
            } else {
                self.table.fresh_row()
            };
            ty = Type::function(parameter, ty, arrow_row);
        }
        ty
    }

    /// The type of one binding's right-hand side, inferred one level down.
    fn binding_type(&mut self, binding: &Binding) -> Type {
        let mut scope = TypeScope {
            open: true,
            ..TypeScope::default()
        };
        let name = match &binding.pattern {
            Pattern::Variable(name) => Some(name.text.clone()),
            _ => None,
        };
        if binding.parameters.is_empty() {
            let found = self.infer(&binding.body);
            match &binding.annotation {
                Some(annotation) => {
                    let annotation = match annotation {
                        TypeExpr::WithRow { ty, .. } => ty.as_ref(),
                        other => other,
                    };
                    let expected = self.resolve_type(annotation, &mut scope);
                    self.expect(
                        &expected,
                        &found,
                        &binding.body.span(),
                        "the bound expression",
                    );
                    expected
                }
                None => found,
            }
        } else {
            // A function: its body is inside one more `fun`.
            self.lambda_depth += 1;
            self.captures.push(false);
            let ty = self.function(
                &binding.parameters,
                binding.annotation.as_ref(),
                &binding.body,
                &mut scope,
                name.as_deref(),
            );
            self.captures.pop();
            self.lambda_depth -= 1;
            ty
        }
    }

    /// The type a function of a recursive group declares, to stand for it
    /// while the group is inferred: its parameters' annotations, its result
    /// annotation and its written row, each fresh where nothing is written
    /// (`and h () : () / {E} = ...` gives `unit -> unit / ⟨E⟩`). A use of
    /// the function in the group then instantiates a closed written row
    /// opened, as a use outside the group does (`env::instantiate`), so a
    /// member with more effects may call it, and a call that performs more
    /// than the caller allows is reported at the call; the rows of its
    /// partial applications are left free (`free_partial_rows`). Errors in
    /// the annotations are reported once, when the body is checked. `None`
    /// for a binding without parameters.
    fn written_signature(&mut self, binding: &Binding) -> Option<Type> {
        if binding.parameters.is_empty() {
            return None;
        }
        let (result, row) = match &binding.annotation {
            Some(TypeExpr::WithRow { ty, row, .. }) => (Some(ty.as_ref()), Some(row)),
            other => (other.as_ref(), None),
        };
        let mut scope = TypeScope {
            open: true,
            ..TypeScope::default()
        };
        let mut discarded = Vec::new();
        let mut resolver = Resolver {
            declarations: &self.declarations,
            table: &mut self.table,
            errors: &mut discarded,
        };
        let parameters: Vec<Type> = binding
            .parameters
            .iter()
            .map(|parameter| match &parameter.annotation {
                Some(annotation) => resolver.resolve(annotation, &mut scope),
                None => resolver.table.fresh_type(),
            })
            .collect();
        let mut signature = match result {
            Some(result) => resolver.resolve(result, &mut scope),
            None => resolver.table.fresh_type(),
        };
        let row = match row {
            Some(row) => resolver.resolve_row(row, &mut scope),
            None => resolver.table.fresh_row(),
        };
        let last = parameters.len() - 1;
        for (index, parameter) in parameters.into_iter().enumerate().rev() {
            let arrow_row = if index == last {
                row.clone()
            } else {
                self.table.fresh_row()
            };
            signature = Type::function(parameter, signature, arrow_row);
        }
        Some(signature)
    }

    /// Whether a binding may be generalised.
    fn generalisable(&self, binding: &Binding) -> bool {
        !binding.mutable
            && (!binding.parameters.is_empty()
                || is_non_expansive(&binding.body, &self.declarations))
    }

    /// Binds `let [rec] b1 and b2 ...`, in the environment, and returns what
    /// was defined. At top level the names are static (`global`).
    pub fn let_bindings(&mut self, recursive: bool, bindings: &[Binding], global: bool) -> Defined {
        let mut defined = Vec::new();
        if recursive {
            self.table.level += 1;
            let mark = self.env.mark();
            let mut placeholders = Vec::new();
            for binding in bindings {
                let placeholder = self.table.fresh_type();
                if let Pattern::Variable(name) = &binding.pattern {
                    if binding.parameters.len() > 1 {
                        self.group_functions.insert(name.span.clone());
                    }
                    self.push_entry(
                        name,
                        Scheme::monomorphic(placeholder.clone()),
                        binding,
                        global,
                    );
                }
                if let Some(signature) = self.written_signature(binding) {
                    // Cannot fail: the placeholder is fresh.
                    let _ = self.table.unify(&placeholder, &signature);
                }
                if let Some(shape) = self.handler_shape(&binding.body) {
                    // A handler declaration's parameters, then the handler.
                    let mut shaped = shape;
                    for _ in &binding.parameters {
                        let parameter = self.table.fresh_type();
                        let row = self.table.fresh_row();
                        shaped = Type::function(parameter, shaped, row);
                    }
                    // A mismatch with a written signature is reported when
                    // the body is inferred.
                    let _ = self.table.unify(&placeholder, &shaped);
                }
                placeholders.push(placeholder);
            }
            let mut types = Vec::new();
            for (binding, placeholder) in bindings.iter().zip(&placeholders) {
                let ty = self.binding_type(binding);
                self.expect(placeholder, &ty, &binding.span, "this recursive definition");
                types.push(ty);
            }
            self.table.level -= 1;
            self.env.truncate(mark);
            for binding in bindings {
                if let Pattern::Variable(name) = &binding.pattern {
                    self.group_functions.remove(&name.span);
                }
            }
            for (binding, ty) in bindings.iter().zip(types) {
                let scheme = self.scheme_for(binding, ty);
                match &binding.pattern {
                    Pattern::Variable(name) => {
                        self.define(name, scheme.clone(), binding, global);
                        defined.push((name.clone(), scheme, binding.span.clone()));
                    }
                    other => {
                        self.bind_pattern(other, &scheme.ty, binding.mutable);
                        self.record_irrefutable(other, &scheme.ty, "a `let`");
                    }
                }
            }
            return defined;
        }
        let mut pending = Vec::new();
        for binding in bindings {
            self.table.level += 1;
            let ty = self.binding_type(binding);
            let mut bound = Vec::new();
            let pattern_type = self.pattern(&binding.pattern, &mut bound);
            self.expect(
                &pattern_type,
                &ty,
                &binding.body.span(),
                "the bound expression",
            );
            self.record_irrefutable(&binding.pattern, &pattern_type, "a `let`");
            self.table.level -= 1;
            let generalisable = self.generalisable(binding);
            for (name, ty) in bound {
                let scheme = if generalisable {
                    generalise(&self.table, &ty)
                } else {
                    self.table.restrict_levels(&ty);
                    Scheme::monomorphic(ty)
                };
                pending.push((name, scheme, binding));
            }
        }
        for (name, scheme, binding) in pending {
            self.define(&name, scheme.clone(), binding, global);
            defined.push((name, scheme, binding.span.clone()));
        }
        defined
    }

    fn scheme_for(&mut self, binding: &Binding, ty: Type) -> Scheme {
        if self.generalisable(binding) {
            generalise(&self.table, &ty)
        } else {
            self.table.restrict_levels(&ty);
            Scheme::monomorphic(ty)
        }
    }

    /// Binds a name a `let` (or `let rec`) defines, with its final scheme.
    /// A local one is recorded in `local_binders`, so that the linearity
    /// pass tracks it when its value is linear (`let f = open_file "x"
    /// in`). The scheme's type is recorded as it is: its quantified
    /// variables are unbound variables of the table, which never make a
    /// type linear by themselves (a quantified `Cont(a, b, e)` still is),
    /// and what is bound later is seen when the analyses resolve it. A
    /// `let mutable` variable is a cell, like a `mutable` field: reading it
    /// does not move what it holds, so it is not tracked.
    fn define(&mut self, name: &Name, scheme: Scheme, binding: &Binding, global: bool) {
        if !global && !binding.mutable {
            self.local_binders
                .push((name.span.clone(), scheme.ty.clone()));
        }
        self.push_entry(name, scheme, binding, global);
    }

    fn push_entry(&mut self, name: &Name, scheme: Scheme, binding: &Binding, global: bool) {
        self.env.push(Entry {
            name: name.text.clone(),
            scheme,
            depth: self.lambda_depth,
            mutable: binding.mutable,
            global,
            arity: binding.parameters.len(),
            span: name.span.clone(),
        });
    }

    /// A fresh row, for callers outside this module.
    pub fn fresh_row(&mut self) -> Row {
        self.table.fresh_row()
    }
}
