//! `cml lsp`: the CML language server on standard input and output.
//!
//! This module only wires the process's standard streams to the server in
//! `cml-lsp`, which works on an `lsp_server::Connection` and knows nothing
//! of processes.

use clap::Args;

use crate::Ending;

/// Run the CML language server, speaking LSP on standard input and output.
///
/// An editor starts it and talks to it; it is not meant to be run by hand.
/// It reports every error and warning of `cml check` (and of the back end,
/// for a program that checks) as you type, shows the type of a top-level
/// definition on hover, goes to the definition of a top-level name, and
/// lists a file's definitions. Log messages go to standard error.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  Neovim:   vim.lsp.start { name = 'cml', cmd = { 'cml', 'lsp' } }
  VS Code:  a generic LSP client extension, with the command `cml lsp`")]
pub struct LspArgs {}

/// Runs `cml lsp` until the editor shuts it down.
pub fn serve_stdio(_args: &LspArgs) -> Ending {
    let (connection, io_threads) = lsp_server::Connection::stdio();
    let served = cml_lsp::serve(&connection);
    // The writer thread ends when the last sender is dropped.
    drop(connection);
    let joined = io_threads.join();
    match (served, joined) {
        (Ok(()), Ok(())) => Ending::Success,
        (Err(error), _) => {
            eprintln!("error: cml lsp: {error}");
            Ending::BadInput
        }
        (_, Err(error)) => {
            eprintln!("error: cml lsp: {error}");
            Ending::BadInput
        }
    }
}
