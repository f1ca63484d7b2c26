//! The handler-tower warning of Appendix B §5.7: the machine's handler CAM
//! holds 8 entries, and a handler installed while 8 others are active
//! spills to memory, where finding it costs about 12 times as much. The
//! compiler is to "warn when a `with` block's compilation would cause the
//! static handler tower depth to exceed 8".
//!
//! Input: a parsed module. Output: a [`CheckError::DeepHandlerTower`] for
//! each installation that is the 9th of a statically visible tower. Only
//! the syntax is needed.
//!
//! # What is counted
//!
//! Walking a function's body, the depth is the number of handlers
//! installed around the current expression: `with h in { e }` and `with
//! region r in { e }` (a region handles `Mem`) add one for `e`, `handle e
//! with ...` adds one for `e`. A clause body runs outside its own handler,
//! so the clauses of `handle` are at the depth of the `handle`; the
//! clauses of a handler value run wherever it is installed, which is not
//! visible where it is written, so their count starts again at 0. A `fun`
//! body is counted where it is written (it usually runs there).
//!
//! Through direct calls: each top-level function has a *height*, the
//! deepest tower its body builds (counting its calls in turn; a recursive
//! call counts 0). A call `f x` at depth `d` builds a tower of `d +
//! height(f)`. The warning is given where the tower first passes 8: at
//! the 9th installation, or at the call that takes it past 8 (once per
//! tower: installations deeper still inside it are not reported again).
//!
//! Example:
//!
//! ```text
//! let three f = with a in { with b in { with c in { f () } } }
//! let main () = with d in { with e in { with g in { with h in {
//!   with i in { with j in { three work } } } } } }     (* 6 + 3 = 9 *)
//! ```
//!
//! `three` has height 3; the call in `main` is at depth 6, so it builds a
//! tower of 9: the warning points at `three work`.

use std::collections::HashMap;

use cml_syntax::ast::{Binding, Clause, Expr, Item, Module, Pattern, Span};

use crate::error::CheckError;

/// How many handlers the CAM holds (Appendix A §4, Appendix B §5.7).
pub const CAM_ENTRIES: usize = 8;

/// Every tower deeper than [`CAM_ENTRIES`] in the module.
pub fn deep_towers(module: &Module) -> Vec<CheckError> {
    let mut functions: HashMap<&str, &Expr> = HashMap::new();
    for item in &module.items {
        match item {
            Item::Let(declaration) => {
                for binding in &declaration.bindings {
                    add_function(&mut functions, binding);
                }
            }
            Item::Handler(declaration) => {
                for binding in &declaration.and_bindings {
                    add_function(&mut functions, binding);
                }
            }
            _ => {}
        }
    }
    let mut walker = Walker {
        functions,
        heights: HashMap::new(),
        in_progress: Vec::new(),
        errors: Vec::new(),
        function: None,
        installations: Vec::new(),
        reported: false,
    };
    for item in &module.items {
        match item {
            Item::Let(declaration) => {
                for binding in &declaration.bindings {
                    walker.top_level(binding_name(binding), &binding.body);
                }
            }
            Item::Handler(declaration) => {
                walker.top_level(Some(declaration.name.text.as_str()), &declaration.body);
                for binding in &declaration.and_bindings {
                    walker.top_level(binding_name(binding), &binding.body);
                }
            }
            _ => {}
        }
    }
    walker.errors
}

fn binding_name(binding: &Binding) -> Option<&str> {
    match &binding.pattern {
        Pattern::Variable(name) => Some(name.text.as_str()),
        _ => None,
    }
}

fn add_function<'m>(functions: &mut HashMap<&'m str, &'m Expr>, binding: &'m Binding) {
    if let (Some(name), false) = (binding_name(binding), binding.parameters.is_empty()) {
        functions.insert(name, &binding.body);
    }
}

struct Walker<'m> {
    functions: HashMap<&'m str, &'m Expr>,
    /// The height of each function measured so far.
    heights: HashMap<&'m str, usize>,
    /// The functions whose height is being measured (for recursion).
    in_progress: Vec<&'m str>,
    errors: Vec<CheckError>,
    /// The top-level definition being walked, for messages.
    function: Option<String>,
    /// The installations around the current expression, outermost first.
    installations: Vec<Span>,
    /// Whether the current tower has been reported.
    reported: bool,
}

impl<'m> Walker<'m> {
    fn top_level(&mut self, name: Option<&'m str>, body: &'m Expr) {
        self.function = name.map(str::to_string);
        self.installations.clear();
        self.reported = false;
        // A recursive call in the body counts 0, as in `height`.
        self.in_progress.extend(name);
        self.walk(body);
        self.in_progress.clear();
    }

    /// The deepest tower `name`'s body builds (0 while it is being
    /// measured: a recursive call adds nothing).
    fn height(&mut self, name: &'m str) -> usize {
        if let Some(height) = self.heights.get(name) {
            return *height;
        }
        let Some(body) = self.functions.get(name).copied() else {
            return 0;
        };
        if self.in_progress.contains(&name) {
            return 0;
        }
        self.in_progress.push(name);
        let height = self.measure(body);
        self.in_progress.pop();
        self.heights.insert(name, height);
        height
    }

    /// The deepest tower under `expression`, counted from 0.
    fn measure(&mut self, expression: &'m Expr) -> usize {
        let installed = |body: &'m Expr, walker: &mut Self| 1 + walker.measure(body);
        match expression {
            Expr::With { handler, body, .. } => self.measure(handler).max(installed(body, self)),
            Expr::WithRegion { body, .. } => installed(body, self),
            Expr::Handle { body, clauses, .. } => {
                let clauses = self.measure_clauses(clauses);
                clauses.max(installed(body, self))
            }
            Expr::Handler(..) => 0,
            Expr::Apply {
                function,
                arguments,
                ..
            } => {
                let mut deepest = self.called(function).map_or(0, |name| self.height(name));
                for argument in arguments {
                    deepest = deepest.max(self.measure(argument));
                }
                deepest
            }
            other => {
                let mut deepest = 0;
                for child in other.children() {
                    deepest = deepest.max(self.measure(child));
                }
                deepest
            }
        }
    }

    fn measure_clauses(&mut self, clauses: &'m [Clause]) -> usize {
        let mut deepest = 0;
        for clause in clauses {
            for child in clause.children() {
                deepest = deepest.max(self.measure(child));
            }
        }
        deepest
    }

    /// The top-level function a call names, if any.
    fn called(&self, function: &'m Expr) -> Option<&'m str> {
        match function {
            Expr::Variable(path) if path.segments.len() == 1 => {
                let name = path.segments[0].text.as_str();
                self.functions.contains_key(name).then_some(name)
            }
            _ => None,
        }
    }

    /// Walks `expression` with the current installations around it.
    fn walk(&mut self, expression: &'m Expr) {
        match expression {
            Expr::With {
                handler,
                body,
                span,
            } => {
                self.walk(handler);
                self.install(span, body);
            }
            Expr::WithRegion { body, span, .. } => self.install(span, body),
            Expr::Handle {
                body,
                clauses,
                span,
            } => {
                self.install(span, body);
                for clause in clauses {
                    for child in clause.children() {
                        self.walk(child);
                    }
                }
            }
            Expr::Handler(clauses, _) => {
                // The clauses run where the handler is installed.
                let saved = std::mem::take(&mut self.installations);
                let reported = std::mem::replace(&mut self.reported, false);
                for clause in clauses {
                    for child in clause.children() {
                        self.walk(child);
                    }
                }
                self.installations = saved;
                self.reported = reported;
            }
            Expr::Apply {
                function,
                arguments,
                span,
            } => {
                if let Some(name) = self.called(function) {
                    let height = self.height(name);
                    let depth = self.installations.len();
                    if !self.reported && depth <= CAM_ENTRIES && depth + height > CAM_ENTRIES {
                        self.reported = true;
                        self.errors.push(CheckError::DeepHandlerTower {
                            depth: depth + height,
                            span: span.clone(),
                            enclosing: self.installations.clone(),
                            function: self.function.clone(),
                            call: Some((name.to_string(), height)),
                        });
                    }
                }
                self.walk(function);
                for argument in arguments {
                    self.walk(argument);
                }
            }
            other => {
                for child in other.children() {
                    self.walk(child);
                }
            }
        }
    }

    /// One more handler around `body`, installed at `span`.
    fn install(&mut self, span: &Span, body: &'m Expr) {
        self.installations.push(span.clone());
        let depth = self.installations.len();
        let reported = self.reported;
        if depth == CAM_ENTRIES + 1 && !self.reported {
            self.reported = true;
            self.errors.push(CheckError::DeepHandlerTower {
                depth,
                span: span.clone(),
                enclosing: self.installations[..depth - 1].to_vec(),
                function: self.function.clone(),
                call: None,
            });
        }
        self.walk(body);
        // A sibling tower after this one is reported on its own.
        if depth <= CAM_ENTRIES {
            self.reported = reported;
        }
        self.installations.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn towers(source: &str) -> Vec<(usize, String)> {
        let parsed = cml_syntax::parse(source);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        deep_towers(&parsed.module)
            .into_iter()
            .map(|error| match error {
                CheckError::DeepHandlerTower { depth, span, .. } => {
                    (depth, source[span].to_string())
                }
                other => panic!("{other:?}"),
            })
            .collect()
    }

    /// `n` nested `with h in { ... }` around `inner`.
    fn nested(n: usize, inner: &str) -> String {
        let mut text = inner.to_string();
        for _ in 0..n {
            text = format!("with h in {{ {text} }}");
        }
        text
    }

    #[test]
    fn eight_nested_handlers_fit_the_cam() {
        assert!(towers(&format!("let f () = {}", nested(8, "1"))).is_empty());
    }

    /// The 9th installation is reported, once, with the 8 around it.
    #[test]
    fn the_ninth_nested_handler_is_reported_once() {
        let source = format!("let f () = {}", nested(11, "1"));
        let found = towers(&source);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, 9);
        assert!(found[0]
            .1
            .starts_with("with h in { with h in { with h in { 1 }"));
    }

    /// `handle` and regions count; a clause runs outside its own handler.
    #[test]
    fn handle_and_regions_count_but_clauses_do_not() {
        let inner = "handle (with region r in { 1 }) with | return v -> with h in { v }";
        let source = format!("let f () = {}", nested(7, inner));
        let found = towers(&source);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].0, found[0].1.as_str()),
            (9, "with region r in { 1 }")
        );
        let source = format!(
            "let f () = {}",
            nested(7, "handle 1 with | return v -> with h in { v }")
        );
        assert!(towers(&source).is_empty());
    }

    /// Through a direct call: `three` has height 3, called at depth 6.
    #[test]
    fn a_call_that_builds_the_tower_past_eight_is_reported() {
        let source = format!(
            "let three g = {}\nlet main () = {}",
            nested(3, "g ()"),
            nested(6, "three work")
        );
        assert_eq!(towers(&source), [(9, "three work".to_string())]);
        let source = format!(
            "let three g = {}\nlet main () = {}",
            nested(3, "g ()"),
            nested(5, "three work")
        );
        assert!(towers(&source).is_empty());
    }

    /// Recursion adds nothing; sibling towers are each their own.
    #[test]
    fn recursion_and_siblings() {
        let source = format!("let rec f x = {}", nested(5, "f x"));
        assert!(towers(&source).is_empty());
        let source = format!("let f () = {}; {}", nested(9, "1"), nested(9, "2"));
        assert_eq!(towers(&source).len(), 2);
    }
}
