//! Record construction and functional update.

use cml_ir::{Atom, ObjectKind, Span, Value};
use cml_syntax::ast::{self, Expr};

use crate::builder::Sequence;
use crate::Lowerer;

impl Lowerer<'_> {
    pub(crate) fn lower_record(
        &mut self,
        fields: &[(ast::Name, Option<Expr>)],
        span: &Span,
        sequence: &mut Sequence,
    ) -> Atom {
        let Some(first) = fields.first() else {
            return Atom::Unit;
        };
        let Some(declared) = self.record_fields_of(&first.0.text) else {
            return self.unsupported_atom(
                &format!("the field `{}`", first.0.text),
                first.0.span.clone(),
            );
        };
        let mut values: Vec<Option<Atom>> = vec![None; declared.len()];
        for (name, value) in fields {
            let atom = match value {
                Some(value) => self.lower_value(value, sequence),
                None => {
                    let path = ast::Path {
                        segments: vec![name.clone()],
                        span: name.span.clone(),
                    };
                    self.lower_value(&Expr::Variable(path), sequence)
                }
            };
            match declared.iter().position(|field| *field == name.text) {
                Some(index) => values[index] = Some(atom),
                None => {
                    return self
                        .unsupported_atom(&format!("the field `{}`", name.text), name.span.clone())
                }
            }
        }
        let fields: Vec<Atom> = values
            .into_iter()
            .map(|atom| atom.unwrap_or(Atom::Unit))
            .collect();
        self.bind(
            Value::Allocate {
                kind: ObjectKind::Record,
                fields,
            },
            span,
            sequence,
        )
    }

    pub(crate) fn lower_record_update(
        &mut self,
        base: &Expr,
        fields: &[(ast::Name, Expr)],
        span: &Span,
        sequence: &mut Sequence,
    ) -> Atom {
        let base = self.lower_value(base, sequence);
        let Some((first, _)) = fields.first() else {
            return base;
        };
        let Some(declared) = self.record_fields_of(&first.text) else {
            return self
                .unsupported_atom(&format!("the field `{}`", first.text), first.span.clone());
        };
        let mut values: Vec<Option<Atom>> = vec![None; declared.len()];
        for (name, value) in fields {
            let atom = self.lower_value(value, sequence);
            if let Some(index) = declared.iter().position(|field| *field == name.text) {
                values[index] = Some(atom);
            }
        }
        let mut atoms = Vec::new();
        for (index, value) in values.into_iter().enumerate() {
            let atom = match value {
                Some(atom) => atom,
                None => self.bind(
                    Value::Field {
                        object: base.clone(),
                        index,
                    },
                    span,
                    sequence,
                ),
            };
            atoms.push(atom);
        }
        self.bind(
            Value::Allocate {
                kind: ObjectKind::Record,
                fields: atoms,
            },
            span,
            sequence,
        )
    }
}
