//! The CML language server, `cml lsp`.
//!
//! Input: Language Server Protocol messages on an
//! [`lsp_server::Connection`]: the client's `initialize`, the documents it
//! opens and edits (`didOpen`, `didChange` with the full text,
//! `didClose`), and its requests (`hover`, `definition`, `references`,
//! `completion`, `documentSymbol`, `shutdown`). Output: LSP messages on the same
//! connection: the answers, and `publishDiagnostics` with every problem
//! the front end (and, for a text the checker accepts, the back end)
//! finds, each converted from the [`cml_diagnostics::Diagnostic`] that
//! `cml check` renders, with ranges in UTF-16 positions.
//!
//! This crate must not know about files, processes or terminals: the `cml`
//! command wires the connection to standard input and output, and tests
//! drive it through [`lsp_server::Connection::memory`]. It must not know
//! what any stage's diagnostics mean, nor implement any part of the
//! language: it asks `cml-syntax`, `cml-check` and `cml-compile`, and only
//! finds which top-level definition a name means ([`index`]). It never
//! panics on any text: every stage recovers, and a stage that fails
//! anyway is reported as a diagnostic.
//!
//! The loop is synchronous, as in rust-analyzer's `lsp-server` examples:
//! each message is handled before the next is read, and [`Server`] is the
//! pure state between them.

#![forbid(unsafe_code)]

pub mod analysis;
pub mod completion;
pub mod index;
pub mod positions;
mod prelude;

use std::collections::HashMap;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{
    Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest, References, Request as _,
};
use lsp_types::{
    CompletionOptions, CompletionResponse, DocumentSymbolResponse, GotoDefinitionResponse,
    HoverContents, HoverProviderCapability, Location, MarkupContent, MarkupKind, OneOf,
    PublishDiagnosticsParams, ServerCapabilities, TextDocumentPositionParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};

use analysis::Analysis;

/// Why serving stopped early.
pub type ServeError = Box<dyn std::error::Error + Send + Sync>;

/// What the server offers: full-text synchronisation, hover, go to
/// definition, find references, completion (also after a `.`) and
/// document symbols.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".to_string()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// Serves one client on this connection: the `initialize` handshake, then
/// every message until `shutdown` and `exit`. An `exit` without
/// `shutdown`, or a connection closed before it, is an error (LSP asks the
/// server to exit with code 1 then).
pub fn serve(connection: &Connection) -> Result<(), ServeError> {
    let (id, _parameters) = connection.initialize_start()?;
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "cml-lsp", "version": env!("CARGO_PKG_VERSION") },
    });
    connection.initialize_finish(id, result)?;
    let mut server = Server::default();
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                connection.sender.send(server.request(request).into())?;
            }
            Message::Notification(notification) => {
                if notification.method == lsp_types::notification::Exit::METHOD {
                    return Err("the client sent `exit` before `shutdown`".into());
                }
                for outgoing in server.notification(notification) {
                    connection.sender.send(outgoing.into())?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Err("the client closed the connection before `shutdown`".into())
}

/// The open documents, each analysed at its latest text.
#[derive(Debug, Default)]
pub struct Server {
    documents: HashMap<String, Document>,
}

#[derive(Debug)]
struct Document {
    uri: Uri,
    analysis: Analysis,
}

impl Server {
    /// Handles a notification; returns the notifications to send (the
    /// diagnostics of a document opened, changed or closed).
    pub fn notification(&mut self, notification: Notification) -> Vec<Notification> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                match notification
                    .extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                {
                    Ok(parameters) => {
                        let document = parameters.text_document;
                        vec![self.update(document.uri, Some(document.version), &document.text)]
                    }
                    Err(_) => Vec::new(),
                }
            }
            DidChangeTextDocument::METHOD => {
                match notification.extract::<lsp_types::DidChangeTextDocumentParams>(
                    DidChangeTextDocument::METHOD,
                ) {
                    Ok(parameters) => {
                        let uri = parameters.text_document.uri;
                        let text = self
                            .documents
                            .get(uri.as_str())
                            .map_or_else(String::new, |document| {
                                document.analysis.text().to_string()
                            });
                        let text = apply_changes(text, &parameters.content_changes);
                        vec![self.update(uri, Some(parameters.text_document.version), &text)]
                    }
                    Err(_) => Vec::new(),
                }
            }
            DidCloseTextDocument::METHOD => {
                match notification
                    .extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                {
                    Ok(parameters) => {
                        let uri = parameters.text_document.uri;
                        self.documents.remove(uri.as_str());
                        vec![publish(uri, Vec::new(), None)]
                    }
                    Err(_) => Vec::new(),
                }
            }
            _ => Vec::new(),
        }
    }

    fn update(&mut self, uri: Uri, version: Option<i32>, text: &str) -> Notification {
        let analysis = Analysis::new(text);
        let diagnostics = analysis.lsp_diagnostics(&uri);
        self.documents.insert(
            uri.as_str().to_string(),
            Document {
                uri: uri.clone(),
                analysis,
            },
        );
        publish(uri, diagnostics, version)
    }

    /// Answers a request (other than `shutdown`, which the loop answers).
    pub fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        match request.method.as_str() {
            HoverRequest::METHOD => {
                self.with_position::<HoverRequest>(request, |document, offset| {
                    document
                        .analysis
                        .hover(offset)
                        .map(|hover| lsp_types::Hover {
                            contents: HoverContents::Markup(MarkupContent {
                                kind: MarkupKind::Markdown,
                                value: hover.markdown,
                            }),
                            range: Some(document.analysis.range(&hover.span)),
                        })
                })
            }
            GotoDefinition::METHOD => {
                self.with_position::<GotoDefinition>(request, |document, offset| {
                    document.analysis.definition(offset).map(|span| {
                        GotoDefinitionResponse::Scalar(Location::new(
                            document.uri.clone(),
                            document.analysis.range(&span),
                        ))
                    })
                })
            }
            References::METHOD => {
                match request.extract::<lsp_types::ReferenceParams>(References::METHOD) {
                    Ok((id, parameters)) => {
                        let position = parameters.text_document_position;
                        let declaration = parameters.context.include_declaration;
                        let locations = self
                            .documents
                            .get(position.text_document.uri.as_str())
                            .map(|document| {
                                let analysis = &document.analysis;
                                let offset = analysis.offset(position.position);
                                analysis
                                    .index
                                    .references_at(offset, declaration)
                                    .iter()
                                    .map(|span| {
                                        Location::new(document.uri.clone(), analysis.range(span))
                                    })
                                    .collect::<Vec<_>>()
                            });
                        Response::new_ok(id, locations)
                    }
                    Err(error) => invalid_parameters(id, error),
                }
            }
            Completion::METHOD => self.with_position::<Completion>(request, |document, offset| {
                let items = completion::complete(&document.analysis, offset);
                Some(CompletionResponse::Array(items))
            }),
            DocumentSymbolRequest::METHOD => {
                match request
                    .extract::<lsp_types::DocumentSymbolParams>(DocumentSymbolRequest::METHOD)
                {
                    Ok((id, parameters)) => {
                        let symbols = self
                            .documents
                            .get(parameters.text_document.uri.as_str())
                            .map(|document| {
                                DocumentSymbolResponse::Nested(document.analysis.document_symbols())
                            });
                        Response::new_ok(id, symbols)
                    }
                    Err(error) => invalid_parameters(id, error),
                }
            }
            method => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("cml-lsp does not answer `{method}`"),
            ),
        }
    }

    /// Answers a request about a position in a document: `answer` gets
    /// the document and the byte offset; an unknown document has no
    /// answer (`null`).
    fn with_position<R>(
        &self,
        request: Request,
        answer: impl Fn(&Document, usize) -> R::Result,
    ) -> Response
    where
        R: lsp_types::request::Request,
        R::Params: PositionParameters,
        R::Result: Default,
    {
        let id = request.id.clone();
        match request.extract::<R::Params>(R::METHOD) {
            Ok((id, parameters)) => {
                let position = parameters.position();
                let result = self
                    .documents
                    .get(position.text_document.uri.as_str())
                    .map(|document| {
                        let offset = document.analysis.offset(position.position);
                        answer(document, offset)
                    })
                    .unwrap_or_default();
                Response::new_ok(id, result)
            }
            Err(error) => invalid_parameters(id, error),
        }
    }
}

/// A document's text after a `didChange`'s changes, in order: a change
/// without a range is the whole new text (full synchronisation, which the
/// server asks for); one with a range replaces that range, for a client
/// that sends ranges anyway.
pub fn apply_changes(
    mut text: String,
    changes: &[lsp_types::TextDocumentContentChangeEvent],
) -> String {
    for change in changes {
        match change.range {
            None => text = change.text.clone(),
            Some(range) => {
                let positions = positions::Positions::new(&text);
                let start = positions.offset(range.start);
                let end = positions.offset(range.end).max(start);
                text.replace_range(start..end, &change.text);
            }
        }
    }
    text
}

/// The parameters of a request about one position in a document.
trait PositionParameters {
    fn position(&self) -> &TextDocumentPositionParams;
}

impl PositionParameters for lsp_types::HoverParams {
    fn position(&self) -> &TextDocumentPositionParams {
        &self.text_document_position_params
    }
}

impl PositionParameters for lsp_types::CompletionParams {
    fn position(&self) -> &TextDocumentPositionParams {
        &self.text_document_position
    }
}

impl PositionParameters for lsp_types::GotoDefinitionParams {
    fn position(&self) -> &TextDocumentPositionParams {
        &self.text_document_position_params
    }
}

fn invalid_parameters(id: RequestId, error: lsp_server::ExtractError<Request>) -> Response {
    Response::new_err(
        id,
        ErrorCode::InvalidParams as i32,
        format!("invalid parameters: {error}"),
    )
}

fn publish(
    uri: Uri,
    diagnostics: Vec<lsp_types::Diagnostic>,
    version: Option<i32>,
) -> Notification {
    Notification::new(
        PublishDiagnostics::METHOD.to_string(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

    fn change(range: Option<(u32, u32, u32, u32)>, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|(line, start, end_line, end)| {
                Range::new(Position::new(line, start), Position::new(end_line, end))
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn ranged_changes_apply_in_order_in_utf16_positions() {
        let text = "let s = \"𝄞\"\nlet t = 1\n".to_string();
        let changes = [
            // After the two UTF-16 units of `𝄞`: append `é`.
            change(Some((0, 11, 0, 11)), "é"),
            // The second change sees the first: `1` becomes `s`.
            change(Some((1, 8, 1, 9)), "s"),
            // An insertion across the line end joins the lines.
            change(Some((0, 13, 1, 0)), " "),
        ];
        assert_eq!(apply_changes(text, &changes), "let s = \"𝄞é\" let t = s\n");
    }

    #[test]
    fn a_change_without_a_range_is_the_whole_text() {
        let changes = [change(Some((0, 0, 0, 1)), "x"), change(None, "new")];
        assert_eq!(apply_changes("old".to_string(), &changes), "new");
    }
}
