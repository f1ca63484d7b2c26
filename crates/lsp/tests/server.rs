//! The language server driven as an editor drives it: a client on one end
//! of [`Connection::memory`], the server on a thread at the other,
//! `initialize`, documents opened and changed, requests, `shutdown` and
//! `exit`. Every expected range and text is written by hand from the
//! sources below (LSP lines and characters are 0-based, characters in
//! UTF-16 code units).

use std::thread::JoinHandle;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Exit, Initialized,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest, Initialize, References,
    Request as _, Shutdown,
};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionResponse, Diagnostic, DiagnosticSeverity,
    DocumentSymbolResponse, GotoDefinitionResponse, Hover, HoverContents, NumberOrString, Position,
    PublishDiagnosticsParams, Range, SymbolKind, TextDocumentIdentifier, TextDocumentItem,
    TextDocumentPositionParams, Uri,
};

const WAIT: Duration = Duration::from_secs(60);

/// An editor's side of the connection.
struct Client {
    connection: Connection,
    server: Option<JoinHandle<Result<(), String>>>,
    next_id: i32,
}

impl Client {
    /// Starts a server and completes the `initialize` handshake.
    fn start() -> Client {
        let (server_end, client_end) = Connection::memory();
        let server = std::thread::spawn(move || {
            cml_lsp::serve(&server_end).map_err(|error| error.to_string())
        });
        let mut client = Client {
            connection: client_end,
            server: Some(server),
            next_id: 0,
        };
        let result = client.request::<Initialize>(lsp_types::InitializeParams::default());
        let capabilities = result.capabilities;
        assert!(capabilities.hover_provider.is_some());
        assert!(capabilities.definition_provider.is_some());
        assert!(capabilities.document_symbol_provider.is_some());
        assert!(capabilities.references_provider.is_some());
        let completion = capabilities.completion_provider.expect("completion");
        assert_eq!(completion.trigger_characters, Some(vec![".".to_string()]));
        assert_eq!(
            result.server_info.map(|info| info.name).as_deref(),
            Some("cml-lsp")
        );
        client.notify::<Initialized>(lsp_types::InitializedParams {});
        client
    }

    fn send(&self, message: Message) {
        self.connection
            .sender
            .send(message)
            .expect("the server is listening");
    }

    fn receive(&self) -> Message {
        self.connection
            .receiver
            .recv_timeout(WAIT)
            .expect("the server answers in time")
    }

    fn notify<N: lsp_types::notification::Notification>(&self, parameters: N::Params) {
        self.send(Message::Notification(Notification::new(
            N::METHOD.to_string(),
            parameters,
        )));
    }

    /// Sends a request and waits for its response.
    fn raw_request(&mut self, method: &str, parameters: serde_json::Value) -> Response {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Message::Request(Request::new(
            id.clone(),
            method.to_string(),
            parameters,
        )));
        match self.receive() {
            Message::Response(response) => {
                assert_eq!(response.id, id);
                response
            }
            other => panic!("expected the response to {method}, got {other:?}"),
        }
    }

    fn request<R: lsp_types::request::Request>(&mut self, parameters: R::Params) -> R::Result {
        let response = self.raw_request(R::METHOD, serde_json::to_value(parameters).unwrap());
        let result = response.response_result.expect("a result, not an error");
        serde_json::from_value(result).expect("a well-formed result")
    }

    /// The next message, which must be a `publishDiagnostics`.
    fn published(&self) -> PublishDiagnosticsParams {
        match self.receive() {
            Message::Notification(notification)
                if notification.method == PublishDiagnostics::METHOD =>
            {
                serde_json::from_value(notification.params).unwrap()
            }
            other => panic!("expected diagnostics, got {other:?}"),
        }
    }

    /// Opens a document and returns the diagnostics published for it.
    fn open(&self, uri: &Uri, text: &str) -> Vec<Diagnostic> {
        self.notify::<DidOpenTextDocument>(lsp_types::DidOpenTextDocumentParams {
            text_document: TextDocumentItem::new(uri.clone(), "cml".into(), 1, text.into()),
        });
        let published = self.published();
        assert_eq!(&published.uri, uri);
        assert_eq!(published.version, Some(1));
        published.diagnostics
    }

    fn hover(&mut self, uri: &Uri, line: u32, character: u32) -> Option<Hover> {
        self.request::<HoverRequest>(lsp_types::HoverParams {
            text_document_position_params: at(uri, line, character),
            work_done_progress_params: Default::default(),
        })
    }

    fn definition(&mut self, uri: &Uri, line: u32, character: u32) -> Option<Range> {
        let response = self.request::<GotoDefinition>(lsp_types::GotoDefinitionParams {
            text_document_position_params: at(uri, line, character),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        });
        match response {
            Some(GotoDefinitionResponse::Scalar(location)) => {
                assert_eq!(&location.uri, uri);
                Some(location.range)
            }
            None => None,
            other => panic!("expected one location, got {other:?}"),
        }
    }

    /// The ranges of the references to the name at a position, in order.
    fn references(
        &mut self,
        uri: &Uri,
        line: u32,
        character: u32,
        declaration: bool,
    ) -> Vec<Range> {
        let locations = self.request::<References>(lsp_types::ReferenceParams {
            text_document_position: at(uri, line, character),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
            context: lsp_types::ReferenceContext {
                include_declaration: declaration,
            },
        });
        locations
            .expect("an answer for an open document")
            .into_iter()
            .map(|location| {
                assert_eq!(&location.uri, uri);
                location.range
            })
            .collect()
    }

    fn completion(&mut self, uri: &Uri, line: u32, character: u32) -> Vec<CompletionItem> {
        let response = self.request::<Completion>(lsp_types::CompletionParams {
            text_document_position: at(uri, line, character),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
            context: None,
        });
        match response {
            Some(CompletionResponse::Array(items)) => items,
            other => panic!("expected a list of items, got {other:?}"),
        }
    }

    /// `shutdown`, `exit`, and the server's thread ends cleanly.
    fn stop(mut self) {
        self.request::<Shutdown>(());
        self.notify::<Exit>(());
        let server = self.server.take().unwrap();
        assert_eq!(server.join().expect("the server did not panic"), Ok(()));
    }
}

fn uri(name: &str) -> Uri {
    format!("file:///project/{name}").parse().unwrap()
}

fn at(uri: &Uri, line: u32, character: u32) -> TextDocumentPositionParams {
    TextDocumentPositionParams::new(
        TextDocumentIdentifier::new(uri.clone()),
        Position::new(line, character),
    )
}

fn range(start_line: u32, start: u32, end_line: u32, end: u32) -> Range {
    Range::new(
        Position::new(start_line, start),
        Position::new(end_line, end),
    )
}

fn markdown(hover: Option<Hover>) -> (String, Option<Range>) {
    let hover = hover.expect("a hover");
    match hover.contents {
        HoverContents::Markup(markup) => (markup.value, hover.range),
        other => panic!("expected Markdown, got {other:?}"),
    }
}

const TYPE_ERROR: &str = "let id x = x\nlet main () = id 1 + true\n";

#[test]
fn a_type_error_is_published_with_its_range_code_and_message() {
    let client = Client::start();
    let file = uri("type_error.cml");
    let diagnostics = client.open(&file, TYPE_ERROR);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let diagnostic = &diagnostics[0];
    // `true` on the second line, characters 21 to 25.
    assert_eq!(diagnostic.range, range(1, 21, 1, 25));
    assert_eq!(diagnostic.severity, Some(DiagnosticSeverity::ERROR));
    assert_eq!(
        diagnostic.code,
        Some(NumberOrString::String("types::mismatch".into()))
    );
    assert_eq!(diagnostic.source.as_deref(), Some("cml"));
    let lines: Vec<&str> = diagnostic.message.lines().collect();
    assert_eq!(lines[0], "mismatched types");
    assert!(lines[1].contains("`bool`"), "{lines:?}");
    assert!(lines.contains(&"expected: int"), "{lines:?}");
    assert!(lines.contains(&"   found: bool"), "{lines:?}");
    assert!(lines.last().unwrap().starts_with("hint: "), "{lines:?}");
    assert_eq!(diagnostic.related_information, None);
    client.stop();
}

#[test]
fn hover_shows_the_type_of_a_top_level_definition_at_its_name_and_its_uses() {
    let mut client = Client::start();
    let file = uri("id.cml");
    client.open(&file, TYPE_ERROR);
    let expected = "```cml\nid : a -> a / e\n```".to_string();
    assert_eq!(
        markdown(client.hover(&file, 0, 4)),
        (expected.clone(), Some(range(0, 4, 0, 6)))
    );
    assert_eq!(
        markdown(client.hover(&file, 1, 15)),
        (expected, Some(range(1, 14, 1, 16)))
    );
    assert_eq!(
        markdown(client.hover(&file, 1, 5)).0,
        "```cml\nmain : unit -> int / e\n```"
    );
    // Between names, on a keyword, past the end: nothing.
    assert_eq!(client.hover(&file, 0, 0), None);
    assert_eq!(client.hover(&file, 1, 19), None);
    assert_eq!(client.hover(&file, 40, 3), None);
    client.stop();
}

#[test]
fn definition_of_a_use_is_the_name_in_its_definition() {
    let mut client = Client::start();
    let file = uri("id.cml");
    client.open(&file, TYPE_ERROR);
    assert_eq!(client.definition(&file, 1, 14), Some(range(0, 4, 0, 6)));
    assert_eq!(client.definition(&file, 0, 5), Some(range(0, 4, 0, 6)));
    assert_eq!(client.definition(&file, 1, 18), None);
    client.stop();
}

const SHAPES: &str = "\
type shape = | Circle of int | Square of int
effect Log { log : string -> () }
handler quiet = { | Log.log s, k -> resume k () }
let area s = match s with | Circle r -> 3 * r * r | Square a -> a * a
let main () = with quiet in { perform Log.log \"x\"; area (Circle 2) }
";

#[test]
fn types_constructors_effects_operations_and_handlers_are_found() {
    let mut client = Client::start();
    let file = uri("shapes.cml");
    assert_eq!(client.open(&file, SHAPES), Vec::new());
    // `Circle` in `area (Circle 2)` (line 4) and in the pattern (line 3).
    assert_eq!(client.definition(&file, 4, 58), Some(range(0, 15, 0, 21)));
    assert_eq!(client.definition(&file, 3, 29), Some(range(0, 15, 0, 21)));
    // `Log` and `log` in `perform Log.log`, and in the clause.
    assert_eq!(client.definition(&file, 4, 39), Some(range(1, 7, 1, 10)));
    assert_eq!(client.definition(&file, 4, 43), Some(range(1, 13, 1, 16)));
    assert_eq!(client.definition(&file, 2, 25), Some(range(1, 13, 1, 16)));
    // `quiet` in `with quiet`, `area` in `area (Circle 2)`.
    assert_eq!(client.definition(&file, 4, 20), Some(range(2, 8, 2, 13)));
    assert_eq!(client.definition(&file, 4, 52), Some(range(3, 4, 3, 8)));
    // `shape` and `int` in the types: a type declared here, a built-in one.
    assert_eq!(client.definition(&file, 0, 7), Some(range(0, 5, 0, 10)));
    assert_eq!(client.definition(&file, 0, 26), None);

    assert_eq!(
        markdown(client.hover(&file, 4, 58)).0,
        "```cml\nCircle of int\n```\nconstructor of the type `shape`"
    );
    assert_eq!(
        markdown(client.hover(&file, 4, 43)).0,
        "```cml\nlog : string -> ()\n```\noperation of the effect `Log`"
    );
    assert_eq!(
        markdown(client.hover(&file, 4, 20)).0,
        "```cml\nquiet : handler {Log} a -> a / e\n```"
    );
    assert_eq!(
        markdown(client.hover(&file, 3, 5)).0,
        "```cml\narea : shape -> int / e\n```"
    );
    assert_eq!(
        markdown(client.hover(&file, 1, 8)).0,
        "```cml\neffect Log { log : string -> () }\n```"
    );

    let symbols = match client.request::<DocumentSymbolRequest>(lsp_types::DocumentSymbolParams {
        text_document: TextDocumentIdentifier::new(file.clone()),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    }) {
        Some(DocumentSymbolResponse::Nested(symbols)) => symbols,
        other => panic!("expected nested symbols, got {other:?}"),
    };
    let outline: Vec<(String, SymbolKind, Vec<String>)> = symbols
        .iter()
        .map(|symbol| {
            let children = symbol
                .children
                .iter()
                .flatten()
                .map(|child| child.name.clone())
                .collect();
            (symbol.name.clone(), symbol.kind, children)
        })
        .collect();
    assert_eq!(
        outline,
        vec![
            (
                "shape".into(),
                SymbolKind::STRUCT,
                vec!["Circle".into(), "Square".into()]
            ),
            ("Log".into(), SymbolKind::INTERFACE, vec!["log".into()]),
            ("quiet".into(), SymbolKind::OBJECT, vec![]),
            ("area".into(), SymbolKind::FUNCTION, vec![]),
            ("main".into(), SymbolKind::FUNCTION, vec![]),
        ]
    );
    assert_eq!(symbols[0].selection_range, range(0, 5, 0, 10));
    assert_eq!(symbols[3].detail.as_deref(), Some("shape -> int / e"));
    client.stop();
}

#[test]
fn a_local_name_hides_the_top_level_one() {
    let mut client = Client::start();
    let file = uri("shadow.cml");
    client.open(&file, "let x = 1\nlet f x = x + 1\nlet g y = x + y\n");
    // The `x` of `x + 1` is f's parameter; the one of `x + y` the top level's.
    assert_eq!(client.definition(&file, 1, 10), Some(range(1, 6, 1, 7)));
    assert_eq!(client.definition(&file, 2, 10), Some(range(0, 4, 0, 5)));
    assert_eq!(
        markdown(client.hover(&file, 2, 10)).0,
        "```cml\nx : int\n```"
    );
    client.stop();
}

#[test]
fn hover_shows_the_types_of_local_names() {
    let mut client = Client::start();
    let file = uri("locals.cml");
    let text = "\
let apply h v = let w = h v in w
let main () = let id z = z in (id 1, id true)
";
    assert_eq!(client.open(&file, text), Vec::new());
    // The parameter `h` where bound and where used.
    assert_eq!(
        markdown(client.hover(&file, 0, 10)),
        (
            "```cml\nh : a -> b / e\n```".into(),
            Some(range(0, 10, 0, 11))
        )
    );
    assert_eq!(
        markdown(client.hover(&file, 0, 24)),
        (
            "```cml\nh : a -> b / e\n```".into(),
            Some(range(0, 24, 0, 25))
        )
    );
    assert_eq!(client.definition(&file, 0, 31), Some(range(0, 20, 0, 21)));
    // A local `let` is generalised: `id` is polymorphic.
    assert_eq!(
        markdown(client.hover(&file, 1, 38)).0,
        "```cml\nid : a -> a / e\n```"
    );
    assert_eq!(client.definition(&file, 1, 38), Some(range(1, 18, 1, 20)));
    assert_eq!(markdown(client.hover(&file, 1, 25)).0, "```cml\nz : a\n```");
    client.stop();
}

#[test]
fn ranges_count_utf16_code_units() {
    let mut client = Client::start();
    let file = uri("unicode.cml");
    // `é` is one UTF-16 unit (two bytes), `𝄞` two units (four bytes): the
    // `1` is byte 19 but character 16.
    let diagnostics = client.open(&file, "let s = \"é𝄞\" ^ 1\nlet t = s\n");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0].range, range(0, 16, 0, 17));
    assert_eq!(client.definition(&file, 1, 8), Some(range(0, 4, 0, 5)));
    client.stop();
}

#[test]
fn secondary_labels_become_related_information() {
    let client = Client::start();
    let file = uri("duplicate.cml");
    let diagnostics = client.open(&file, "type t = A\ntype t = B\n");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(
        diagnostic.code,
        Some(NumberOrString::String("types::duplicate".into()))
    );
    assert_eq!(diagnostic.range, range(1, 5, 1, 6));
    let related = diagnostic.related_information.as_ref().expect("related");
    assert_eq!(related.len(), 1);
    assert_eq!(related[0].location.uri, file);
    assert_eq!(related[0].location.range, range(0, 5, 0, 6));
    assert_eq!(related[0].message, "first declared here");
    client.stop();
}

#[test]
fn syntax_errors_are_reported_alone_and_names_still_resolve() {
    let client = Client::start();
    let file = uri("unclosed.cml");
    let diagnostics = client.open(&file, "let f x = (x + 1\nlet main () = f 2\n");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(
        diagnostic.code,
        Some(NumberOrString::String("syntax::unclosed".into()))
    );
    assert_eq!(diagnostic.range, range(1, 0, 1, 3));
    assert!(diagnostic.message.starts_with("unclosed `(`\n"));
    let related = diagnostic.related_information.as_ref().expect("related");
    assert_eq!(related[0].location.range, range(0, 10, 0, 11));
    assert_eq!(related[0].message, "opened here");
    client.stop();
}

const PARTIAL_PERFORM: &str = "\
effect KV {
  set : string -> int -> ()
}

handler ignore_sets = {
  | KV.set k v, c -> resume c ()
}

let main () =
  with ignore_sets in {
    let f = perform KV.set \"a\" in
    f 1
  }
";

#[test]
fn a_program_the_back_end_refuses_gets_the_back_ends_diagnostic() {
    let client = Client::start();
    let file = uri("partial_perform.cml");
    let diagnostics = client.open(&file, PARTIAL_PERFORM);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(
        diagnostic.code,
        Some(NumberOrString::String("backend::not-supported".into()))
    );
    // `perform KV.set "a"` on line 10.
    assert_eq!(diagnostic.range.start, Position::new(10, 12));
    // Without `main` the same text is not a program and is not compiled.
    let helpers = PARTIAL_PERFORM.replace("let main ()", "let helper ()");
    assert_eq!(client.open(&uri("helpers.cml"), &helpers), Vec::new());
    client.stop();
}

#[test]
fn changes_republish_and_closing_clears() {
    let mut client = Client::start();
    let file = uri("edited.cml");
    assert_eq!(client.open(&file, TYPE_ERROR).len(), 1);
    client.notify::<DidChangeTextDocument>(lsp_types::DidChangeTextDocumentParams {
        text_document: lsp_types::VersionedTextDocumentIdentifier::new(file.clone(), 2),
        content_changes: vec![lsp_types::TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "let id x = x\nlet main () = id 1 + 2\n".into(),
        }],
    });
    let published = client.published();
    assert_eq!(published.version, Some(2));
    assert_eq!(published.diagnostics, Vec::new());
    // A change with a range replaces that range (`2` by `true`), and the
    // hover sees the new text.
    client.notify::<DidChangeTextDocument>(lsp_types::DidChangeTextDocumentParams {
        text_document: lsp_types::VersionedTextDocumentIdentifier::new(file.clone(), 3),
        content_changes: vec![lsp_types::TextDocumentContentChangeEvent {
            range: Some(range(1, 21, 1, 22)),
            range_length: None,
            text: "true".into(),
        }],
    });
    let published = client.published();
    assert_eq!(published.version, Some(3));
    assert_eq!(published.diagnostics.len(), 1);
    assert_eq!(published.diagnostics[0].range, range(1, 21, 1, 25));
    assert_eq!(
        markdown(client.hover(&file, 1, 15)).1,
        Some(range(1, 14, 1, 16))
    );
    client.notify::<DidCloseTextDocument>(lsp_types::DidCloseTextDocumentParams {
        text_document: TextDocumentIdentifier::new(file.clone()),
    });
    let published = client.published();
    assert_eq!(published.uri, file);
    assert_eq!(published.diagnostics, Vec::new());
    // A closed document has no hover.
    assert_eq!(client.hover(&file, 1, 15), None);
    client.stop();
}

#[test]
fn an_unknown_request_is_an_error_and_the_server_goes_on() {
    let mut client = Client::start();
    let response = client.raw_request("textDocument/formatting", serde_json::json!({}));
    let error = response.response_result.expect_err("an error");
    assert_eq!(error.code, lsp_server::ErrorCode::MethodNotFound as i32);
    let response = client.raw_request(HoverRequest::METHOD, serde_json::json!({ "bad": 1 }));
    let error = response.response_result.expect_err("an error");
    assert_eq!(error.code, lsp_server::ErrorCode::InvalidParams as i32);
    assert_eq!(client.open(&uri("ok.cml"), "let id x = x\n"), Vec::new());
    client.stop();
}

#[test]
fn hover_shows_the_preludes_declarations_of_names_the_module_uses() {
    let mut client = Client::start();
    let file = uri("prelude.cml");
    let text = "\
let show (xs : list int) = print_string (string_of_int (List.length xs))
let first q = match Queue.pop q with | Some x -> perform IO.print x | None -> ()
";
    client.open(&file, text);
    for (line, character, expected) in [
        (
            0,
            28,
            "```cml\nval print_string : string -> () / {IO | e}\n```\nin the prelude",
        ),
        (
            0,
            15,
            "```cml\ntype list a =\n  | Nil\n  | Cons of a * list a\n```\nin the prelude",
        ),
        (
            0,
            60,
            "```cml\nval length : list a -> int\n```\nin the prelude's module `List`",
        ),
        (
            1,
            60,
            "```cml\nprint : string -> ()\n```\noperation of the effect `IO`, in the prelude",
        ),
        (
            1,
            40,
            "```cml\nSome of a\n```\nconstructor of the type `option`, in the prelude",
        ),
    ] {
        assert_eq!(
            markdown(client.hover(&file, line, character)).0,
            expected,
            "at {line}:{character}"
        );
    }
    // The whole qualified name is the hovered range.
    assert_eq!(
        markdown(client.hover(&file, 0, 60)).1,
        Some(range(0, 56, 0, 67))
    );
    // The prelude has no file to go to.
    assert_eq!(client.definition(&file, 0, 28), None);
    client.stop();
}

#[test]
fn references_to_a_top_level_name_and_to_a_local_one() {
    let mut client = Client::start();
    let file = uri("shadow.cml");
    client.open(&file, "let x = 1\nlet f x = x + x\nlet g y = x + y\n");
    // The top-level `x`, from its definition or its use in `g`; f's
    // parameter hides it in `f`.
    let top = vec![range(0, 4, 0, 5), range(2, 10, 2, 11)];
    assert_eq!(client.references(&file, 0, 4, true), top);
    assert_eq!(client.references(&file, 2, 11, true), top);
    assert_eq!(
        client.references(&file, 2, 10, false),
        vec![range(2, 10, 2, 11)]
    );
    // f's parameter, from a use.
    assert_eq!(
        client.references(&file, 1, 14, true),
        vec![range(1, 6, 1, 7), range(1, 10, 1, 11), range(1, 14, 1, 15)]
    );
    assert_eq!(
        client.references(&file, 1, 6, false),
        vec![range(1, 10, 1, 11), range(1, 14, 1, 15)]
    );
    // A keyword names nothing.
    assert_eq!(client.references(&file, 0, 1, true), Vec::new());
    client.stop();
}

#[test]
fn references_to_constructors_and_operations() {
    let mut client = Client::start();
    let file = uri("shapes.cml");
    client.open(&file, SHAPES);
    assert_eq!(
        client.references(&file, 3, 30, true),
        vec![
            range(0, 15, 0, 21),
            range(3, 28, 3, 34),
            range(4, 57, 4, 63)
        ]
    );
    assert_eq!(
        client.references(&file, 4, 43, false),
        vec![range(2, 24, 2, 27), range(4, 42, 4, 45)]
    );
    client.stop();
}

/// The item labelled `name`, which must be offered once.
fn offered<'i>(items: &'i [CompletionItem], name: &str) -> &'i CompletionItem {
    let found: Vec<&CompletionItem> = items.iter().filter(|item| item.label == name).collect();
    assert_eq!(found.len(), 1, "`{name}` offered once in {items:#?}");
    found[0]
}

fn absent(items: &[CompletionItem], name: &str) {
    assert!(
        items.iter().all(|item| item.label != name),
        "`{name}` offered in {items:#?}"
    );
}

#[test]
fn completion_offers_the_names_in_scope() {
    let mut client = Client::start();
    let file = uri("scope.cml");
    let text = "\
let limit = 10
let count_to n = let step = n + limit in st
let other z = z
let shadow limit = limit ^ \"s\"
";
    client.open(&file, text);
    // At the end of `st`: the local `let`, the parameter, the module's
    // definitions and the prelude's names.
    let items = client.completion(&file, 1, 43);
    let step = offered(&items, "step");
    assert_eq!(step.kind, Some(CompletionItemKind::VARIABLE));
    assert_eq!(step.detail.as_deref(), Some("int"));
    assert_eq!(offered(&items, "n").detail.as_deref(), Some("int"));
    assert_eq!(offered(&items, "limit").detail.as_deref(), Some("int"));
    let count_to = offered(&items, "count_to");
    assert_eq!(count_to.kind, Some(CompletionItemKind::FUNCTION));
    // The result is the unfinished `st`'s, which the checker leaves open.
    assert_eq!(count_to.detail.as_deref(), Some("int -> a / e"));
    offered(&items, "other");
    let print_string = offered(&items, "print_string");
    assert_eq!(print_string.kind, Some(CompletionItemKind::FUNCTION));
    assert_eq!(
        print_string.detail.as_deref(),
        Some("string -> () / {IO | e}")
    );
    let some = offered(&items, "Some");
    assert_eq!(some.kind, Some(CompletionItemKind::ENUM_MEMBER));
    assert_eq!(some.detail.as_deref(), Some("Some of a"));
    assert_eq!(
        offered(&items, "List").kind,
        Some(CompletionItemKind::MODULE)
    );
    // Another definition's parameter is not in scope.
    absent(&items, "z");
    // In the bound expression of a `let ... in`, its name is not yet bound.
    let items = client.completion(&file, 1, 34);
    offered(&items, "n");
    absent(&items, "step");
    absent(&items, "z");
    // A parameter hides the top-level name of the same spelling.
    let items = client.completion(&file, 3, 21);
    assert_eq!(offered(&items, "limit").detail.as_deref(), Some("string"));
    absent(&items, "n");
    client.stop();
}

#[test]
fn completion_after_a_dot_offers_a_modules_members_or_an_effects_operations() {
    let mut client = Client::start();
    let file = uri("qualified.cml");
    let text = "\
effect Log { log : string -> () }
let main () = perform Log.l
let total xs = List.m
let echo () = perform IO.
";
    client.open(&file, text);
    let items = client.completion(&file, 1, 27);
    let log = offered(&items, "log");
    assert_eq!(log.kind, Some(CompletionItemKind::METHOD));
    assert_eq!(log.detail.as_deref(), Some("string -> ()"));
    assert_eq!(items.len(), 1, "{items:#?}");
    let items = client.completion(&file, 2, 21);
    let map = offered(&items, "map");
    assert_eq!(map.kind, Some(CompletionItemKind::FUNCTION));
    assert_eq!(
        map.detail.as_deref(),
        Some("(a -> b / {| e}) -> list a -> list b / {Mem | e}")
    );
    offered(&items, "fold_left");
    absent(&items, "push");
    absent(&items, "print_string");
    absent(&items, "xs");
    let items = client.completion(&file, 3, 25);
    assert_eq!(
        offered(&items, "print").detail.as_deref(),
        Some("string -> ()")
    );
    offered(&items, "read_byte");
    absent(&items, "alloc");
    // After a value's `.`: the fields of the module's records.
    let fields = uri("fields.cml");
    client.open(
        &fields,
        "type point = { x : int; y : int }\nlet norm p = p.\n",
    );
    let items = client.completion(&fields, 1, 15);
    let x = offered(&items, "x");
    assert_eq!(x.kind, Some(CompletionItemKind::FIELD));
    assert_eq!(x.detail.as_deref(), Some("int"));
    offered(&items, "y");
    absent(&items, "norm");
    client.stop();
}
