//! JSON-RPC over stdio with LSP's `Content-Length` framing. Unlike `lsp_server::Connection`,
//! whose reader stops at the first malformed message, this reader reports a malformed frame
//! and goes on with the next one.

use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc::{self, Receiver};

use lsp_server::{ErrorCode, Message};
use serde::Serialize;
use serde_json::Value;

/// Bodies larger than this are skipped as malformed rather than read into memory.
const MAX_BODY: usize = 256 << 20;

/// What the client sent.
#[derive(Debug)]
pub enum Incoming {
    /// A well-formed message.
    Message(Message),
    /// A frame that is no JSON-RPC message, and the error response it deserves.
    Malformed {
        /// The id of the request, when one could be read (else `null`).
        id: Value,
        /// `ParseError` or `InvalidRequest`.
        code: ErrorCode,
        /// What was wrong.
        message: String,
    },
}

/// Reads frames from `input` on a thread of its own. The channel closes when the input ends
/// (the client went away) or after an `exit` notification.
pub fn spawn_reader(input: impl BufRead + Send + 'static) -> Receiver<Incoming> {
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || {
            let mut input = input;
            while let Some(incoming) = read_frame(&mut input) {
                let exit = matches!(&incoming, Incoming::Message(Message::Notification(n)) if n.method == "exit");
                if sender.send(incoming).is_err() || exit {
                    break;
                }
            }
        })
        .expect("spawn the reader thread");
    receiver
}

/// Header lines are read in pieces of at most this many bytes.
const MAX_LINE: u64 = 1 << 20;

/// Reads one frame; `None` at the end of the input. A frame whose `Content-Length` is not a
/// number is answered as malformed; the reader then finds the next frame by its
/// `Content-Length` header, wherever it starts (after a body without a newline, or after the
/// rest of a body whose announced length was too small).
fn read_frame(input: &mut impl BufRead) -> Option<Incoming> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        match input.by_ref().take(MAX_LINE).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        // (Bytes, not text: a header that is not UTF-8 is skipped like any unknown one.)
        let header = String::from_utf8_lossy(&line);
        let header = header.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if length.is_some() {
                break;
            }
            continue; // blank lines between frames
        }
        if let Some(value) = content_length(header) {
            length = Some(value.parse::<usize>().map_err(|_| value.to_string()));
        }
    }
    let length = match length? {
        Ok(length) => length,
        Err(value) => {
            return Some(malformed(
                Value::Null,
                ErrorCode::InvalidRequest,
                format!("invalid Content-Length `{value}`: the frame is skipped"),
            ))
        }
    };
    if length > MAX_BODY {
        io::copy(&mut input.take(length as u64), &mut io::sink()).ok()?;
        return Some(malformed(
            Value::Null,
            ErrorCode::InvalidRequest,
            format!("message of {length} bytes is over the {MAX_BODY}-byte limit"),
        ));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).ok()?;
    Some(parse(&body))
}

/// The value of the `Content-Length` header in `line`, which may follow other bytes (the end
/// of a frame the reader could not delimit).
fn content_length(line: &str) -> Option<&str> {
    const NAME: &str = "content-length";
    let at = line.to_ascii_lowercase().find(NAME)?;
    let value = line[at + NAME.len()..].trim_start().strip_prefix(':')?;
    Some(value.trim())
}

fn malformed(id: Value, code: ErrorCode, message: String) -> Incoming {
    Incoming::Malformed { id, code, message }
}

/// Parses a frame's body.
fn parse(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => return malformed(Value::Null, ErrorCode::ParseError, e.to_string()),
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(e) => malformed(
            id,
            ErrorCode::InvalidRequest,
            format!("not a JSON-RPC message: {e}"),
        ),
    }
}

/// Writes framed JSON-RPC messages.
pub struct Writer<W: Write> {
    output: W,
}

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    jsonrpc: &'static str,
    #[serde(flatten)]
    body: &'a T,
}

impl<W: Write> Writer<W> {
    /// Writes to `output`.
    pub fn new(output: W) -> Self {
        Writer { output }
    }

    /// Sends a message (or any JSON-RPC body, such as an error response with a `null` id).
    pub fn send(&mut self, body: &impl Serialize) -> io::Result<()> {
        let text = serde_json::to_string(&Envelope {
            jsonrpc: "2.0",
            body,
        })?;
        write!(self.output, "Content-Length: {}\r\n\r\n{text}", text.len())?;
        self.output.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<Incoming> {
        let mut reader = io::Cursor::new(input.as_bytes().to_vec());
        std::iter::from_fn(|| read_frame(&mut reader)).collect()
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn malformed_frames_do_not_stop_the_reader() {
        let input = [
            frame("{not json"),
            frame(r#"{"id": 7, "params": 1}"#),
            "Bogus-Header\r\n\r\n".to_string(),
            frame(r#"{"jsonrpc": "2.0", "id": 1, "method": "shutdown"}"#),
        ]
        .concat();
        let read = frames(&input);
        assert_eq!(read.len(), 3, "{read:?}");
        assert!(matches!(
            &read[0],
            Incoming::Malformed {
                id: Value::Null,
                code: ErrorCode::ParseError,
                ..
            }
        ));
        assert!(matches!(
            &read[1],
            Incoming::Malformed { id, code: ErrorCode::InvalidRequest, .. } if id == 7
        ));
        assert!(
            matches!(&read[2], Incoming::Message(Message::Request(r)) if r.method == "shutdown")
        );
    }

    #[test]
    fn the_reader_recovers_from_bad_lengths_and_headers() {
        let shutdown = frame(r#"{"jsonrpc": "2.0", "id": 1, "method": "shutdown"}"#);
        let body = r#"{"jsonrpc": "2.0", "id": 2, "method": "x"}"#;
        for bad in [
            format!("Content-Length: abc\r\n\r\n{body}"),
            format!("Content-Length: -5\r\n\r\n{body}"),
            format!("Content-Length: 10\r\n\r\n{body}"),
        ] {
            let mut input = bad.into_bytes();
            input.extend_from_slice(shutdown.as_bytes());
            let mut reader = io::Cursor::new(input);
            let read: Vec<Incoming> = std::iter::from_fn(|| read_frame(&mut reader)).collect();
            assert!(
                matches!(read.last(), Some(Incoming::Message(Message::Request(r))) if r.method == "shutdown"),
                "{read:?}"
            );
        }
        // A header that is not UTF-8.
        let mut input = b"X-Bad: \xff\xfe\r\n".to_vec();
        input.extend_from_slice(shutdown.as_bytes());
        let read = read_frame(&mut io::Cursor::new(&input));
        assert!(
            matches!(&read, Some(Incoming::Message(Message::Request(r))) if r.method == "shutdown"),
            "{read:?}"
        );
    }

    #[test]
    fn writes_framed_jsonrpc() {
        let mut out = Vec::new();
        Writer::new(&mut out)
            .send(&Message::Notification(lsp_server::Notification::new(
                "exit".into(),
                (),
            )))
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        let body = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        assert_eq!(text, frame(body));
    }
}
