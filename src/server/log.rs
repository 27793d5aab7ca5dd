//! The server's log: stderr, since stdout carries the protocol.

/// Writes one line to the log, prefixed with the server's name.
pub fn log(message: &str) {
    eprintln!("dagster-api-lint server: {message}");
}
