//! What the server knows about one document: the front end's (and, when
//! the front end accepts it, the back end's) diagnostics, the index of
//! its names, and the types the checker inferred. Everything here is a
//! pure function of the text.

use std::panic::{catch_unwind, AssertUnwindSafe};

use cml_diagnostics::{Diagnostic, Severity};
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, DocumentSymbol, Location, NumberOrString,
    Position, Range, Uri,
};

use crate::index::{Index, Symbol, SymbolKind};
use crate::positions::Positions;

/// One analysed text.
#[derive(Clone, Debug)]
pub struct Analysis {
    positions: Positions,
    /// Every problem found, in the order the stages found them.
    pub diagnostics: Vec<Diagnostic>,
    /// The module's names and their uses.
    pub index: Index,
    /// The type of each top-level definition, as `cml check --types`
    /// prints it.
    pub definitions: Vec<cml_check::Definition>,
    /// The type of each local binder (the span of its name).
    pub locals: Vec<(std::ops::Range<usize>, String)>,
}

/// A hover's text (Markdown) and the span of the name it describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// The Markdown shown.
    pub markdown: String,
    /// The name hovered.
    pub span: std::ops::Range<usize>,
}

impl Analysis {
    /// Analyses a text: parses it, checks it, and, when the checker finds
    /// no error in a program (a module with `main`), compiles it with the
    /// back end for the problems only the back end finds (constructs it
    /// cannot lower yet). Nothing is run.
    /// Should any stage panic, the analysis reports that as one internal
    /// diagnostic instead of failing.
    pub fn new(text: &str) -> Analysis {
        let positions = Positions::new(text);
        let result = catch_unwind(AssertUnwindSafe(|| analyse(text)));
        let (diagnostics, index, checked) = result.unwrap_or_else(|_| {
            let diagnostic = Diagnostic::error("the CML compiler failed on this text")
                .with_code("lsp::internal")
                .with_note("this is a bug of the compiler: `cml check` on the file shows where");
            (
                vec![diagnostic],
                Index::default(),
                cml_check::Checked::default(),
            )
        });
        Analysis {
            positions,
            diagnostics,
            index,
            definitions: checked.definitions,
            locals: checked.locals,
        }
    }

    /// The text analysed.
    pub fn text(&self) -> &str {
        self.positions.text()
    }

    /// The byte offset of an LSP position.
    pub fn offset(&self, position: Position) -> usize {
        self.positions.offset(position)
    }

    /// The LSP range of a byte span.
    pub fn range(&self, span: &std::ops::Range<usize>) -> Range {
        self.positions.range(span)
    }

    /// The diagnostics as LSP diagnostics of the document `uri`.
    pub fn lsp_diagnostics(&self, uri: &Uri) -> Vec<lsp_types::Diagnostic> {
        self.diagnostics
            .iter()
            .map(|diagnostic| self.lsp_diagnostic(diagnostic, uri))
            .collect()
    }

    fn lsp_diagnostic(&self, diagnostic: &Diagnostic, uri: &Uri) -> lsp_types::Diagnostic {
        let labels: Vec<_> = diagnostic
            .labels
            .iter()
            .filter(|label| label.file == 0)
            .collect();
        let primary = labels.iter().find(|label| label.primary).or(labels.first());
        let range = primary.map_or_else(Range::default, |label| self.range(&label.span));
        let mut message = diagnostic.title.clone();
        if let Some(label) = primary.filter(|label| !label.message.is_empty()) {
            message.push('\n');
            message.push_str(&label.message);
        }
        for note in &diagnostic.notes {
            message.push('\n');
            message.push_str(note);
        }
        if let Some(hint) = &diagnostic.hint {
            message.push_str("\nhint: ");
            message.push_str(hint);
        }
        let related: Vec<DiagnosticRelatedInformation> = labels
            .iter()
            .filter(|label| !label.primary)
            .map(|label| DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), self.range(&label.span)),
                message: label.message.clone(),
            })
            .collect();
        lsp_types::Diagnostic {
            range,
            severity: Some(match diagnostic.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Note => DiagnosticSeverity::INFORMATION,
            }),
            code: diagnostic.code.clone().map(NumberOrString::String),
            source: Some("cml".to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            ..lsp_types::Diagnostic::default()
        }
    }

    /// What to show for the name at this offset: the type of a top-level
    /// or local value, the declaration of a type, constructor, field,
    /// effect or operation, of the module or of the prelude.
    pub fn hover(&self, offset: usize) -> Option<Hover> {
        let Some((symbol_index, span)) = self.index.symbol_at(offset) else {
            let Some(local) = self.index.local_at(offset) else {
                let external = self.index.external_at(offset)?;
                return Some(Hover {
                    markdown: crate::prelude::hover(external)?,
                    span: external.span.clone(),
                });
            };
            let name = self.text().get(local.binder.clone())?;
            let ty = self.local_type(&local.binder)?;
            return Some(Hover {
                markdown: format!("```cml\n{name} : {ty}\n```"),
                span: local.span.clone(),
            });
        };
        let symbol = &self.index.symbols[symbol_index];
        let declaration = |symbol: &Symbol| {
            let text = self.text().get(symbol.span.clone()).unwrap_or_default();
            text.trim_end().to_string()
        };
        let markdown = match symbol.kind {
            SymbolKind::Function | SymbolKind::Value | SymbolKind::Handler => {
                let ty = self.type_of(symbol)?;
                format!("```cml\n{} : {ty}\n```", symbol.name)
            }
            SymbolKind::Signature | SymbolKind::Type | SymbolKind::Effect => {
                format!("```cml\n{}\n```", declaration(symbol))
            }
            SymbolKind::Constructor | SymbolKind::Field | SymbolKind::Operation => {
                let parent = symbol.parent.map(|parent| &self.index.symbols[parent])?;
                let (what, of) = match symbol.kind {
                    SymbolKind::Constructor => ("constructor", "type"),
                    SymbolKind::Field => ("field", "type"),
                    _ => ("operation", "effect"),
                };
                format!(
                    "```cml\n{}\n```\n{what} of the {of} `{}`",
                    declaration(symbol),
                    parent.name
                )
            }
        };
        Some(Hover { markdown, span })
    }

    /// The printed type of a top-level value: the checker's definition of
    /// that name whose binding holds the symbol's name.
    pub(crate) fn type_of(&self, symbol: &Symbol) -> Option<&str> {
        let start = symbol.name_span.start;
        self.definitions
            .iter()
            .find(|definition| {
                definition.name == symbol.name
                    && definition.span.start <= start
                    && start < definition.span.end
            })
            .or_else(|| {
                self.definitions
                    .iter()
                    .rev()
                    .find(|definition| definition.name == symbol.name)
            })
            .map(|definition| definition.ty.as_str())
    }

    /// The printed type of a local binder, by the span of its name.
    pub(crate) fn local_type(&self, binder: &std::ops::Range<usize>) -> Option<&str> {
        self.locals
            .iter()
            .rev()
            .find(|(span, _)| span == binder)
            .map(|(_, ty)| ty.as_str())
    }

    /// Where the name at this offset is defined (the span of its name in
    /// its definition, or where a local name is bound).
    pub fn definition(&self, offset: usize) -> Option<std::ops::Range<usize>> {
        match self.index.symbol_at(offset) {
            Some((symbol, _)) => Some(self.index.symbols[symbol].name_span.clone()),
            None => self
                .index
                .local_at(offset)
                .map(|local| local.binder.clone()),
        }
    }

    /// The top-level definitions as an outline: types with their
    /// constructors or fields, effects with their operations.
    pub fn document_symbols(&self) -> Vec<DocumentSymbol> {
        let defined: Vec<&str> = self
            .index
            .symbols
            .iter()
            .filter(|symbol| symbol.kind != SymbolKind::Signature)
            .map(|symbol| symbol.name.as_str())
            .collect();
        self.index
            .symbols
            .iter()
            .enumerate()
            .filter(|(_, symbol)| symbol.parent.is_none())
            .filter(|(_, symbol)| {
                symbol.kind != SymbolKind::Signature || !defined.contains(&symbol.name.as_str())
            })
            .map(|(index, symbol)| {
                let children: Vec<DocumentSymbol> = self
                    .index
                    .children(index)
                    .map(|(_, child)| self.document_symbol(child, Vec::new()))
                    .collect();
                self.document_symbol(symbol, children)
            })
            .collect()
    }

    #[allow(deprecated)] // `deprecated` is a field LSP keeps for old clients.
    fn document_symbol(&self, symbol: &Symbol, children: Vec<DocumentSymbol>) -> DocumentSymbol {
        use lsp_types::SymbolKind as Kind;
        let kind = match symbol.kind {
            SymbolKind::Function => Kind::FUNCTION,
            SymbolKind::Value | SymbolKind::Signature => Kind::VARIABLE,
            SymbolKind::Handler => Kind::OBJECT,
            SymbolKind::Type => Kind::STRUCT,
            SymbolKind::Constructor => Kind::ENUM_MEMBER,
            SymbolKind::Field => Kind::FIELD,
            SymbolKind::Effect => Kind::INTERFACE,
            SymbolKind::Operation => Kind::METHOD,
        };
        let detail = match symbol.kind {
            SymbolKind::Function | SymbolKind::Value | SymbolKind::Handler => {
                self.type_of(symbol).map(str::to_string)
            }
            _ => None,
        };
        // The selection range must lie within the range.
        let span = symbol.span.start.min(symbol.name_span.start)
            ..symbol.span.end.max(symbol.name_span.end);
        DocumentSymbol {
            name: symbol.name.clone(),
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: self.range(&span),
            selection_range: self.range(&symbol.name_span),
            children: (!children.is_empty()).then_some(children),
        }
    }
}

/// Parses, checks, indexes and compiles a text.
fn analyse(text: &str) -> (Vec<Diagnostic>, Index, cml_check::Checked) {
    let parsed = cml_syntax::parse(text);
    let index = Index::of(&parsed.module);
    // A tree with holes is still checked, for the types a hover shows,
    // but its check errors would only add confusing reports (as in
    // `cml check`), so only the syntax errors are reported.
    let checked = cml_check::check_module(&parsed.module);
    if !parsed.errors.is_empty() {
        let diagnostics = parsed
            .errors
            .iter()
            .map(|error| error.to_diagnostic(0))
            .collect();
        return (diagnostics, index, checked);
    }
    let mut diagnostics: Vec<Diagnostic> = checked
        .errors
        .iter()
        .map(|error| error.to_diagnostic(0))
        .collect();
    // The back end compiles programs: a file without `main` (a module of
    // helpers being written) would only get "the program has no `main`".
    let is_program = checked
        .definitions
        .iter()
        .any(|definition| definition.name == "main");
    if is_program && !diagnostics.iter().any(Diagnostic::is_error) {
        if let Err(back_end) = cml_compile::compile(text) {
            for diagnostic in back_end {
                if !diagnostics.contains(&diagnostic) {
                    diagnostics.push(diagnostic);
                }
            }
        }
    }
    (diagnostics, index, checked)
}
