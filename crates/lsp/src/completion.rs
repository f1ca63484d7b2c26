//! Completion: the names that may be written at a position of a document.
//!
//! Input: an [`Analysis`] and a byte offset. Output: LSP completion items,
//! each with its kind and, where the checker or a declaration tells it,
//! its type as the detail. After `M.` (a module of the prelude) they are
//! the module's members, after `E.` (an effect) the effect's operations,
//! after another `.` the fields of the module's record types; elsewhere
//! they are the local names visible there, the module's top-level
//! definitions and the prelude's unqualified names, a name hidden by
//! another of the same spelling left out.

use std::collections::HashSet;

use lsp_types::{CompletionItem, CompletionItemKind};

use crate::analysis::Analysis;
use crate::index::{Symbol, SymbolKind};
use crate::prelude;

/// The items offered at this byte offset.
pub fn complete(analysis: &Analysis, offset: usize) -> Vec<CompletionItem> {
    let text = analysis.text();
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    match qualifier(&text[..offset]) {
        Some(Some(qualifier)) => qualified(analysis, qualifier),
        Some(None) => analysis
            .index
            .symbols
            .iter()
            .filter(|symbol| symbol.kind == SymbolKind::Field)
            .map(|symbol| file_item(analysis, symbol))
            .collect(),
        None => unqualified(analysis, offset),
    }
}

fn is_identifier(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '\''
}

/// What precedes the name being typed at the end of `before`: `None`
/// when it is not after a `.`, `Some(Some(M))` after `M.` with `M`
/// capitalised, `Some(None)` after any other `.` (a field access).
fn qualifier(before: &str) -> Option<Option<&str>> {
    let word_start = before.trim_end_matches(is_identifier).len();
    let before_dot = before[..word_start].strip_suffix('.')?;
    let qualifier = &before_dot[before_dot.trim_end_matches(is_identifier).len()..];
    let capitalised = qualifier.chars().next().is_some_and(char::is_uppercase);
    Some(capitalised.then_some(qualifier))
}

/// The operations of the effect `qualifier` (the module's, else the
/// prelude's), or else the members of the prelude's module of that name.
fn qualified(analysis: &Analysis, qualifier: &str) -> Vec<CompletionItem> {
    let index = &analysis.index;
    let effect = index
        .symbols
        .iter()
        .enumerate()
        .rev()
        .find(|(_, symbol)| symbol.name == qualifier && symbol.kind == SymbolKind::Effect);
    if let Some((effect, _)) = effect {
        return index
            .children(effect)
            .map(|(_, symbol)| file_item(analysis, symbol))
            .collect();
    }
    prelude::operations(qualifier)
        .or_else(|| prelude::members(Some(qualifier)))
        .unwrap_or_default()
        .iter()
        .map(prelude_item)
        .collect()
}

/// The local names visible at `offset`, the module's top-level
/// definitions, and the prelude's unqualified values, constructors and
/// modules, each name once (the innermost).
fn unqualified(analysis: &Analysis, offset: usize) -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = analysis
        .index
        .locals_in_scope(offset)
        .into_iter()
        .map(|scope| {
            item(
                &scope.name,
                CompletionItemKind::VARIABLE,
                analysis.local_type(&scope.binder).map(str::to_string),
            )
        })
        .collect();
    // A name defined twice at the top level: the definition in force at
    // the offset, as the index resolves it.
    let mut chosen: Vec<&Symbol> = Vec::new();
    for symbol in &analysis.index.symbols {
        if symbol.parent.is_some() && symbol.kind != SymbolKind::Constructor {
            continue;
        }
        let same = chosen.iter().position(|other| other.name == symbol.name);
        match same {
            None => chosen.push(symbol),
            Some(at) => {
                let other = chosen[at];
                let defines =
                    other.kind == SymbolKind::Signature && symbol.kind != SymbolKind::Signature;
                if defines || symbol.name_span.start <= offset {
                    chosen[at] = symbol;
                }
            }
        }
    }
    // A name already offered hides the later ones of that spelling.
    let mut names: HashSet<String> = items.iter().map(|item| item.label.clone()).collect();
    let mut push_new =
        |items: &mut Vec<CompletionItem>, name: &str, new: &dyn Fn() -> CompletionItem| {
            if names.insert(name.to_string()) {
                items.push(new());
            }
        };
    for symbol in chosen {
        push_new(&mut items, &symbol.name, &|| file_item(analysis, symbol));
    }
    for member in prelude::members(None).unwrap_or_default() {
        push_new(&mut items, &member.symbol.name, &|| prelude_item(&member));
    }
    for module in prelude::modules() {
        push_new(&mut items, module, &|| {
            item(module, CompletionItemKind::MODULE, None)
        });
    }
    items
}

fn item(name: &str, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label: name.to_string(),
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    }
}

/// The type written after the first `:` of a declaration (`val f : t`,
/// an operation's `op : t`), on one line.
fn declared_type(declaration: &str) -> Option<String> {
    let (_, ty) = declaration.split_once(':')?;
    let ty = ty.split_whitespace().collect::<Vec<_>>().join(" ");
    (!ty.is_empty()).then_some(ty)
}

/// A declaration on one line (a constructor's `Some of a`).
fn one_line(declaration: &str) -> String {
    let declaration = declaration.trim().trim_start_matches('|');
    declaration.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn file_item(analysis: &Analysis, symbol: &Symbol) -> CompletionItem {
    let declaration = analysis.text().get(symbol.span.clone()).unwrap_or_default();
    let (kind, detail) = match symbol.kind {
        SymbolKind::Function => (
            CompletionItemKind::FUNCTION,
            analysis.type_of(symbol).map(str::to_string),
        ),
        SymbolKind::Value => (
            CompletionItemKind::VARIABLE,
            analysis.type_of(symbol).map(str::to_string),
        ),
        SymbolKind::Handler => (
            CompletionItemKind::VALUE,
            analysis.type_of(symbol).map(str::to_string),
        ),
        SymbolKind::Signature => (CompletionItemKind::VARIABLE, declared_type(declaration)),
        SymbolKind::Type => (CompletionItemKind::STRUCT, None),
        SymbolKind::Constructor => (CompletionItemKind::ENUM_MEMBER, Some(one_line(declaration))),
        SymbolKind::Field => (CompletionItemKind::FIELD, declared_type(declaration)),
        SymbolKind::Effect => (CompletionItemKind::INTERFACE, None),
        SymbolKind::Operation => (CompletionItemKind::METHOD, declared_type(declaration)),
    };
    item(&symbol.name, kind, detail)
}

fn prelude_item(member: &prelude::Member) -> CompletionItem {
    let symbol = member.symbol;
    let (kind, detail) = match symbol.kind {
        SymbolKind::Constructor => (
            CompletionItemKind::ENUM_MEMBER,
            Some(one_line(member.declaration)),
        ),
        SymbolKind::Operation => (
            CompletionItemKind::METHOD,
            declared_type(member.declaration),
        ),
        _ => {
            let detail = declared_type(member.declaration);
            let function = detail.as_deref().is_some_and(|ty| ty.contains("->"));
            let kind = if function {
                CompletionItemKind::FUNCTION
            } else {
                CompletionItemKind::VARIABLE
            };
            (kind, detail)
        }
    };
    item(&symbol.name, kind, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qualifier_is_the_capitalised_name_before_a_dot() {
        assert_eq!(qualifier("let x = List.ma"), Some(Some("List")));
        assert_eq!(qualifier("perform IO."), Some(Some("IO")));
        assert_eq!(qualifier("r.fie"), Some(None));
        assert_eq!(qualifier("let x = pr"), None);
        assert_eq!(qualifier(""), None);
    }

    #[test]
    fn declared_types_are_read_after_the_first_colon() {
        assert_eq!(
            declared_type("val push : queue a ->\n  a -> ()").as_deref(),
            Some("queue a -> a -> ()")
        );
        assert_eq!(declared_type("type t"), None);
        assert_eq!(one_line("| Some of a\n"), "Some of a");
    }
}
