//! Inference for records: literals (whose field set names their type,
//! `docs/cml-types.md`: records are nominal), field access through a
//! value of a record type, and the fields written as `f = e` or punned as
//! `f`.

use cml_syntax::ast::{Expr, Name, Path, Span};
use cml_types::Type;

use super::Inferencer;
use crate::declarations::FieldInfo;
use crate::error::CheckError;

impl Inferencer {
    /// The field `name` of a value of type `record_type`: its declaration
    /// and its type, with the record's parameters unified.
    pub fn field_of(
        &mut self,
        record_type: &Type,
        name: &Name,
        span: &Span,
    ) -> Option<(FieldInfo, Type)> {
        let known = match self.table.shallow(record_type) {
            Type::Constructor(type_name, _)
                if self
                    .declarations
                    .records
                    .get(&type_name)
                    .is_some_and(|fields| fields.iter().any(|f| f.name == name.text)) =>
            {
                Some(type_name)
            }
            _ => None,
        };
        let Some(type_name) = known.or_else(|| self.declarations.fields.get(&name.text).cloned())
        else {
            let suggestion = Self::suggest(
                &name.text,
                self.declarations.fields.keys().map(String::as_str),
            );
            self.report(CheckError::UnknownField {
                name: name.text.clone(),
                span: name.span.clone(),
                suggestion,
            });
            return None;
        };
        let info = self.declarations.records[&type_name]
            .iter()
            .find(|field| field.name == name.text)
            .cloned()?;
        let (instance, substitution) = self
            .declarations
            .instantiate_type(&type_name, &mut self.table);
        self.expect(
            &instance,
            record_type,
            span,
            &format!("the record whose `{}` is taken", name.text),
        );
        let ty = self.table.substitute(&info.ty, &substitution);
        Some((info, ty))
    }

    /// A record literal: its field set determines its type.
    pub(super) fn record(&mut self, fields: &[(Name, Option<Expr>)], span: &Span) -> Type {
        if fields.is_empty() {
            // `{ /* current */ }` (chapter 17): a placeholder, of no known type.
            return self.table.fresh_type();
        }
        let names: Vec<&str> = fields.iter().map(|(name, _)| name.text.as_str()).collect();
        let by_first = fields
            .first()
            .and_then(|(name, _)| self.declarations.fields.get(&name.text).cloned());
        let covering = |type_name: &String| {
            let declared = &self.declarations.records[type_name];
            names
                .iter()
                .all(|name| declared.iter().any(|field| field.name == *name))
        };
        let type_name = match by_first {
            Some(type_name) if covering(&type_name) => Some(type_name),
            other => {
                let mut candidates: Vec<&String> = self
                    .declarations
                    .records
                    .keys()
                    .filter(|name| covering(name))
                    .collect();
                candidates.sort();
                candidates.first().map(|name| (*name).clone()).or(other)
            }
        };
        let Some(type_name) = type_name else {
            if let Some((name, _)) = fields.first() {
                let suggestion = Self::suggest(
                    &name.text,
                    self.declarations.fields.keys().map(String::as_str),
                );
                self.report(CheckError::UnknownField {
                    name: name.text.clone(),
                    span: name.span.clone(),
                    suggestion,
                });
            }
            for (name, value) in fields {
                self.field_value(name, value.as_ref());
            }
            return self.table.fresh_type();
        };
        let declared = self.declarations.records[&type_name].clone();
        let (ty, substitution) = self
            .declarations
            .instantiate_type(&type_name, &mut self.table);
        let mut extra = Vec::new();
        for (name, value) in fields {
            let (found, value_span) = self.field_value(name, value.as_ref());
            match declared.iter().find(|field| field.name == name.text) {
                Some(field) => {
                    let expected = self.table.substitute(&field.ty, &substitution);
                    self.expect(
                        &expected,
                        &found,
                        &value_span,
                        &format!("field `{}`", name.text),
                    );
                }
                None => extra.push(name.text.clone()),
            }
        }
        let missing: Vec<String> = declared
            .iter()
            .filter(|field| !names.contains(&field.name.as_str()))
            .map(|field| field.name.clone())
            .collect();
        if !missing.is_empty() || !extra.is_empty() {
            self.report(CheckError::RecordFields {
                type_name: type_name.clone(),
                missing,
                extra,
                span: span.clone(),
            });
        }
        self.allocate(span);
        ty
    }

    /// The type of a field's value in a record literal (`f = e`, or `f`
    /// alone for the variable `f`).
    fn field_value(&mut self, name: &Name, value: Option<&Expr>) -> (Type, Span) {
        match value {
            Some(value) => (self.infer(value), value.span()),
            None => {
                let path = Path {
                    segments: vec![name.clone()],
                    span: name.span.clone(),
                };
                (self.variable(&path), name.span.clone())
            }
        }
    }
}
