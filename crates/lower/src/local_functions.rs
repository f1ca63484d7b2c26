//! Local functions: `let [rec] f x = … [and g y = …] in`, with the
//! cyclic closures of local mutual recursion, and `loop { }`.

use cml_ir::{Atom, FunctionKind, Span, Term, Value};
use cml_syntax::ast::{self, Expr};

use crate::builder::{Sequence, VarKind};
use crate::{function_shape, pattern_name, Lowerer};

impl Lowerer<'_> {
    /// `let [rec] f x = e [and g y = e'] in ...`: known local functions.
    pub(crate) fn lower_local_functions(
        &mut self,
        recursive: bool,
        bindings: &[ast::Binding],
        sequence: &mut Sequence,
    ) {
        if recursive && bindings.len() > 1 {
            self.lower_local_mutual_recursion(bindings, sequence);
            return;
        }
        let mut bound = Vec::new();
        for binding in bindings {
            let Some((pattern, parameters, body)) = function_shape(binding) else {
                continue;
            };
            let name = pattern_name(pattern).unwrap_or("_").to_string();
            let arity = parameters.len();
            let id = self.reserve_function();
            let group = self.scopes.new_capture_group();
            let self_name = recursive.then_some((name.as_str(), arity));
            self.build_function(
                id,
                &name,
                FunctionKind::Ordinary,
                &parameters,
                body,
                self_name,
                group,
                binding.span.clone(),
                None,
            );
            let atoms = self.scopes.captured_atoms(group);
            bound.push((name, id, arity, atoms, binding.span.clone()));
        }
        for (name, id, arity, atoms, span) in bound {
            if atoms.is_empty() {
                self.scopes
                    .bind_static(&name, VarKind::TopFunction(id), Some(arity));
            } else {
                let local = self.scopes.builder().fresh_local();
                sequence.push(
                    Some(local),
                    Value::MakeClosure {
                        function: id,
                        captured: atoms,
                    },
                    Some(span),
                );
                self.scopes.bind_existing_local(&name, local, Some(arity));
            }
        }
    }

    /// `let rec f x = … and g y = … in …` inside an expression: cyclic
    /// closures. Every name is first bound to a local of the enclosing
    /// function, so each body captures its siblings like any variable
    /// (itself through v6); the closures are then allocated with `()` in
    /// the siblings' slots, which are patched once all exist.
    fn lower_local_mutual_recursion(&mut self, bindings: &[ast::Binding], sequence: &mut Sequence) {
        let mut group_members = Vec::new();
        for binding in bindings {
            let Some((pattern, parameters, body)) = function_shape(binding) else {
                continue;
            };
            let name = pattern_name(pattern).unwrap_or("_").to_string();
            let local = self.scopes.builder().fresh_local();
            self.scopes
                .bind_existing_local(&name, local, Some(parameters.len()));
            group_members.push((name, local, parameters, body, binding.span.clone()));
        }
        let siblings: Vec<Atom> = group_members
            .iter()
            .map(|(_, local, ..)| Atom::Local(*local))
            .collect();
        let mut built = Vec::new();
        for (name, local, parameters, body, span) in &group_members {
            let id = self.reserve_function();
            let group = self.scopes.new_capture_group();
            self.build_function(
                id,
                name,
                FunctionKind::Ordinary,
                parameters,
                body,
                Some((name.as_str(), parameters.len())),
                group,
                span.clone(),
                None,
            );
            let atoms = self.scopes.captured_atoms(group);
            built.push((*local, id, atoms, span.clone()));
        }
        for (local, id, atoms, span) in &built {
            let captured = atoms
                .iter()
                .map(|atom| {
                    if siblings.contains(atom) {
                        Atom::Unit
                    } else {
                        atom.clone()
                    }
                })
                .collect();
            sequence.push(
                Some(*local),
                Value::MakeClosure {
                    function: *id,
                    captured,
                },
                Some(span.clone()),
            );
        }
        for (local, _, atoms, span) in &built {
            for (index, atom) in atoms.iter().enumerate() {
                if siblings.contains(atom) {
                    sequence.push(
                        None,
                        Value::SetField {
                            object: Atom::Local(*local),
                            index: index + 1,
                            value: atom.clone(),
                        },
                        Some(span.clone()),
                    );
                }
            }
        }
    }

    /// `loop { e }`: a local function of `()` that evaluates `e` and
    /// tail-calls itself through its own closure (constant stack), called
    /// once. It never returns; an effect whose clause does not resume ends
    /// it.
    pub(crate) fn lower_loop(&mut self, body: &Expr, span: &Span, sequence: &mut Sequence) -> Atom {
        let id = self.reserve_function();
        let group = self.scopes.new_capture_group();
        self.begin_function(group);
        let own = self.scopes.builder().fresh_local();
        self.scopes.builder().self_local = Some(own);
        let parameter = self.scopes.builder().fresh_local();
        let mark = self.scopes.mark();
        let saved_state = self.handler_state.take();
        let mut inner = Sequence::default();
        self.discard(body, &mut inner);
        self.handler_state = saved_state;
        self.scopes.truncate(mark);
        let term = inner.finish(Term::TailCall {
            callee: Atom::Local(own),
            arguments: vec![Atom::Unit],
        });
        self.end_function(
            id,
            "loop".into(),
            FunctionKind::Ordinary,
            vec![parameter],
            term,
            Some(span.clone()),
        );
        let atoms = self.scopes.captured_atoms(group);
        let closure = self.closure_atom(id, atoms, Some(span.clone()), sequence);
        let call = Value::Call {
            callee: closure,
            arguments: vec![Atom::Unit],
        };
        self.bind(call, span, sequence)
    }
}
