//! `cml lsp` as an editor starts it: LSP messages on standard input, the
//! answers on standard output, and the exit code LSP asks for (0 after
//! `shutdown` and `exit`, 1 for an `exit` without `shutdown`).

use std::io::Write;
use std::process::{Command, Stdio};

/// One message with its `Content-Length` header.
fn frame(message: &str) -> String {
    format!("Content-Length: {}\r\n\r\n{message}", message.len())
}

/// Runs `cml lsp` on these messages; returns the exit code and stdout.
fn serve(messages: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cml"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cml starts");
    let input: String = messages.iter().map(|message| frame(message)).collect();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
    )
}

const INITIALIZE: &str =
    r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#;
const INITIALIZED: &str = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
const SHUTDOWN: &str = r#"{"jsonrpc":"2.0","id":9,"method":"shutdown"}"#;
const EXIT: &str = r#"{"jsonrpc":"2.0","method":"exit"}"#;

#[test]
fn a_session_on_standard_input_and_output() {
    let open = r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///t.cml","languageId":"cml","version":1,"text":"let id x = x\nlet main () = id 1 + true\n"}}}"#;
    let hover = r#"{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///t.cml"},"position":{"line":1,"character":15}}}"#;
    let (code, stdout) = serve(&[INITIALIZE, INITIALIZED, open, hover, SHUTDOWN, EXIT]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains(r#""serverInfo":{"name":"cml-lsp""#),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#""method":"textDocument/publishDiagnostics""#),
        "{stdout}"
    );
    assert!(stdout.contains(r#""code":"types::mismatch""#), "{stdout}");
    assert!(
        stdout.contains(
            r#""range":{"end":{"character":25,"line":1},"start":{"character":21,"line":1}}"#
        ),
        "{stdout}"
    );
    assert!(stdout.contains(r#"id : a -> a / e"#), "{stdout}");
    assert!(
        stdout.contains(r#"{"jsonrpc":"2.0","id":9,"result":null}"#),
        "{stdout}"
    );
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let (code, _) = serve(&[INITIALIZE, INITIALIZED, EXIT]);
    assert_eq!(code, 1);
}

#[test]
fn help_says_how_to_start_it_from_an_editor() {
    let output = Command::new(env!("CARGO_BIN_EXE_cml"))
        .args(["lsp", "--help"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.contains("cmd = { 'cml', 'lsp' }"), "{help}");
}
