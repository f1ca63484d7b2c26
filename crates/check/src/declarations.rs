//! What the program declares: type constructors with their arities,
//! effects with their operations, constructors and record fields.
//!
//! Declarations are collected from the prelude and the module first
//! (`collect`), then their right-hand sides are resolved to [`Type`]s, so
//! that types may refer to each other in any order.

use std::collections::HashMap;

use cml_syntax::ast;
use cml_types::Type;

/// A declared type constructor.
#[derive(Clone, Debug)]
pub struct TypeInfo {
    /// Its name.
    pub name: String,
    /// How many type arguments it takes.
    pub arity: usize,
    /// Declared `type linear`.
    pub linear: bool,
    /// Where it is declared (`None` for built-in types).
    pub span: Option<ast::Span>,
    /// Its constructors (for a sum) or fields (for a record), once resolved.
    pub shape: Shape,
}

/// What a type is made of.
#[derive(Clone, Debug, Default)]
pub enum Shape {
    /// Built in or abstract: nothing to look inside.
    #[default]
    Opaque,
    /// Another name for a type over the parameters `0..arity`.
    Alias(Type),
    /// A sum: constructor names in order.
    Sum(Vec<String>),
    /// A record: field names in order.
    Record(Vec<String>),
}

/// A constructor of a sum type.
#[derive(Clone, Debug)]
pub struct ConstructorInfo {
    /// The type it builds.
    pub type_name: String,
    /// Its position among the type's constructors (the variant number).
    pub index: usize,
    /// Its field types, over the type's parameters (`Type::Constructor("'0")`
    /// and so on stand for parameter 0...).
    pub fields: Vec<Type>,
}

/// A field of a record type.
#[derive(Clone, Debug)]
pub struct FieldInfo {
    /// The record type.
    pub type_name: String,
    /// Its type over the record's parameters.
    pub ty: Type,
    /// Declared `mutable`.
    pub mutable: bool,
}

/// An effect and its operations.
#[derive(Clone, Debug)]
pub struct EffectInfo {
    /// Its name.
    pub name: String,
    /// How many type parameters it takes.
    pub arity: usize,
    /// Its operations, in declaration order (the op numbers).
    pub operations: Vec<String>,
}

/// Everything declared, by name.
#[derive(Clone, Debug, Default)]
pub struct Declarations {
    /// Type constructors.
    pub types: HashMap<String, TypeInfo>,
    /// Effects.
    pub effects: HashMap<String, EffectInfo>,
    /// Sum constructors.
    pub constructors: HashMap<String, ConstructorInfo>,
    /// Record fields (the most recent declaration of a name wins).
    pub fields: HashMap<String, FieldInfo>,
}

/// The built-in type constructors and their arities.
pub const BUILT_IN_TYPES: [(&str, usize); 9] = [
    ("int", 0),
    ("byte", 0),
    ("bool", 0),
    ("unit", 0),
    ("string", 0),
    ("empty", 0),
    ("ptr", 0),
    ("layout", 0),
    ("continuation", 1),
];

impl Declarations {
    /// The built-in types, and nothing else.
    pub fn built_in() -> Declarations {
        let mut declarations = Declarations::default();
        for (name, arity) in BUILT_IN_TYPES {
            declarations.types.insert(
                name.to_string(),
                TypeInfo {
                    name: name.to_string(),
                    arity,
                    linear: name == "continuation",
                    span: None,
                    shape: Shape::Opaque,
                },
            );
        }
        declarations
    }

    /// The arity of a type constructor, if it is one.
    pub fn arity(&self, name: &str) -> Option<usize> {
        self.types.get(name).map(|info| info.arity)
    }
}
