//! The prelude's declarations (`cml_check::prelude::FILES`), for the names
//! a module uses without defining them: `print_string`, `Queue.push`,
//! `Some`, `list`, `IO.print`. The prelude is parsed and indexed once.

use std::sync::OnceLock;

use crate::index::{ExternalReference, Index, Namespace, Symbol, SymbolKind};

/// One prelude file: the module it defines (`None` for the unqualified
/// core), its text and its index.
struct PreludeFile {
    module: Option<&'static str>,
    text: &'static str,
    index: Index,
}

fn files() -> &'static [PreludeFile] {
    static FILES: OnceLock<Vec<PreludeFile>> = OnceLock::new();
    FILES.get_or_init(|| {
        cml_check::prelude::FILES
            .iter()
            .map(|(module, text)| PreludeFile {
                module: *module,
                text,
                index: Index::of(&cml_syntax::parse(text).module),
            })
            .collect()
    })
}

/// The Markdown describing the prelude's declaration of a name, if the
/// prelude declares it.
pub fn hover(reference: &ExternalReference) -> Option<String> {
    let (file, symbol) = find(reference)?;
    let declaration = |symbol: &Symbol| {
        file.text
            .get(symbol.span.clone())
            .unwrap_or_default()
            .trim_end()
            .to_string()
    };
    let origin = match file.module {
        Some(module) => format!("the prelude's module `{module}`"),
        None => "the prelude".to_string(),
    };
    let parent = symbol.parent.map(|parent| &file.index.symbols[parent]);
    let what = match (symbol.kind, parent) {
        (SymbolKind::Constructor, Some(parent)) => {
            format!("constructor of the type `{}`, in ", parent.name)
        }
        (SymbolKind::Field, Some(parent)) => format!("field of the type `{}`, in ", parent.name),
        (SymbolKind::Operation, Some(parent)) => {
            format!("operation of the effect `{}`, in ", parent.name)
        }
        _ => "in ".to_string(),
    };
    Some(format!(
        "```cml\n{}\n```\n{what}{origin}",
        declaration(symbol)
    ))
}

fn find(reference: &ExternalReference) -> Option<(&'static PreludeFile, &'static Symbol)> {
    let path: Vec<&str> = reference.path.iter().map(String::as_str).collect();
    let named = |module: Option<&str>, name: &str, kinds: &[SymbolKind]| {
        files()
            .iter()
            .filter(|file| module.is_none() || file.module == module)
            .find_map(|file| {
                file.index
                    .symbols
                    .iter()
                    .find(|symbol| symbol.name == name && kinds.contains(&symbol.kind))
                    .map(|symbol| (file, symbol))
            })
    };
    use SymbolKind::*;
    match (reference.namespace, path.as_slice()) {
        (Namespace::Value, [name]) => {
            let core = files().iter().find(|file| file.module.is_none())?;
            core.index
                .symbols
                .iter()
                .find(|symbol| {
                    symbol.name == *name && matches!(symbol.kind, Signature | Function | Value)
                })
                .map(|symbol| (core, symbol))
        }
        (Namespace::Value, [module, name]) => {
            named(Some(module), name, &[Signature, Function, Value])
        }
        (Namespace::Constructor, [name]) => named(None, name, &[Constructor]),
        (Namespace::Constructor, [module, name]) => named(Some(module), name, &[Constructor]),
        (Namespace::Type, [name]) => named(None, name, &[Type, Effect]),
        (Namespace::Type, [module, name]) => named(Some(module), name, &[Type]),
        (Namespace::Operation, [effect, operation]) => files().iter().find_map(|file| {
            let (effect_index, effect_symbol) = file
                .index
                .symbols
                .iter()
                .enumerate()
                .find(|(_, symbol)| symbol.name == *effect && symbol.kind == Effect)?;
            let operation = file
                .index
                .children(effect_index)
                .map(|(_, symbol)| symbol)
                .find(|symbol| symbol.name == *operation);
            Some((file, operation.unwrap_or(effect_symbol)))
        }),
        (Namespace::Operation, [name]) => named(None, name, &[Operation, Effect]),
        _ => None,
    }
}

/// A prelude name offered for completion: the symbol, and its declaration
/// as written.
pub struct Member {
    /// The declared symbol.
    pub symbol: &'static Symbol,
    /// Its declaration's text.
    pub declaration: &'static str,
}

fn member(file: &'static PreludeFile, symbol: &'static Symbol) -> Member {
    Member {
        symbol,
        declaration: file.text.get(symbol.span.clone()).unwrap_or_default(),
    }
}

/// The names of the prelude's modules (`List`, `Queue`, ...).
pub fn modules() -> impl Iterator<Item = &'static str> {
    files().iter().filter_map(|file| file.module)
}

/// The names a module of the prelude (or, for `None`, the unqualified
/// core) offers in expressions: its values and constructors. `None` if
/// there is no such module.
pub fn members(module: Option<&str>) -> Option<Vec<Member>> {
    let file = files().iter().find(|file| file.module == module)?;
    let members = file
        .index
        .symbols
        .iter()
        .filter(|symbol| {
            matches!(
                symbol.kind,
                SymbolKind::Signature
                    | SymbolKind::Function
                    | SymbolKind::Value
                    | SymbolKind::Constructor
            )
        })
        .map(|symbol| member(file, symbol))
        .collect();
    Some(members)
}

/// The operations of an effect the prelude declares (`IO`, `Mem`, ...),
/// or `None` if it declares no such effect.
pub fn operations(effect: &str) -> Option<Vec<Member>> {
    files().iter().find_map(|file| {
        let (index, _) = file
            .index
            .symbols
            .iter()
            .enumerate()
            .find(|(_, symbol)| symbol.name == effect && symbol.kind == SymbolKind::Effect)?;
        let operations = file
            .index
            .children(index)
            .map(|(_, symbol)| member(file, symbol))
            .collect();
        Some(operations)
    })
}
