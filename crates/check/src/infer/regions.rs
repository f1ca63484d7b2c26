//! `with region r in { e }` (Appendix B §4.3): `e` runs with `Mem`
//! handled by the region, whose memory is given back when the block
//! exits, so the block's value must not point into it.
//!
//! The book forbids `ptr` in the result. In this back end every heap
//! value is a pointer (`docs/backend.md`, "Values"), so the rule is
//! stronger: the result's type may contain no heap-represented type. Only
//! `int`, `byte`, `char`, `bool`, `unit`, and sums all of whose
//! constructors are constant (static objects, never allocated) may come
//! out; tuples, records, strings, functions, continuations, handlers,
//! `ptr`, sums with a constructor that has fields, abstract types, and
//! type variables (which could stand for any of them) may not.

use cml_syntax::ast::{Expr, Name, Span};
use cml_types::{Label, Row, Type};

use super::Inferencer;
use crate::error::CheckError;

/// The types whose values are immediates in a tagged register.
const IMMEDIATE_TYPES: [&str; 5] = ["int", "byte", "char", "bool", "unit"];

impl Inferencer {
    /// `with region r in { e }`: handles `Mem` for `e`, whose type may
    /// not contain a heap-represented type.
    pub fn with_region(&mut self, region: &Name, body: &Expr, span: &Span) -> Type {
        let mark = self.env.mark();
        let region_type = self.table.fresh_type();
        self.bind_local(
            region,
            super::env::Scheme::monomorphic(region_type),
            false,
            0,
        );
        let mem = Label {
            effect: "Mem".to_string(),
            arguments: Vec::new(),
        };
        let body_row = Row::Extend(Box::new(mem), Box::new(self.effect.clone()));
        let ty = self.with_row(body_row, None, |inferencer| inferencer.infer(body));
        self.env.truncate(mark);
        let resolved = self.table.resolve(&ty);
        if let Some(culprit) = self.heap_part(&resolved) {
            let shown = self.show(&resolved);
            let culprit = self.show(&culprit);
            self.report(CheckError::RegionEscape {
                ty: shown,
                culprit,
                span: span.clone(),
            });
        }
        ty
    }

    /// The first part of a (resolved) type whose values live in the heap,
    /// if any.
    fn heap_part(&self, ty: &Type) -> Option<Type> {
        match ty {
            Type::Var(_) | Type::Function(..) | Type::Continuation(..) | Type::Handler(..) => {
                Some(ty.clone())
            }
            Type::Tuple(items) if items.is_empty() => None,
            Type::Tuple(_) => Some(ty.clone()),
            Type::Constructor(name, _) => {
                if IMMEDIATE_TYPES.contains(&name.as_str()) {
                    return None;
                }
                let mut constructors = self
                    .declarations
                    .constructors
                    .values()
                    .filter(|info| &info.type_name == name)
                    .peekable();
                let declared_sum = constructors.peek().is_some();
                let all_constant = constructors.all(|info| info.fields.is_empty());
                if declared_sum && all_constant && !self.declarations.records.contains_key(name) {
                    None
                } else {
                    Some(ty.clone())
                }
            }
        }
    }
}
