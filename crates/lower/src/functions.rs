//! Functions: top-level and local function definitions, lambdas,
//! applications (saturated calls of known functions, partial
//! applications, calls of unknown function values), the shared curry
//! wrappers, constructors used as functions, and the prelude's built-in
//! functions.

use cml_ir::{
    Atom, Effect, FunctionId, FunctionKind, ObjectKind, Primitive, Runtime, Span, Term, Value,
};
use cml_syntax::ast::{self, Expr, Pattern};

use crate::builder::{Sequence, VarKind, Variable};
use crate::{pattern_name, Lowerer};

impl Lowerer<'_> {
    /// Builds function `id` (top-level: it captures nothing). For a
    /// handler declaration, `state` is its first parameter, the state
    /// `with state := v` sets.
    pub(crate) fn lower_function_into(
        &mut self,
        id: FunctionId,
        name: &str,
        parameters: &[ast::Parameter],
        body: &Expr,
        state: Option<&Pattern>,
        span: Span,
    ) {
        let group = self.scopes.new_capture_group();
        let state_name = state.and_then(pattern_name).map(str::to_string);
        self.build_function(
            id,
            name,
            FunctionKind::Ordinary,
            parameters,
            body,
            None,
            group,
            span,
            state_name,
        );
    }

    /// Builds a function from parameter patterns and a body, following
    /// capture group `group`. `self_name` binds the function's own name to
    /// its closure (a local `let rec`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn build_function(
        &mut self,
        id: FunctionId,
        name: &str,
        kind: FunctionKind,
        parameters: &[ast::Parameter],
        body: &Expr,
        self_name: Option<(&str, usize)>,
        group: usize,
        span: Span,
        state_name: Option<String>,
    ) {
        self.begin_function(group);
        let mark = self.scopes.mark();
        if let Some((own_name, arity)) = self_name {
            let local = self.scopes.builder().fresh_local();
            self.scopes.builder().self_local = Some(local);
            self.scopes
                .bind_existing_local(own_name, local, Some(arity));
        }
        let mut sequence = Sequence::default();
        let mut locals = Vec::new();
        for parameter in parameters {
            let local = self.scopes.builder().fresh_local();
            locals.push(local);
            self.bind_irrefutable(&parameter.pattern, Atom::Local(local), &mut sequence);
        }
        let saved_state = self.handler_state.take();
        if let Some(state_name) = state_name {
            self.handler_state = self.scopes.lookup(&state_name).map(|variable| variable.key);
        }
        let tail = self.lower_tail(body);
        self.handler_state = saved_state;
        self.scopes.truncate(mark);
        let term = sequence.finish(tail);
        self.end_function(id, name.to_string(), kind, locals, term, Some(span));
    }

    /// `fun p q -> e` as a value: `fun p -> fun q -> e`, a unary closure.
    pub(crate) fn lower_lambda(
        &mut self,
        parameters: &[ast::Parameter],
        body: &Expr,
        span: &Span,
        sequence: &mut Sequence,
    ) -> Atom {
        let id = self.reserve_function();
        let group = self.scopes.new_capture_group();
        if parameters.len() <= 1 {
            self.build_function(
                id,
                "fun",
                FunctionKind::Ordinary,
                parameters,
                body,
                None,
                group,
                span.clone(),
                None,
            );
        } else {
            let inner = Expr::Lambda {
                parameters: parameters[1..].to_vec(),
                body: Box::new(body.clone()),
                span: span.clone(),
            };
            self.build_function(
                id,
                "fun",
                FunctionKind::Ordinary,
                &parameters[..1],
                &inner,
                None,
                group,
                span.clone(),
                None,
            );
        }
        let atoms = self.scopes.captured_atoms(group);
        self.closure_atom(id, atoms, Some(span.clone()), sequence)
    }

    /// The closure of `function` capturing `atoms`: static when it
    /// captures nothing.
    pub(crate) fn closure_atom(
        &mut self,
        function: FunctionId,
        atoms: Vec<Atom>,
        span: Option<Span>,
        sequence: &mut Sequence,
    ) -> Atom {
        if atoms.is_empty() {
            return Atom::StaticClosure(function);
        }
        let local = self.scopes.builder().fresh_local();
        sequence.push(
            Some(local),
            Value::MakeClosure {
                function,
                captured: atoms,
            },
            span,
        );
        Atom::Local(local)
    }

    /// The atom of a variable used as a value in the innermost function.
    pub(crate) fn variable_value(
        &mut self,
        variable: &Variable,
        span: &Span,
        sequence: &mut Sequence,
    ) -> Atom {
        let atom = self.variable_atom(variable, span, sequence);
        match variable.arity {
            Some(arity) if arity >= 2 => {
                let step = self.curry_step(arity, 1);
                let local = self.scopes.builder().fresh_local();
                sequence.push(
                    Some(local),
                    Value::MakeClosure {
                        function: step,
                        captured: vec![atom],
                    },
                    Some(span.clone()),
                );
                Atom::Local(local)
            }
            _ => atom,
        }
    }

    /// The atom holding a variable (for a known function: its n-ary closure).
    pub(crate) fn variable_atom(
        &mut self,
        variable: &Variable,
        span: &Span,
        sequence: &mut Sequence,
    ) -> Atom {
        match variable.kind {
            VarKind::Global(global) => {
                let local = self.scopes.builder().fresh_local();
                sequence.push(Some(local), Value::LoadGlobal(global), Some(span.clone()));
                Atom::Local(local)
            }
            _ => {
                let depth = self.scopes.builders.len() - 1;
                self.scopes.atom_at(variable, depth)
            }
        }
    }

    /// A name used in an expression: in scope, or a built-in function.
    pub(crate) fn resolve_name(&mut self, path: &ast::Path) -> Option<Variable> {
        if path.segments.len() != 1 {
            if let Some(variable) = self.scopes.lookup(&path.dotted()) {
                return Some(variable);
            }
            if path.dotted() == "Printf.sprintf" {
                let id = self.sprintf();
                let key = self.scopes.fresh_key();
                return Some(Variable {
                    key,
                    kind: VarKind::TopFunction(id),
                    arity: Some(2),
                });
            }
            self.unsupported(
                &format!("the module value `{}`", path.dotted()),
                path.span.clone(),
            );
            return None;
        }
        let name = &path.segments[0].text;
        if let Some(variable) = self.scopes.lookup(name) {
            return Some(variable);
        }
        if let Some(id) = self.builtin(name) {
            let key = self.scopes.fresh_key();
            let variable = Variable {
                key,
                kind: VarKind::TopFunction(id),
                arity: Some(1),
            };
            return Some(variable);
        }
        self.unsupported(
            &format!("the prelude value `{name}` (or a name the back end did not bind)"),
            path.span.clone(),
        );
        None
    }

    /// `f a b ...`: the value of the application, whose last call the
    /// caller emits (as a tail call when it can).
    pub(crate) fn lower_apply(
        &mut self,
        function: &Expr,
        arguments: &[Expr],
        span: &Span,
        sequence: &mut Sequence,
    ) -> Value {
        let mut function = function;
        while let Expr::Annotated(inner, _, _) = function {
            function = inner;
        }
        if let Expr::Constructor(path) = function {
            return self.lower_construction(path, arguments, span, sequence);
        }
        if let Expr::Variable(path) = function {
            if path.segments.len() == 1 && path.segments[0].text.starts_with("__") {
                return self.lower_primitive(&path.segments[0].text, arguments, span, sequence);
            }
        }
        let (callee, arity) = match function {
            Expr::Variable(path) => match self.resolve_name(path) {
                Some(variable) if self.mutable_cells.contains(&variable.key) => {
                    (self.lower_value(function, sequence), None)
                }
                Some(variable) => (
                    self.variable_atom(&variable, span, sequence),
                    variable.arity,
                ),
                None => return Value::Atom(Atom::Unit),
            },
            _ => (self.lower_value(function, sequence), None),
        };
        let atoms: Vec<Atom> = arguments
            .iter()
            .map(|argument| self.lower_value(argument, sequence))
            .collect();
        let arity = arity.unwrap_or(1);
        if atoms.len() < arity {
            let step = self.curry_step(arity, atoms.len() + 1);
            let mut captured = vec![callee];
            captured.extend(atoms);
            return Value::MakeClosure {
                function: step,
                captured,
            };
        }
        let mut call = Value::Call {
            callee,
            arguments: atoms[..arity].to_vec(),
        };
        for argument in &atoms[arity..] {
            let local = self.scopes.builder().fresh_local();
            sequence.push(Some(local), call, Some(span.clone()));
            call = Value::Call {
                callee: Atom::Local(local),
                arguments: vec![argument.clone()],
            };
        }
        call
    }

    /// A constructor applied to arguments (or alone).
    pub(crate) fn lower_construction(
        &mut self,
        path: &ast::Path,
        arguments: &[Expr],
        span: &Span,
        sequence: &mut Sequence,
    ) -> Value {
        let name = &path.last().text;
        let Some(info) = self.declarations.constructors.get(name).cloned() else {
            self.unsupported(
                &format!("the constructor `{}`", path.dotted()),
                path.span.clone(),
            );
            return Value::Atom(Atom::Unit);
        };
        let arity = info.fields.len();
        let variant = info.index as u8;
        let spread: Vec<&Expr> = match arguments {
            [Expr::Tuple(elements, _)] if arity > 1 => elements.iter().collect(),
            _ => arguments.iter().collect(),
        };
        if arity == 0 {
            return Value::Atom(Atom::Constant(variant));
        }
        let atoms: Vec<Atom> = spread
            .iter()
            .map(|argument| self.lower_value(argument, sequence))
            .collect();
        if atoms.len() == arity {
            return Value::Allocate {
                kind: ObjectKind::Sum(variant),
                fields: self.chain_fields(atoms, span, sequence),
            };
        }
        if atoms.len() > arity {
            self.unsupported("a constructor applied to too many arguments", span.clone());
            return Value::Atom(Atom::Unit);
        }
        let constructor = self.constructor_function(name, variant, arity, span);
        if arity == 1 {
            return Value::Atom(Atom::StaticClosure(constructor));
        }
        let step = self.curry_step(arity, atoms.len() + 1);
        let mut captured = vec![Atom::StaticClosure(constructor)];
        captured.extend(atoms);
        Value::MakeClosure {
            function: step,
            captured,
        }
    }

    /// The function of `arity` parameters that builds constructor `name`
    /// (the record of its fields past the sixth, when it has more than
    /// seven, is built at `span`, the first use's).
    fn constructor_function(
        &mut self,
        name: &str,
        variant: u8,
        arity: usize,
        span: &Span,
    ) -> FunctionId {
        if let Some(id) = self.constructor_functions.get(name) {
            return *id;
        }
        let id = self.reserve_function();
        self.constructor_functions.insert(name.to_string(), id);
        let group = self.scopes.new_capture_group();
        self.begin_function(group);
        let parameters: Vec<_> = (0..arity)
            .map(|_| self.scopes.builder().fresh_local())
            .collect();
        let mut sequence = Sequence::default();
        let fields = parameters.iter().map(|local| Atom::Local(*local)).collect();
        let fields = self.chain_fields(fields, span, &mut sequence);
        let result = self.scopes.builder().fresh_local();
        let body = sequence.finish(Term::Let {
            local: Some(result),
            value: Value::Allocate {
                kind: ObjectKind::Sum(variant),
                fields,
            },
            span: None,
            body: Box::new(Term::Return(Atom::Local(result))),
        });
        self.end_function(
            id,
            format!("constructor {name}"),
            FunctionKind::Ordinary,
            parameters,
            body,
            None,
        );
        id
    }

    /// The curry wrapper for step `step` of an `arity`-ary function: it
    /// captures the function and the first `step - 1` arguments, takes
    /// the next, and returns the next step or calls the function.
    pub(crate) fn curry_step(&mut self, arity: usize, step: usize) -> FunctionId {
        if let Some(id) = self.curry_steps.get(&(arity, step)) {
            return *id;
        }
        let id = self.reserve_function();
        self.curry_steps.insert((arity, step), id);
        let group = self.scopes.new_capture_group();
        for _ in 0..step {
            let key = self.scopes.fresh_key();
            self.scopes.capture_groups[group].push(key);
        }
        self.begin_function(group);
        let parameter = self.scopes.builder().fresh_local();
        let mut captured = Vec::new();
        for index in 0..step {
            let local = self.scopes.builder().fresh_local();
            self.scopes.builder().loaded_captures.push((index, local));
            captured.push(Atom::Local(local));
        }
        captured.push(Atom::Local(parameter));
        let body = if step < arity {
            let next = self.curry_step(arity, step + 1);
            let result = self.scopes.builder().fresh_local();
            Term::Let {
                local: Some(result),
                value: Value::MakeClosure {
                    function: next,
                    captured,
                },
                span: None,
                body: Box::new(Term::Return(Atom::Local(result))),
            }
        } else {
            Term::TailCall {
                callee: captured[0].clone(),
                arguments: captured[1..].to_vec(),
            }
        };
        self.end_function(
            id,
            format!("__curry{arity}_{step}"),
            FunctionKind::Ordinary,
            vec![parameter],
            body,
            None,
        );
        id
    }

    /// A `__` primitive of `unsafe` (Appendix B §6) applied to its
    /// arguments (`docs/backend.md`, "unsafe"): `__alloc Record n` is a
    /// record of `n` fields holding `()`, `__ld i p` reads field `i` with
    /// the tag it was stored with, `__st i p v` writes it; `i` and `n`
    /// must be literals. `__inc p n` and `__dec p n` move a pointer `n`
    /// words (INC/DEC; `n` a literal), `__halt ()` is HALT,
    /// `__read_core_id_register ()` reads the core-id control register
    /// (CSRR 3), `__read_core_count ()` the number of cores (the boot
    /// ROM's parameter block), `__send_message core v` sends `v`'s 16 bits to core
    /// `core` as a core-to-core message and `__hash v` is the runtime's
    /// structural hash of `v` (`Hash`'s buckets). The others are diagnostics.
    fn lower_primitive(
        &mut self,
        name: &str,
        arguments: &[Expr],
        span: &Span,
        sequence: &mut Sequence,
    ) -> Value {
        let literal = |expr: &Expr| match expr {
            Expr::Literal(literal) => match literal.value {
                ast::LiteralValue::Integer(n) => usize::try_from(n).ok(),
                _ => None,
            },
            _ => None,
        };
        match (name, arguments) {
            ("__alloc", [Expr::Constructor(layout), size])
                if layout.last().text == "Record"
                    && literal(size).is_some_and(|n| (1..=7).contains(&n)) =>
            {
                let count = literal(size).unwrap_or(1);
                Value::Allocate {
                    kind: ObjectKind::Record,
                    fields: vec![Atom::Unit; count],
                }
            }
            ("__ld", [index, pointer]) if literal(index).is_some_and(|i| i < 7) => {
                let object = self.lower_value(pointer, sequence);
                Value::Field {
                    object,
                    index: literal(index).unwrap_or(0),
                }
            }
            ("__st", [index, pointer, value]) if literal(index).is_some_and(|i| i < 7) => {
                let object = self.lower_value(pointer, sequence);
                let value = self.lower_value(value, sequence);
                Value::SetField {
                    object,
                    index: literal(index).unwrap_or(0),
                    value,
                }
            }
            ("__inc" | "__dec", [pointer, step])
                if literal(step).is_some_and(|n| n <= i16::MAX as usize) =>
            {
                let object = self.lower_value(pointer, sequence);
                let words = literal(step).unwrap_or(0) as i16;
                let primitive = if name == "__inc" {
                    Primitive::Increment
                } else {
                    Primitive::Decrement
                };
                Value::Primitive(primitive, vec![object, Atom::Int(words)])
            }
            ("__halt", [unit]) => {
                let _ = self.lower_value(unit, sequence);
                Value::Primitive(Primitive::Halt, Vec::new())
            }
            ("__read_core_id_register", [unit]) => {
                let _ = self.lower_value(unit, sequence);
                Value::Primitive(Primitive::CoreId, Vec::new())
            }
            ("__read_core_count", [unit]) => {
                let _ = self.lower_value(unit, sequence);
                Value::Primitive(Primitive::CoreCount, Vec::new())
            }
            ("__send_message", [core, value]) => {
                let core = self.lower_value(core, sequence);
                let value = self.lower_value(value, sequence);
                Value::Runtime(Runtime::SendMessage, vec![core, value])
            }
            ("__hash", [value]) => {
                let value = self.lower_value(value, sequence);
                Value::Runtime(Runtime::Hash, vec![value])
            }
            _ => {
                self.unsupported(
                    &format!(
                        "`{name}` here (the back end has `__alloc Record n`, `__ld i p`, \
                         `__st i p v`, `__inc p n` and `__dec p n` with literal sizes, \
                         indices below 7 and steps, `__halt ()`, \
                         `__read_core_id_register ()`, `__read_core_count ()`, \
                         `__send_message core v` and `__hash v`, \
                         fully applied)"
                    ),
                    span.clone(),
                );
                Value::Atom(Atom::Unit)
            }
        }
    }

    /// `Printf.sprintf fmt n` (the one form the book uses, chapter 12):
    /// `fmt` with its first `%d` replaced by the decimal text of `n`,
    /// built on first use from the runtime's `__string_of_int` and
    /// `__format_int`.
    fn sprintf(&mut self) -> FunctionId {
        if let Some(id) = self.builtins.get("Printf.sprintf") {
            return *id;
        }
        let id = self.reserve_function();
        self.builtins.insert("Printf.sprintf", id);
        let group = self.scopes.new_capture_group();
        self.begin_function(group);
        let format = self.scopes.builder().fresh_local();
        let number = self.scopes.builder().fresh_local();
        let text = self.scopes.builder().fresh_local();
        let result = self.scopes.builder().fresh_local();
        let body = Term::Let {
            local: Some(text),
            value: Value::Runtime(Runtime::StringOfInt, vec![Atom::Local(number)]),
            span: None,
            body: Box::new(Term::Let {
                local: Some(result),
                value: Value::Runtime(
                    Runtime::FormatInt,
                    vec![Atom::Local(format), Atom::Local(text)],
                ),
                span: None,
                body: Box::new(Term::Return(Atom::Local(result))),
            }),
        };
        self.end_function(
            id,
            "Printf.sprintf".to_string(),
            FunctionKind::Ordinary,
            vec![format, number],
            body,
            None,
        );
        id
    }

    /// The prelude function `name`, built on first use.
    ///
    /// `start_timer period` and `start_keyboard ()` are the device
    /// primitives: the timer's ops (Appendix C.3) reload 0x01, enable
    /// 0x02, bind 0x04; the keyboard's bind 0x02.
    pub(crate) fn builtin(&mut self, name: &str) -> Option<FunctionId> {
        let name: &'static str = match name {
            "print_string" => "print_string",
            "print_int" => "print_int",
            "string_of_int" => "string_of_int",
            "ref" => "ref",
            "string_of_byte" => "string_of_byte",
            "int_of_byte" => "int_of_byte",
            "byte_of_int" => "byte_of_int",
            "unwrap" => "unwrap",
            "start_timer" => "start_timer",
            "start_keyboard" => "start_keyboard",
            _ => return None,
        };
        if let Some(id) = self.builtins.get(name) {
            return Some(*id);
        }
        let console = self.effects.number("IO", "print");
        let id = self.reserve_function();
        self.builtins.insert(name, id);
        let group = self.scopes.new_capture_group();
        self.begin_function(group);
        let parameter = self.scopes.builder().fresh_local();
        let text = self.scopes.builder().fresh_local();
        let result = self.scopes.builder().fresh_local();
        let let_ = |local, value, body| Term::bind(local, value, None, body);
        let perform = |argument| match console {
            Some(effect) => Value::Perform { effect, argument },
            None => Value::Atom(Atom::Unit),
        };
        let body = match name {
            "print_string" => let_(
                result,
                perform(Atom::Local(parameter)),
                Term::Return(Atom::Local(result)),
            ),
            "print_int" => let_(
                text,
                Value::Runtime(Runtime::StringOfInt, vec![Atom::Local(parameter)]),
                let_(
                    result,
                    perform(Atom::Local(text)),
                    Term::Return(Atom::Local(result)),
                ),
            ),
            "string_of_int" => let_(
                text,
                Value::Runtime(Runtime::StringOfInt, vec![Atom::Local(parameter)]),
                Term::Return(Atom::Local(text)),
            ),
            "string_of_byte" => let_(
                text,
                Value::Runtime(Runtime::StringOfByte, vec![Atom::Local(parameter)]),
                Term::Return(Atom::Local(text)),
            ),
            // The timer through the boot ROM's default bindings (family 4
            // is the first timer, op k its op k, `docs/soc-decisions.md`):
            // bind it to core 0, set the reload, enable it. Each is a
            // Remote PERF: a packet, no answer.
            "start_timer" => {
                let timer = |op| Effect { family: 4, op };
                let bound = self.scopes.builder().fresh_local();
                let enabled = self.scopes.builder().fresh_local();
                let_(
                    bound,
                    Value::Perform {
                        effect: timer(TIMER_BIND),
                        argument: Atom::Int(0),
                    },
                    let_(
                        result,
                        Value::Perform {
                            effect: timer(TIMER_RELOAD),
                            argument: Atom::Local(parameter),
                        },
                        let_(
                            enabled,
                            Value::Perform {
                                effect: timer(TIMER_ENABLE),
                                argument: Atom::Int(1),
                            },
                            Term::Return(Atom::Unit),
                        ),
                    ),
                )
            }
            // The keyboard through the boot ROM's default bindings (family
            // 3 is the first KID): bind it to core 0, one Remote PERF. Its
            // key events then surface as (0xF, 1), which an effect named
            // `KeyArrival` is bound to.
            "start_keyboard" => let_(
                result,
                Value::Perform {
                    effect: Effect {
                        family: 3,
                        op: KEYBOARD_BIND,
                    },
                    argument: Atom::Int(0),
                },
                Term::Return(Atom::Unit),
            ),
            // A byte is an INT 0..255 already.
            "int_of_byte" => Term::Return(Atom::Local(parameter)),
            "byte_of_int" => let_(
                result,
                Value::Primitive(
                    Primitive::BitAnd,
                    vec![Atom::Local(parameter), Atom::Int(255)],
                ),
                Term::Return(Atom::Local(result)),
            ),
            // `Some x` is variant 1 of the prelude's option; `None` stops
            // the run as a match with no arm does.
            "unwrap" => Term::Switch {
                scrutinee: Atom::Local(parameter),
                variant_count: 2,
                cases: vec![(
                    1,
                    let_(
                        result,
                        Value::Field {
                            object: Atom::Local(parameter),
                            index: 0,
                        },
                        Term::Return(Atom::Local(result)),
                    ),
                )],
                default: Some(Box::new(Term::Fail(0..0))),
            },
            _ => let_(
                result,
                Value::Allocate {
                    kind: ObjectKind::Record,
                    fields: vec![Atom::Local(parameter)],
                },
                Term::Return(Atom::Local(result)),
            ),
        };
        self.end_function(
            id,
            name.to_string(),
            FunctionKind::Ordinary,
            vec![parameter],
            body,
            None,
        );
        Some(id)
    }
}

/// The timer's ops (Appendix C.3), reached as (4, op) through the boot
/// ROM's default bindings.
const TIMER_RELOAD: u8 = 0x01;
const TIMER_ENABLE: u8 = 0x02;
const TIMER_BIND: u8 = 0x04;
/// The keyboard's bind op (Appendix C.3), reached as (3, op).
const KEYBOARD_BIND: u8 = 0x02;
