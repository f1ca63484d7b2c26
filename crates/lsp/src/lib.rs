//! The CML language server, `cml lsp`.
//!
//! Input: LSP messages on an [`lsp_server::Connection`]. Output: LSP
//! messages on the same connection. This crate must not know about
//! files, processes or terminals: the `cml` command wires the connection
//! to standard input and output.

#![forbid(unsafe_code)]

/// Serves one client on this connection until it asks to exit.
pub fn serve(
    connection: lsp_server::Connection,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let capabilities = serde_json::to_value(lsp_types::ServerCapabilities::default())?;
    connection.initialize(capabilities)?;
    for message in &connection.receiver {
        if let lsp_server::Message::Request(request) = message {
            if connection.handle_shutdown(&request)? {
                return Ok(());
            }
        }
    }
    Ok(())
}
