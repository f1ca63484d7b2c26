//! The glue to the rest of the checker: syntax-tree patterns to the
//! analysis's [`Pattern`]s ([`lower_pattern`]), and the signatures of
//! [`Type`]s from the declarations ([`DeclarationSignatures`]). Both read
//! the same [`Declarations`], so a constructor's index in a lowered pattern
//! is its position in its type's signature.
//!
//! Lists: when the program (or its prelude) declares `list` as a sum, as
//! Appendix B does (`type list a = | Nil | Cons of a * list a`), `[]`, `[p;
//! q]` and `p :: q` are that sum's constructors: the one without fields is
//! nil, the one with two is cons. Otherwise `list` is taken as built in,
//! with nil (index 0, printed `[]`) and cons (index 1, printed `p :: q`).

use cml_syntax::ast;
use cml_types::{Substitution, Table, Type, HIDDEN};

use super::{
    ConstructorForm, ConstructorSignature, Literal, LiteralKind, Pattern, Signature, Signatures,
};
use crate::declarations::{Declarations, Shape, TypeInfo};

/// How deep aliases may nest before a type is taken as opaque (a guard
/// against alias cycles, which resolution reports).
const ALIAS_DEPTH_LIMIT: usize = 32;

/// The analysis's pattern for a syntax-tree pattern, with constructors and
/// record fields looked up in `declarations`. `None` when the pattern
/// cannot be read: a parse error, an unknown constructor or field, or a
/// constructor given the wrong number of arguments. Those are errors the
/// parser or the type checker reports; the caller then skips the analysis
/// of the whole match rather than guess (a guess would add false warnings).
///
/// Integer literals are read as 16-bit values (`0xFFFF` is `-1`), as the
/// machine compares them.
pub fn lower_pattern(pattern: &ast::Pattern, declarations: &Declarations) -> Option<Pattern> {
    Some(match pattern {
        ast::Pattern::Wildcard(_) | ast::Pattern::Variable(_) => Pattern::Wildcard,
        ast::Pattern::Literal(literal) => match &literal.value {
            ast::LiteralValue::Integer(value) => {
                Pattern::Literal(Literal::Integer(i64::from(*value as i16)))
            }
            ast::LiteralValue::Char(byte) => Pattern::Literal(Literal::Char(*byte)),
            ast::LiteralValue::String(text) => Pattern::Literal(Literal::String(text.clone())),
            ast::LiteralValue::Bool(value) => Pattern::boolean(*value),
            ast::LiteralValue::Unit => Pattern::unit(),
        },
        ast::Pattern::Constructor {
            path, arguments, ..
        } => {
            let info = declarations
                .constructors
                .get(&path.dotted())
                .or_else(|| declarations.constructors.get(&path.last().text))?;
            let arguments = lower_all(arguments, declarations)?;
            let arity = info.fields.len();
            let arguments = match (arity, arguments.len()) {
                (expected, written) if expected == written => arguments,
                // `Some (a, b)` for `Some of (int * int)`: the parser spreads
                // a parenthesised tuple, so gather it back.
                (1, _) if arguments.len() > 1 => vec![Pattern::tuple(arguments)],
                // `Cons _` or `Cons pair` for a constructor of several
                // fields: the one pattern must be a wildcard.
                (_, 1) if arguments[0] == Pattern::Wildcard => vec![Pattern::Wildcard; arity],
                // `Cons (p, q)` written as one tuple pattern.
                (_, 1) => match arguments.into_iter().next() {
                    Some(Pattern::Constructor {
                        index: 0,
                        arguments: items,
                    }) if items.len() == arity => items,
                    _ => return None,
                },
                _ => return None,
            };
            Pattern::constructor(info.index, arguments)
        }
        ast::Pattern::Tuple(items, _) => match items.as_slice() {
            [single] => lower_pattern(single, declarations)?,
            _ => Pattern::tuple(lower_all(items, declarations)?),
        },
        ast::Pattern::Record { fields, .. } => {
            let (first_field, _) = fields.first()?;
            let type_name = declarations.fields.get(&first_field.text)?;
            let declared = declarations.records.get(type_name)?;
            let mut arguments = vec![Pattern::Wildcard; declared.len()];
            for (name, field_pattern) in fields {
                let position = declared.iter().position(|field| field.name == name.text)?;
                // A field alone (`{ x }`) binds a variable: a wildcard.
                if let Some(field_pattern) = field_pattern {
                    arguments[position] = lower_pattern(field_pattern, declarations)?;
                }
            }
            Pattern::tuple(arguments)
        }
        ast::Pattern::Cons(head, tail, _) => {
            let list = ListConstructors::of(declarations);
            let head = lower_pattern(head, declarations)?;
            let tail = lower_pattern(tail, declarations)?;
            Pattern::constructor(list.cons, vec![head, tail])
        }
        ast::Pattern::List(elements, _) => {
            let list = ListConstructors::of(declarations);
            let elements = lower_all(elements, declarations)?;
            elements
                .into_iter()
                .rev()
                .fold(Pattern::constant(list.nil), |tail, head| {
                    Pattern::constructor(list.cons, vec![head, tail])
                })
        }
        ast::Pattern::Annotated(inner, _, _) => lower_pattern(inner, declarations)?,
        ast::Pattern::Or(alternatives, _) => Pattern::Or(lower_all(alternatives, declarations)?),
        ast::Pattern::Error(_) => return None,
    })
}

fn lower_all(patterns: &[ast::Pattern], declarations: &Declarations) -> Option<Vec<Pattern>> {
    patterns
        .iter()
        .map(|pattern| lower_pattern(pattern, declarations))
        .collect()
}

/// The indices of a list's two constructors.
struct ListConstructors {
    nil: usize,
    cons: usize,
}

impl ListConstructors {
    /// The declared `list` sum's nil and cons, or the built-in ones.
    fn of(declarations: &Declarations) -> ListConstructors {
        Self::declared(declarations).unwrap_or(ListConstructors { nil: 0, cons: 1 })
    }

    fn declared(declarations: &Declarations) -> Option<ListConstructors> {
        let Shape::Sum(names) = &declarations.types.get("list")?.shape else {
            return None;
        };
        let with_fields = |count: usize| {
            names.iter().find_map(|name| {
                let info = declarations.constructors.get(name)?;
                (info.type_name == "list" && info.fields.len() == count).then_some(info.index)
            })
        };
        Some(ListConstructors {
            nil: with_fields(0)?,
            cons: with_fields(2)?,
        })
    }
}

/// Signatures of [`Type`]s from the declarations: `bool`, `unit`, `empty`,
/// tuples, declared sums and records (with the type's arguments put in for
/// its parameters, the hidden answer and row included), aliases seen
/// through, the literal types `int`, `byte` and `string`, and the built-in
/// `list` when no `list` sum is declared. Everything else (functions,
/// continuations, handlers, abstract types, unbound type variables) is
/// opaque. Bound inference variables are followed through the [`Table`].
#[derive(Clone, Copy, Debug)]
pub struct DeclarationSignatures<'a> {
    /// What is declared.
    pub declarations: &'a Declarations,
    /// The inference variables.
    pub table: &'a Table,
}

impl<'a> DeclarationSignatures<'a> {
    /// Signatures of types over the variables of `table`.
    pub fn new(declarations: &'a Declarations, table: &'a Table) -> Self {
        DeclarationSignatures {
            declarations,
            table,
        }
    }

    fn signature_at_depth(&self, ty: &Type, depth: usize) -> Signature<Type> {
        match self.table.shallow(ty) {
            Type::Tuple(items) => Signature::tuple(items),
            Type::Constructor(name, arguments) => self.named(&name, &arguments, depth),
            Type::Var(_) | Type::Function(..) | Type::Continuation(..) | Type::Handler(..) => {
                Signature::Opaque
            }
        }
    }

    fn named(&self, name: &str, arguments: &[Type], depth: usize) -> Signature<Type> {
        match name {
            "bool" => return Signature::boolean(),
            "unit" => return Signature::unit(),
            "empty" => return Signature::empty(),
            "int" => return Signature::Literals(LiteralKind::Integer),
            "byte" => return Signature::Literals(LiteralKind::Byte),
            "string" => return Signature::Literals(LiteralKind::String),
            _ => {}
        }
        let Some(info) = self.declarations.types.get(name) else {
            return if name == "list" {
                built_in_list(arguments)
            } else {
                Signature::Opaque
            };
        };
        let substitution = self.instantiation(info, arguments);
        let instantiate = |ty: &Type| self.table.substitute(ty, &substitution);
        match &info.shape {
            Shape::Sum(constructors) => {
                let mut signature = Vec::with_capacity(constructors.len());
                for constructor in constructors {
                    match self.declarations.constructors.get(constructor) {
                        Some(constructor_info) if constructor_info.type_name == name => {
                            signature.push(ConstructorSignature {
                                form: ConstructorForm::Named(constructor.clone()),
                                argument_types: constructor_info
                                    .fields
                                    .iter()
                                    .map(instantiate)
                                    .collect(),
                            });
                        }
                        // A later declaration took the constructor's name.
                        _ => return Signature::Opaque,
                    }
                }
                Signature::Constructors(signature)
            }
            Shape::Record(_) => match self.declarations.records.get(name) {
                Some(fields) => Signature::record(
                    fields
                        .iter()
                        .map(|field| (field.name.clone(), instantiate(&field.ty)))
                        .collect(),
                ),
                None => Signature::Opaque,
            },
            Shape::Alias(target) if depth < ALIAS_DEPTH_LIMIT => {
                self.signature_at_depth(&instantiate(target), depth + 1)
            }
            _ if name == "list" => built_in_list(arguments),
            _ => Signature::Opaque,
        }
    }

    /// The substitution from a declared type's parameters (and its hidden
    /// answer type and row, carried by its last argument) to `arguments`.
    fn instantiation(&self, info: &TypeInfo, arguments: &[Type]) -> Substitution {
        let mut substitution = Substitution::default();
        for (parameter, argument) in info.parameters.iter().zip(arguments) {
            substitution.types.insert(*parameter, argument.clone());
        }
        if let (Some((answer, row)), Some(hidden)) =
            (info.hidden, arguments.get(info.parameters.len()))
        {
            if let Type::Constructor(marker, inner) = self.table.shallow(hidden) {
                if let (true, [Type::Function(_, hidden_answer, hidden_row)]) =
                    (marker == HIDDEN, inner.as_slice())
                {
                    substitution.types.insert(answer, (**hidden_answer).clone());
                    substitution.rows.insert(row, hidden_row.clone());
                }
            }
        }
        substitution
    }
}

impl Signatures for DeclarationSignatures<'_> {
    type Type = Type;

    fn signature(&self, ty: &Type) -> Signature<Type> {
        self.signature_at_depth(ty, 0)
    }
}

/// The built-in list of `arguments[0]`: nil (`[]`) and cons (`p :: q`).
fn built_in_list(arguments: &[Type]) -> Signature<Type> {
    let element = arguments
        .first()
        .cloned()
        .unwrap_or_else(|| Type::named("unit"));
    Signature::Constructors(vec![
        ConstructorSignature {
            form: ConstructorForm::ListNil,
            argument_types: Vec::new(),
        },
        ConstructorSignature {
            form: ConstructorForm::ListCons,
            argument_types: vec![
                element.clone(),
                Type::Constructor("list".to_string(), vec![element]),
            ],
        },
    ])
}
