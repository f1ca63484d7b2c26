//! Allocation as an effect (Appendix B §4, `docs/backend.md`, "Regions"):
//! whether a program needs its allocations to perform `Mem.alloc`, `with
//! region`'s arena, and the conversions between the request record the
//! source sees (`{ layout; size }`) and the one INT the compiled code
//! passes (`size << 4 | layout`, [`cml_ir::MEM_ALLOC`]).
//!
//! The choice is static and per program (§4.2's fast path): a program
//! whose own module has no `with region`, no clause of a `Mem` operation
//! and no `perform Mem.…` has the bottom bump allocator as the handler of
//! every allocation, and its code uses ALLOC. Any of the three makes every
//! allocation site perform [`cml_ir::MEM_ALLOC`], so that the dynamically
//! nearest `Mem` handler serves it.

use cml_ir::{Atom, Effect, ObjectKind, Primitive, Span, Term, Value, RELEASE_CHUNKS, TAKE_CHUNK};
use cml_syntax::ast::{self, Clause, Expr, Item, Path, Pattern};

use crate::builder::Sequence;
use crate::Lowerer;

/// The constructors of the prelude's `layout`, in the order of their
/// variant numbers, which are the machine's layout codes.
const LAYOUT_CONSTRUCTORS: usize = 6;

/// The bits of a request that hold the layout code.
const LAYOUT_BITS: i16 = 4;

/// Whether a module's code contains a `with region`, a clause of a `Mem`
/// operation or a `perform` of one (`is_memory_operation` tells whether a
/// path names an operation of `Mem`).
pub(crate) fn uses_memory_effect(
    module: &ast::Module,
    is_memory_operation: &dyn Fn(&Path) -> bool,
) -> bool {
    let mut finder = Finder {
        is_memory_operation,
        found: false,
    };
    for item in &module.items {
        match item {
            Item::Let(declaration) => {
                for binding in &declaration.bindings {
                    finder.expr(&binding.body);
                }
            }
            Item::Handler(declaration) => {
                finder.expr(&declaration.body);
                for binding in &declaration.and_bindings {
                    finder.expr(&binding.body);
                }
            }
            Item::Type(_) | Item::Effect(_) | Item::Val(_) | Item::Error(_) => {}
        }
    }
    finder.found
}

/// The walk of [`uses_memory_effect`].
struct Finder<'f> {
    is_memory_operation: &'f dyn Fn(&Path) -> bool,
    found: bool,
}

impl Finder<'_> {
    fn expr(&mut self, expr: &Expr) {
        if self.found {
            return;
        }
        match expr {
            Expr::WithRegion { .. } => self.found = true,
            Expr::Perform { operation, .. } if (self.is_memory_operation)(operation) => {
                self.found = true;
            }
            Expr::Handler(clauses, _) | Expr::Handle { clauses, .. } => {
                let handles_memory = clauses.iter().any(|clause| {
                    matches!(clause, Clause::Operation { operation, .. }
                        if (self.is_memory_operation)(operation))
                });
                if handles_memory {
                    self.found = true;
                }
            }
            _ => {}
        }
        for child in expr.children() {
            self.expr(child);
        }
    }
}

impl Lowerer<'_> {
    /// Whether a path names an operation of the prelude's `Mem`.
    pub(crate) fn is_memory_operation(&self, path: &Path) -> bool {
        self.effects
            .resolve(self.declarations, path)
            .is_some_and(|(effect, _)| effect == "Mem")
    }

    /// Whether a path names `Mem.alloc`.
    pub(crate) fn is_allocation_operation(&self, path: &Path) -> bool {
        self.effects
            .resolve(self.declarations, path)
            .is_some_and(|(effect, operation)| effect == "Mem" && operation == "alloc")
    }

    /// `with region r in { body }` when allocation performs: take a chunk,
    /// install the region's frames with it as their environment, run the
    /// body (never in tail position: the exit follows it), uninstall the
    /// frames and give the chunks back. `r` is bound to `()`.
    pub(crate) fn lower_region(
        &mut self,
        region: &ast::Name,
        body: &Expr,
        span: &Span,
        sequence: &mut Sequence,
    ) -> Atom {
        let arena = self.scopes.builder().fresh_local();
        sequence.push(
            Some(arena),
            Value::Perform {
                effect: TAKE_CHUNK,
                argument: Atom::Unit,
            },
            Some(span.clone()),
        );
        sequence.push(None, Value::InstallRegion(Atom::Local(arena)), None);
        let mark = self.scopes.mark();
        let local = self.scopes.bind_local(&region.text, None);
        sequence.push(Some(local), Value::Atom(Atom::Unit), None);
        let value = self.lower_value(body, sequence);
        self.scopes.truncate(mark);
        sequence.push(
            None,
            Value::Uninstall(vec![cml_ir::MEM_ALLOC, cml_ir::MEM_FREE]),
            None,
        );
        sequence.push(
            None,
            Value::Perform {
                effect: RELEASE_CHUNKS,
                argument: Atom::Local(arena),
            },
            None,
        );
        value
    }

    /// The request INT of a `{ layout; size }` record (the argument of a
    /// `perform Mem.alloc`): `size << 4 | code`, the layout's code being
    /// its constructor's variant number.
    pub(crate) fn pack_allocation_request(
        &mut self,
        record: Atom,
        span: &Span,
        sequence: &mut Sequence,
    ) -> Atom {
        let (layout_index, size_index) = self.request_field_indices();
        let layout = self.bind(
            Value::Field {
                object: record.clone(),
                index: layout_index,
            },
            span,
            sequence,
        );
        let size = self.bind(
            Value::Field {
                object: record,
                index: size_index,
            },
            span,
            sequence,
        );
        self.pack_request_fields(layout, size, span, sequence)
    }

    /// `perform Mem.alloc { layout = l; size = s }` with the record
    /// written out: the request INT of the two values, with no record
    /// allocated (a `Mem` handler that forwards each request would
    /// otherwise leave one record in the outer heap per allocation).
    /// `None` when the argument is not such a record literal.
    pub(crate) fn pack_written_request(
        &mut self,
        argument: &Expr,
        span: &Span,
        sequence: &mut Sequence,
    ) -> Option<Atom> {
        let Expr::Record { fields, .. } = argument else {
            return None;
        };
        let value_of = |name: &str| {
            fields
                .iter()
                .find(|(field, _)| field.text == name)
                .map(|(field, value)| (field.clone(), value.clone()))
        };
        let (layout, size) = (value_of("layout")?, value_of("size")?);
        if fields.len() != 2 {
            return None;
        }
        let mut atoms = Vec::new();
        for (field, value) in [layout, size] {
            let expr = value.unwrap_or_else(|| {
                Expr::Variable(Path {
                    segments: vec![field.clone()],
                    span: field.span.clone(),
                })
            });
            atoms.push(self.lower_value(&expr, sequence));
        }
        let size = atoms.pop().expect("two fields");
        let layout = atoms.pop().expect("two fields");
        Some(self.pack_request_fields(layout, size, span, sequence))
    }

    /// `size << 4 | code` of a layout constructor and a size.
    fn pack_request_fields(
        &mut self,
        layout: Atom,
        size: Atom,
        span: &Span,
        sequence: &mut Sequence,
    ) -> Atom {
        let cases = (0..LAYOUT_CONSTRUCTORS as u8)
            .map(|variant| (variant, Term::Return(Atom::Int(i16::from(variant)))))
            .collect();
        let code = self.bind(
            Value::Block(Box::new(Term::Switch {
                scrutinee: layout,
                variant_count: LAYOUT_CONSTRUCTORS as u8,
                cases,
                default: None,
            })),
            span,
            sequence,
        );
        let shifted = self.bind(
            Value::Primitive(Primitive::ShiftLeft, vec![size, Atom::Int(LAYOUT_BITS)]),
            span,
            sequence,
        );
        self.bind(
            Value::Primitive(Primitive::BitOr, vec![shifted, code]),
            span,
            sequence,
        )
    }

    /// Binds the argument pattern of a `Mem.alloc` clause to the request
    /// INT it receives. A record pattern of `layout` and `size` binds
    /// their patterns to the two values directly; any other pattern is
    /// matched against the `{ layout; size }` record, built here.
    pub(crate) fn bind_allocation_request(
        &mut self,
        pattern: Option<&Pattern>,
        request: Atom,
        sequence: &mut Sequence,
    ) {
        let Some(pattern) = pattern else {
            return;
        };
        if let Pattern::Record { fields, .. } = pattern {
            let known = |name: &ast::Name| name.text == "layout" || name.text == "size";
            if fields.iter().all(|(name, _)| known(name)) {
                let (layout, size) = self.request_values(request, sequence);
                for (name, field_pattern) in fields {
                    let atom = if name.text == "layout" {
                        layout.clone()
                    } else {
                        size.clone()
                    };
                    let variable = Pattern::Variable(name.clone());
                    let field_pattern = field_pattern.as_ref().unwrap_or(&variable);
                    self.bind_irrefutable(field_pattern, atom, sequence);
                }
                return;
            }
        }
        let record = self.unpack_allocation_request(request, sequence);
        self.bind_irrefutable(pattern, record, sequence);
    }

    /// The `{ layout; size }` record of a request INT (the argument a
    /// `Mem.alloc` clause receives), built in the clause, which runs
    /// outside its own handler, so its allocation reaches the outer one.
    pub(crate) fn unpack_allocation_request(
        &mut self,
        request: Atom,
        sequence: &mut Sequence,
    ) -> Atom {
        let (layout, size) = self.request_values(request, sequence);
        let (layout_index, size_index) = self.request_field_indices();
        let mut fields = vec![Atom::Unit, Atom::Unit];
        fields[layout_index] = layout;
        fields[size_index] = size;
        self.bind_unspanned(
            Value::Allocate {
                kind: ObjectKind::Record,
                fields,
            },
            sequence,
        )
    }

    /// The layout constructor and the size of a request INT.
    fn request_values(&mut self, request: Atom, sequence: &mut Sequence) -> (Atom, Atom) {
        let code = self.bind_unspanned(
            Value::Primitive(
                Primitive::BitAnd,
                vec![request.clone(), Atom::Int((1 << LAYOUT_BITS) - 1)],
            ),
            sequence,
        );
        let size = self.bind_unspanned(
            Value::Primitive(Primitive::ShiftRight, vec![request, Atom::Int(LAYOUT_BITS)]),
            sequence,
        );
        // The layout constructor of the code: a chain of comparisons,
        // `Record` for a code no constructor has.
        let mut layout = Term::Return(Atom::Constant(0));
        for variant in (1..LAYOUT_CONSTRUCTORS as u8).rev() {
            let test = self.scopes.builder().fresh_local();
            layout = Term::bind(
                test,
                Value::Primitive(
                    Primitive::Equal,
                    vec![code.clone(), Atom::Int(i16::from(variant))],
                ),
                None,
                Term::If {
                    condition: Atom::Local(test),
                    then_branch: Box::new(Term::Return(Atom::Constant(variant))),
                    else_branch: Box::new(layout),
                },
            );
        }
        let layout = self.bind_unspanned(Value::Block(Box::new(layout)), sequence);
        (layout, size)
    }

    /// Binds a value the source has no position for to a new local.
    fn bind_unspanned(&mut self, value: Value, sequence: &mut Sequence) -> Atom {
        let local = self.scopes.builder().fresh_local();
        sequence.push(Some(local), value, None);
        Atom::Local(local)
    }

    /// The positions of `layout` and `size` in the request record (as the
    /// declarations order its fields; the prelude writes `layout` first).
    fn request_field_indices(&self) -> (usize, usize) {
        match self.record_fields_of("size") {
            Some(fields) => {
                let layout = fields.iter().position(|field| field == "layout");
                let size = fields.iter().position(|field| field == "size");
                match (layout, size) {
                    (Some(layout), Some(size)) => (layout, size),
                    _ => (0, 1),
                }
            }
            None => (0, 1),
        }
    }
}

/// Whether an operation is `Mem.alloc`.
pub(crate) fn is_allocation(effect: Effect) -> bool {
    effect == cml_ir::MEM_ALLOC
}
