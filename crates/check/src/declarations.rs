//! What the program declares: type constructors with their arities,
//! effects with their operations, constructors and record fields.
//!
//! Declarations are collected from the prelude and the module first
//! ([`Declarations::collect`]), then their right-hand sides are resolved to
//! [`Type`]s, so that types may refer to each other in any order.
//!
//! A declared type's parameters are inference variables of the checker's
//! [`Table`] that are never bound: constructor fields, record fields and
//! operation signatures are stored over them, and every use substitutes
//! fresh variables ([`Declarations::instantiate_type`]). A type whose
//! declaration holds a continuation, directly or through another such type,
//! takes one more, hidden, argument: the answer type and row of its
//! continuations (`docs/cml-types.md`, "Continuations"), so
//! `type process = { id : int; k : unit continuation }` is `process` applied
//! to a hidden `unit -> b / e`, and `sched.ready : process queue` fixes one
//! `b` and one `e` for the whole queue.
//!
//! A declaration in the module replaces a prelude declaration of the same
//! name (the prelude is an implicitly opened module); two declarations of a
//! name in the module are reported.

use std::collections::HashMap;

use cml_syntax::ast::{self, TypeExpr};
use cml_types::{Row, RowVar, Substitution, Table, Type, TypeVar, HIDDEN};

use crate::error::CheckError;
use crate::resolve::{Resolver, TypeScope};

/// A declared type constructor.
#[derive(Clone, Debug)]
pub struct TypeInfo {
    /// Its name.
    pub name: String,
    /// How many type arguments it takes (as written; the hidden one is not
    /// counted).
    pub arity: usize,
    /// Declared `type linear`.
    pub linear: bool,
    /// Where it is declared (`None` for built-in and prelude types).
    pub span: Option<ast::Span>,
    /// Its constructors (for a sum) or fields (for a record), once resolved.
    pub shape: Shape,
    /// The variables standing for its parameters.
    pub parameters: Vec<TypeVar>,
    /// The hidden answer type and row, for types holding continuations.
    pub hidden: Option<(TypeVar, RowVar)>,
}

/// What a type is made of.
#[derive(Clone, Debug, Default)]
pub enum Shape {
    /// Built in or abstract: nothing to look inside.
    #[default]
    Opaque,
    /// Another name for a type over the parameters.
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
    /// Its field types, over the type's parameters.
    pub fields: Vec<Type>,
}

/// A field of a record type.
#[derive(Clone, Debug)]
pub struct FieldInfo {
    /// The record type.
    pub type_name: String,
    /// The field's name.
    pub name: String,
    /// Its type over the record's parameters.
    pub ty: Type,
    /// Declared `mutable`.
    pub mutable: bool,
}

/// One operation of an effect.
#[derive(Clone, Debug)]
pub struct OperationInfo {
    /// Its name.
    pub name: String,
    /// Its signature over the effect's parameters and its own variables:
    /// the result alone for `effect Yield : unit`, an arrow per argument
    /// otherwise (`set : key -> value -> ()`).
    pub signature: Type,
    /// Type variables of the signature that are not the effect's.
    pub own_types: Vec<TypeVar>,
    /// Row variables of the signature: those of arrows written without a
    /// row, and those written by name (`/ {IO | e}`).
    pub own_rows: Vec<RowVar>,
    /// The row variables written by name: rigid in a clause, like the
    /// signature's type variables.
    pub written_rows: Vec<RowVar>,
}

/// An effect and its operations.
#[derive(Clone, Debug)]
pub struct EffectInfo {
    /// Its name.
    pub name: String,
    /// How many type parameters it takes.
    pub arity: usize,
    /// The variables standing for its parameters.
    pub parameters: Vec<TypeVar>,
    /// Its operations, in declaration order (the op numbers).
    pub operations: Vec<OperationInfo>,
    /// Where it is declared (`None` in the prelude).
    pub span: Option<ast::Span>,
}

impl EffectInfo {
    /// The operation of this name.
    pub fn operation(&self, name: &str) -> Option<&OperationInfo> {
        self.operations
            .iter()
            .find(|operation| operation.name == name)
    }
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
    /// Record fields by record type, in declaration order.
    pub records: HashMap<String, Vec<FieldInfo>>,
    /// For each field name, the record type that declared it last.
    pub fields: HashMap<String, String>,
}

/// The built-in type constructors and their arities.
pub const BUILT_IN_TYPES: [(&str, usize); 8] = [
    ("int", 0),
    ("byte", 0),
    ("bool", 0),
    ("unit", 0),
    ("string", 0),
    ("empty", 0),
    ("ptr", 0),
    ("continuation", 1),
];

/// Whether a declaration comes from the prelude or the module checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The prelude: replaced silently by the module's own declarations.
    Prelude,
    /// The module checked.
    Module,
}

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
                    parameters: Vec::new(),
                    hidden: None,
                },
            );
        }
        declarations
    }

    /// The arity of a type constructor, if it is one.
    pub fn arity(&self, name: &str) -> Option<usize> {
        self.types.get(name).map(|info| info.arity)
    }

    /// The type `name` applied to fresh variables, and the substitution
    /// from its parameters (and hidden answer and row) to them.
    pub fn instantiate_type(&self, name: &str, table: &mut Table) -> (Type, Substitution) {
        let mut substitution = Substitution::default();
        let Some(info) = self.types.get(name) else {
            return (table.fresh_type(), substitution);
        };
        let mut arguments = Vec::new();
        for parameter in &info.parameters {
            let fresh = table.fresh_type();
            substitution.types.insert(*parameter, fresh.clone());
            arguments.push(fresh);
        }
        if let Some((answer, row)) = info.hidden {
            let fresh_answer = table.fresh_type();
            let fresh_row = table.fresh_row();
            substitution.types.insert(answer, fresh_answer.clone());
            substitution.rows.insert(row, fresh_row.clone());
            arguments.push(hidden_argument(fresh_answer, fresh_row));
        }
        (Type::Constructor(name.to_string(), arguments), substitution)
    }

    /// Collects the declarations of the prelude's modules and of the module
    /// checked, then resolves their right-hand sides.
    pub fn collect(
        sources: &[(Origin, &ast::Module)],
        table: &mut Table,
        errors: &mut Vec<CheckError>,
    ) -> Declarations {
        let mut declarations = Declarations::built_in();
        let mut module_spans: HashMap<(&'static str, String), ast::Span> = HashMap::new();
        // Names first, so that bodies may mention later types.
        for (origin, module) in sources {
            for item in &module.items {
                match item {
                    ast::Item::Type(declaration) => declarations.declare_type(
                        *origin,
                        declaration,
                        table,
                        errors,
                        &mut module_spans,
                    ),
                    ast::Item::Effect(declaration) => declarations.declare_effect(
                        *origin,
                        declaration,
                        table,
                        errors,
                        &mut module_spans,
                    ),
                    _ => {}
                }
            }
        }
        declarations.mark_hidden(sources, table);
        // Aliases first, as often as there are aliases, so that each is
        // expanded in the aliases that name it, wherever they stand
        // (`type socket_addr = ip_addr * port` before `type ip_addr =
        // int`). These passes' errors are reported by the one below.
        let aliases: Vec<(Origin, &ast::TypeDecl)> = sources
            .iter()
            .flat_map(|(origin, module)| {
                module.items.iter().filter_map(move |item| match item {
                    ast::Item::Type(declaration)
                        if matches!(declaration.body, ast::TypeBody::Alias(_)) =>
                    {
                        Some((*origin, declaration))
                    }
                    _ => None,
                })
            })
            .collect();
        let mut discarded = Vec::new();
        for _ in 0..aliases.len() {
            for (origin, declaration) in &aliases {
                declarations.resolve_type(*origin, declaration, table, &mut discarded);
            }
        }
        for (origin, module) in sources {
            for item in &module.items {
                match item {
                    ast::Item::Type(declaration) => {
                        declarations.resolve_type(*origin, declaration, table, errors)
                    }
                    ast::Item::Effect(declaration) => {
                        declarations.resolve_effect(declaration, table, errors)
                    }
                    _ => {}
                }
            }
        }
        declarations
    }

    fn check_duplicate(
        kind: &'static str,
        origin: Origin,
        name: &ast::Name,
        built_in: bool,
        errors: &mut Vec<CheckError>,
        module_spans: &mut HashMap<(&'static str, String), ast::Span>,
    ) {
        if origin == Origin::Prelude {
            return;
        }
        let key = (kind, name.text.clone());
        if let Some(first) = module_spans.get(&key) {
            errors.push(CheckError::Duplicate {
                kind,
                name: name.text.clone(),
                span: name.span.clone(),
                first: Some(first.clone()),
            });
        } else if built_in {
            errors.push(CheckError::BuiltInRedeclared {
                name: name.text.clone(),
                span: name.span.clone(),
            });
        }
        module_spans.insert(key, name.span.clone());
    }

    fn declare_type(
        &mut self,
        origin: Origin,
        declaration: &ast::TypeDecl,
        table: &mut Table,
        errors: &mut Vec<CheckError>,
        module_spans: &mut HashMap<(&'static str, String), ast::Span>,
    ) {
        let name = &declaration.name;
        let built_in = BUILT_IN_TYPES.iter().any(|(built, _)| *built == name.text);
        Self::check_duplicate("type", origin, name, built_in, errors, module_spans);
        if built_in {
            return;
        }
        let parameters = declaration
            .parameters
            .iter()
            .map(|_| match table.fresh_type() {
                Type::Var(variable) => variable,
                _ => unreachable!("fresh_type returns a variable"),
            })
            .collect();
        self.types.insert(
            name.text.clone(),
            TypeInfo {
                name: name.text.clone(),
                arity: declaration.parameters.len(),
                linear: declaration.linear,
                span: (origin == Origin::Module).then(|| name.span.clone()),
                shape: Shape::Opaque,
                parameters,
                hidden: None,
            },
        );
    }

    fn declare_effect(
        &mut self,
        origin: Origin,
        declaration: &ast::EffectDecl,
        table: &mut Table,
        errors: &mut Vec<CheckError>,
        module_spans: &mut HashMap<(&'static str, String), ast::Span>,
    ) {
        let name = &declaration.name;
        Self::check_duplicate("effect", origin, name, false, errors, module_spans);
        let parameters = declaration
            .parameters
            .iter()
            .map(|_| match table.fresh_type() {
                Type::Var(variable) => variable,
                _ => unreachable!("fresh_type returns a variable"),
            })
            .collect();
        // Record types written inline in operation signatures become
        // record types named after the operation (`Mem.alloc`).
        for operation in &declaration.operations {
            let mut count = 0;
            register_inline_records(
                &operation.signature,
                &format!("{}.{}", name.text, operation.name.text),
                &mut count,
                &mut |record_name| {
                    self.types.insert(
                        record_name.clone(),
                        TypeInfo {
                            name: record_name,
                            arity: 0,
                            linear: false,
                            span: None,
                            shape: Shape::Opaque,
                            parameters: Vec::new(),
                            hidden: None,
                        },
                    );
                },
            );
        }
        self.effects.insert(
            name.text.clone(),
            EffectInfo {
                name: name.text.clone(),
                arity: declaration.parameters.len(),
                parameters,
                operations: Vec::new(),
                span: (origin == Origin::Module).then(|| name.span.clone()),
            },
        );
    }

    /// Finds the declared types that hold a continuation, directly or
    /// through another such type, and gives each its hidden parameter.
    fn mark_hidden(&mut self, sources: &[(Origin, &ast::Module)], table: &mut Table) {
        let mut holding: Vec<String> = vec!["continuation".to_string()];
        loop {
            let mut changed = false;
            for (_, module) in sources {
                for item in &module.items {
                    let ast::Item::Type(declaration) = item else {
                        continue;
                    };
                    let name = &declaration.name.text;
                    if holding.contains(name) {
                        continue;
                    }
                    let mut mentioned = Vec::new();
                    match &declaration.body {
                        ast::TypeBody::Abstract => {}
                        ast::TypeBody::Alias(ty) => names_in(ty, &mut mentioned),
                        ast::TypeBody::Sum(variants) => {
                            for variant in variants {
                                variant
                                    .fields
                                    .iter()
                                    .for_each(|field| names_in(field, &mut mentioned));
                            }
                        }
                        ast::TypeBody::Record(fields) => fields
                            .iter()
                            .for_each(|field| names_in(&field.ty, &mut mentioned)),
                    }
                    if mentioned
                        .iter()
                        .any(|mentioned| holding.contains(mentioned))
                    {
                        holding.push(name.clone());
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        for name in holding.iter().skip(1) {
            if let Some(info) = self.types.get_mut(name) {
                if info.hidden.is_none() {
                    let answer = match table.fresh_type() {
                        Type::Var(variable) => variable,
                        _ => unreachable!("fresh_type returns a variable"),
                    };
                    let row = match table.fresh_row() {
                        Row::Var(variable) => variable,
                        _ => unreachable!("fresh_row returns a variable"),
                    };
                    info.hidden = Some((answer, row));
                }
            }
        }
    }

    /// The scope a declaration's body is resolved in: its parameters, and
    /// its hidden answer and row.
    fn declaration_scope(&self, name: &str, parameters: &[ast::Name]) -> TypeScope {
        let mut scope = TypeScope::default();
        if let Some(info) = self.types.get(name) {
            for (parameter, variable) in parameters.iter().zip(&info.parameters) {
                scope
                    .variables
                    .insert(parameter.text.clone(), Type::Var(*variable));
            }
            scope.hidden = info
                .hidden
                .map(|(answer, row)| (Type::Var(answer), Row::Var(row)));
        }
        scope
    }

    fn resolve_type(
        &mut self,
        origin: Origin,
        declaration: &ast::TypeDecl,
        table: &mut Table,
        errors: &mut Vec<CheckError>,
    ) {
        let name = declaration.name.text.clone();
        if BUILT_IN_TYPES.iter().any(|(built, _)| *built == name) {
            return;
        }
        // A prelude declaration replaced by the module's is not resolved.
        if origin == Origin::Prelude
            && self
                .types
                .get(&name)
                .is_some_and(|info| info.span.is_some())
        {
            return;
        }
        let mut scope = self.declaration_scope(&name, &declaration.parameters);
        let shape = match &declaration.body {
            ast::TypeBody::Abstract => Shape::Opaque,
            ast::TypeBody::Alias(ty) => {
                let mut resolver = Resolver {
                    declarations: self,
                    table,
                    errors,
                };
                Shape::Alias(resolver.resolve(ty, &mut scope))
            }
            ast::TypeBody::Sum(variants) => {
                let mut names = Vec::new();
                for (index, variant) in variants.iter().enumerate() {
                    let mut resolver = Resolver {
                        declarations: self,
                        table: &mut *table,
                        errors: &mut *errors,
                    };
                    let fields = variant
                        .fields
                        .iter()
                        .map(|field| resolver.resolve(field, &mut scope))
                        .collect();
                    if origin == Origin::Module {
                        if let Some(existing) = self.constructors.get(&variant.name.text) {
                            if existing.type_name == name && names.contains(&variant.name.text) {
                                let first = variants[..index]
                                    .iter()
                                    .find(|earlier| earlier.name.text == variant.name.text)
                                    .map(|earlier| earlier.name.span.clone());
                                errors.push(CheckError::Duplicate {
                                    kind: "constructor",
                                    name: variant.name.text.clone(),
                                    span: variant.name.span.clone(),
                                    first,
                                });
                            }
                        }
                    }
                    self.constructors.insert(
                        variant.name.text.clone(),
                        ConstructorInfo {
                            type_name: name.clone(),
                            index,
                            fields,
                        },
                    );
                    names.push(variant.name.text.clone());
                }
                Shape::Sum(names)
            }
            ast::TypeBody::Record(fields) => {
                self.resolve_record(&name, fields, &mut scope, table, errors)
            }
        };
        if let Some(info) = self.types.get_mut(&name) {
            info.shape = shape;
        }
    }

    fn resolve_record(
        &mut self,
        name: &str,
        fields: &[ast::FieldDecl],
        scope: &mut TypeScope,
        table: &mut Table,
        errors: &mut Vec<CheckError>,
    ) -> Shape {
        let mut infos = Vec::new();
        for field in fields {
            let mut resolver = Resolver {
                declarations: self,
                table: &mut *table,
                errors: &mut *errors,
            };
            let ty = resolver.resolve(&field.ty, scope);
            infos.push(FieldInfo {
                type_name: name.to_string(),
                name: field.name.text.clone(),
                ty,
                mutable: field.mutable,
            });
            self.fields
                .insert(field.name.text.clone(), name.to_string());
        }
        let names = infos.iter().map(|field| field.name.clone()).collect();
        self.records.insert(name.to_string(), infos);
        Shape::Record(names)
    }

    fn resolve_effect(
        &mut self,
        declaration: &ast::EffectDecl,
        table: &mut Table,
        errors: &mut Vec<CheckError>,
    ) {
        let Some(info) = self.effects.get(&declaration.name.text) else {
            return;
        };
        let parameters = info.parameters.clone();
        let mut operations = Vec::new();
        for operation in &declaration.operations {
            let prefix = format!("{}.{}", declaration.name.text, operation.name.text);
            // The inline records first, so the signature can name them.
            let mut inline = Vec::new();
            collect_inline_records(&operation.signature, &prefix, &mut 0, &mut inline);
            for (record_name, fields) in &inline {
                let mut scope = TypeScope::default();
                let shape = self.resolve_record(record_name, fields, &mut scope, table, errors);
                if let Some(info) = self.types.get_mut(record_name) {
                    info.shape = shape;
                }
            }
            let mut scope = TypeScope {
                open: true,
                record_prefix: Some(prefix),
                ..TypeScope::default()
            };
            for (parameter, variable) in declaration.parameters.iter().zip(&parameters) {
                scope
                    .variables
                    .insert(parameter.text.clone(), Type::Var(*variable));
            }
            let mut resolver = Resolver {
                declarations: self,
                table: &mut *table,
                errors: &mut *errors,
            };
            let signature = resolver.resolve(&operation.signature, &mut scope);
            let (mut own_types, mut own_rows) = (Vec::new(), Vec::new());
            table.free_variables(&signature, &mut own_types, &mut own_rows);
            // The operation's own type variables are those written in its
            // signature (a variable standing in for an unknown type after an
            // error is not one).
            let written: Vec<Type> = scope.variables.values().cloned().collect();
            own_types.retain(|variable| {
                !parameters.contains(variable) && written.contains(&Type::Var(*variable))
            });
            let written_rows = scope
                .rows
                .values()
                .filter_map(|row| match row {
                    Row::Var(variable) => Some(*variable),
                    _ => None,
                })
                .collect();
            operations.push(OperationInfo {
                name: operation.name.text.clone(),
                signature,
                own_types,
                own_rows,
                written_rows,
            });
        }
        if let Some(info) = self.effects.get_mut(&declaration.name.text) {
            info.operations = operations;
        }
    }
}

/// The hidden argument for an answer type and row.
pub fn hidden_argument(answer: Type, row: Row) -> Type {
    Type::Constructor(
        HIDDEN.to_string(),
        vec![Type::function(Type::named("unit"), answer, row)],
    )
}

/// The type names a type expression mentions.
fn names_in(ty: &TypeExpr, names: &mut Vec<String>) {
    match ty {
        TypeExpr::Apply { atoms, .. } => atoms.iter().for_each(|atom| names_in(atom, names)),
        TypeExpr::Name(path) => names.push(path.dotted()),
        TypeExpr::Variable(_) | TypeExpr::Unit(_) | TypeExpr::Error(_) => {}
        TypeExpr::Tuple(items, _) => items.iter().for_each(|item| names_in(item, names)),
        TypeExpr::Function {
            parameter, result, ..
        } => {
            names_in(parameter, names);
            names_in(result, names);
        }
        TypeExpr::Record(fields, _) => fields.iter().for_each(|field| names_in(&field.ty, names)),
        TypeExpr::WithRow { ty, .. } => names_in(ty, names),
    }
}

/// The name of the `count`-th inline record of an operation.
pub fn inline_record_name(prefix: &str, count: usize) -> String {
    if count == 0 {
        prefix.to_string()
    } else {
        format!("{prefix}#{}", count + 1)
    }
}

fn register_inline_records(
    ty: &TypeExpr,
    prefix: &str,
    count: &mut usize,
    register: &mut dyn FnMut(String),
) {
    let mut found = Vec::new();
    collect_inline_records(ty, prefix, count, &mut found);
    for (name, _) in found {
        register(name);
    }
}

/// The inline record types of a signature, in the order the resolver meets
/// them, with their names.
fn collect_inline_records(
    ty: &TypeExpr,
    prefix: &str,
    count: &mut usize,
    found: &mut Vec<(String, Vec<ast::FieldDecl>)>,
) {
    match ty {
        TypeExpr::Apply { atoms, .. } => atoms
            .iter()
            .for_each(|atom| collect_inline_records(atom, prefix, count, found)),
        TypeExpr::Tuple(items, _) => items
            .iter()
            .for_each(|item| collect_inline_records(item, prefix, count, found)),
        TypeExpr::Function {
            parameter, result, ..
        } => {
            collect_inline_records(parameter, prefix, count, found);
            collect_inline_records(result, prefix, count, found);
        }
        TypeExpr::WithRow { ty, .. } => collect_inline_records(ty, prefix, count, found),
        TypeExpr::Record(fields, _) => {
            found.push((inline_record_name(prefix, *count), fields.clone()));
            *count += 1;
        }
        TypeExpr::Name(_) | TypeExpr::Variable(_) | TypeExpr::Unit(_) | TypeExpr::Error(_) => {}
    }
}
