//! Record construction and functional update.

use cml_ir::{Atom, ObjectKind, Span, Value};
use cml_syntax::ast::{self, Expr};

use crate::builder::Sequence;
use crate::Lowerer;

/// The most fields one heap object holds (codegen's limit: a header's
/// size is at most 14 payload words, two per tagged field).
pub(crate) const MAX_FIELDS: usize = 7;

/// Where field `index` of a record of `count` fields lives. A record of
/// more than [`MAX_FIELDS`] fields (chapter 15's `connection` has 11) is
/// an object whose first six slots hold fields 0-5 and whose last slot
/// points to a record of the rest, laid out the same way: the path is
/// the slots to follow, the last one the field's own.
pub(crate) fn field_path(index: usize, count: usize) -> Vec<usize> {
    let (mut index, mut count) = (index, count);
    let mut path = Vec::new();
    while count > MAX_FIELDS && index >= MAX_FIELDS - 1 {
        path.push(MAX_FIELDS - 1);
        index -= MAX_FIELDS - 1;
        count -= MAX_FIELDS - 1;
    }
    path.push(index);
    path
}

/// The fields of a record pattern nested as [`field_path`] lays them out.
pub(crate) fn nest_fields<T>(mut fields: Vec<T>, group: &dyn Fn(Vec<T>) -> T) -> Vec<T> {
    if fields.len() <= MAX_FIELDS {
        return fields;
    }
    let rest = fields.split_off(MAX_FIELDS - 1);
    let rest = nest_fields(rest, group);
    fields.push(group(rest));
    fields
}

/// Keeps the record types a program declares when there are any among
/// `candidates`, dropping the records of operation arguments (`Mem.alloc`'s
/// `{ layout; size }`, named after their operation): a library `Queue`'s
/// `size` is its own field, as the checker resolves it.
fn prefer_declared_types<T>(candidates: &mut Vec<(&String, T)>) {
    if candidates
        .iter()
        .any(|(type_name, _)| !type_name.contains('.'))
    {
        candidates.retain(|(type_name, _)| !type_name.contains('.'));
    }
}

impl Lowerer<'_> {
    /// A record of `atoms` (in declaration order), nested as
    /// [`field_path`] lays it out.
    pub(crate) fn build_record(
        &mut self,
        atoms: Vec<Atom>,
        span: &Span,
        sequence: &mut Sequence,
    ) -> Atom {
        let fields = self.chain_fields(atoms, span, sequence);
        self.bind(
            Value::Allocate {
                kind: ObjectKind::Record,
                fields,
            },
            span,
            sequence,
        )
    }

    /// The slots of one object holding `atoms` (in declaration order):
    /// all of them when they fit, otherwise fields 0-5 and a record of the
    /// rest, built first, as [`field_path`] lays them out. Records and the
    /// SUM objects of constructors share this layout.
    pub(crate) fn chain_fields(
        &mut self,
        mut atoms: Vec<Atom>,
        span: &Span,
        sequence: &mut Sequence,
    ) -> Vec<Atom> {
        if atoms.len() > MAX_FIELDS {
            let rest = atoms.split_off(MAX_FIELDS - 1);
            let rest = self.build_record(rest, span, sequence);
            atoms.push(rest);
        }
        atoms
    }

    /// The object holding the last step of `path` (the record itself for
    /// a path of one step), following the others.
    pub(crate) fn follow_path(
        &mut self,
        object: Atom,
        path: &[usize],
        span: &Span,
        sequence: &mut Sequence,
    ) -> Atom {
        let mut object = object;
        for &index in &path[..path.len().saturating_sub(1)] {
            object = self.bind(Value::Field { object, index }, span, sequence);
        }
        object
    }

    /// Reads the field at `path` of `object`.
    pub(crate) fn read_path(
        &mut self,
        object: Atom,
        path: &[usize],
        span: &Span,
        sequence: &mut Sequence,
    ) -> Atom {
        let holder = self.follow_path(object, path, span, sequence);
        let index = path.last().copied().unwrap_or(0);
        self.bind(
            Value::Field {
                object: holder,
                index,
            },
            span,
            sequence,
        )
    }

    /// The fields, in declaration order, of the record type that has all
    /// of `names`. Record types may share field names (chapter 15's
    /// `payload` is a field of three records), so the type is the one
    /// whose fields include every name written; when several do and their
    /// layouts differ, the back end cannot tell them apart (it does not
    /// see types) and says so. Records of operation arguments give way
    /// to declared types (`prefer_declared_types`).
    pub(crate) fn record_layout(&self, names: &[&str]) -> Result<Vec<String>, String> {
        let mut candidates: Vec<(&String, Vec<String>)> = self
            .declarations
            .records
            .iter()
            .filter(|(_, fields)| {
                names
                    .iter()
                    .all(|name| fields.iter().any(|field| field.name == *name))
            })
            .map(|(type_name, fields)| {
                (
                    type_name,
                    fields.iter().map(|field| field.name.clone()).collect(),
                )
            })
            .collect();
        candidates.sort();
        prefer_declared_types(&mut candidates);
        let mut layouts: Vec<(&String, Vec<String>)> = Vec::new();
        for (type_name, layout) in candidates {
            if !layouts.iter().any(|(_, known)| *known == layout) {
                layouts.push((type_name, layout));
            }
        }
        match layouts.as_slice() {
            [] => Err(format!("the field `{}`", names.join("`, `"))),
            [(_, layout)] => Ok(layout.clone()),
            [(first, _), (second, _), ..] => Err(format!(
                "the fields `{}`, which `{first}` and `{second}` both have at different positions",
                names.join("`, `")
            )),
        }
    }

    /// Where the field `name` is ([`field_path`]) in every record type
    /// that has it, if that is one place (see [`Self::record_layout`]).
    pub(crate) fn field_position(&self, name: &str) -> Result<Vec<usize>, String> {
        let mut positions: Vec<(&String, Vec<usize>)> = self
            .declarations
            .records
            .iter()
            .filter_map(|(type_name, fields)| {
                fields
                    .iter()
                    .position(|field| field.name == name)
                    .map(|index| (type_name, field_path(index, fields.len())))
            })
            .collect();
        positions.sort();
        prefer_declared_types(&mut positions);
        let Some((first, path)) = positions.first().cloned() else {
            return Err(format!("the field `{name}`"));
        };
        match positions.iter().find(|(_, other)| *other != path) {
            None => Ok(path),
            Some((second, _)) => Err(format!(
                "the field `{name}`, which `{first}` and `{second}` both have at different positions"
            )),
        }
    }

    pub(crate) fn lower_record(
        &mut self,
        fields: &[(ast::Name, Option<Expr>)],
        span: &Span,
        sequence: &mut Sequence,
    ) -> Atom {
        let Some(first) = fields.first() else {
            return Atom::Unit;
        };
        let names: Vec<&str> = fields.iter().map(|(name, _)| name.text.as_str()).collect();
        let declared = match self.record_layout(&names) {
            Ok(declared) => declared,
            Err(what) => return self.unsupported_atom(&what, first.0.span.clone()),
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
        self.build_record(fields, span, sequence)
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
        let names: Vec<&str> = fields.iter().map(|(name, _)| name.text.as_str()).collect();
        let declared = match self.record_layout(&names) {
            Ok(declared) => declared,
            Err(what) => return self.unsupported_atom(&what, first.span.clone()),
        };
        let mut values: Vec<Option<Atom>> = vec![None; declared.len()];
        for (name, value) in fields {
            let atom = self.lower_value(value, sequence);
            if let Some(index) = declared.iter().position(|field| *field == name.text) {
                values[index] = Some(atom);
            }
        }
        let count = values.len();
        let mut atoms = Vec::new();
        for (index, value) in values.into_iter().enumerate() {
            let atom = match value {
                Some(atom) => atom,
                None => {
                    let path = field_path(index, count);
                    self.read_path(base.clone(), &path, span, sequence)
                }
            };
            atoms.push(atom);
        }
        self.build_record(atoms, span, sequence)
    }
}
