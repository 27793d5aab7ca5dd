//! The language server (`dagster-api-lint server`): LSP over stdio for editors.
//!
//! One thread reads and frames the client's messages ([`transport`]); the main thread handles
//! them in order: it keeps the open documents ([`document`]), checks a document when it is
//! opened or saved, and shortly after it changes (changes that arrive within the window are
//! checked together, see [`Server::did_change`]), publishes the findings as diagnostics
//! ([`diagnostics`]); notebooks, synchronized as LSP 3.17 notebook documents, are checked
//! whole and each cell gets its own diagnostics ([`notebooks`]). It answers hovers
//! ([`hover`]) and code actions ([`actions`]). Each
//! document is judged as the CLI would judge it: by the project it belongs to ([`workspace`]),
//! with that project's configuration and catalogs, opened when a document first needs it and
//! reopened when a configuration file changes. A request that fails answers with an LSP error
//! and the server goes on: malformed messages, unknown methods, bad parameters and panics
//! (caught per message and per check, and logged to stderr).

mod actions;
mod diagnostics;
mod document;
mod hover;
mod notebooks;
mod position;
mod transport;
mod workspace;

use std::collections::HashMap;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notify, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, DidChangeNotebookDocumentParams, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidCloseNotebookDocumentParams, DidCloseTextDocumentParams, DidOpenNotebookDocumentParams,
    DidOpenTextDocumentParams, DidSaveNotebookDocumentParams, DidSaveTextDocumentParams,
    FileSystemWatcher, GlobPattern, Hover, HoverContents, HoverParams, HoverProviderCapability,
    InitializeParams, InitializeResult, MarkupContent, MarkupKind, NotebookCellSelector,
    NotebookDocumentSyncOptions, NotebookSelector, PublishDiagnosticsParams, Registration,
    RegistrationParams, SaveOptions, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use self::document::{file_path, Document};
use self::notebooks::OpenNotebook;
use self::position::{Encoding, Positions};
use self::transport::{Incoming, Writer};
use self::workspace::{config_files, is_config_file, Workspace};
use crate::diagnostic::Diagnostic;
use crate::fix::{self, Applicability};
use crate::runner;

/// The longest a change waits to be checked together with the changes that follow it.
const MAX_DEBOUNCE: Duration = Duration::from_millis(50);

/// Serves one client on stdin/stdout until it sends `exit` or goes away. Returns the exit
/// code: 0 after `shutdown` and `exit`, else 1.
pub fn run() -> i32 {
    // The parser recurses deeply on deeply nested code: give it the workers' stack.
    let main = std::thread::Builder::new()
        .name("lsp-main".into())
        .stack_size(runner::WORKER_STACK)
        .spawn(|| {
            let incoming = transport::spawn_reader(io::BufReader::new(io::stdin()));
            Server::new(Writer::new(io::stdout().lock())).serve(&incoming)
        });
    match main.map(std::thread::JoinHandle::join) {
        Ok(Ok(code)) => code,
        _ => 1,
    }
}

/// Where the session is in the protocol's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Uninitialized,
    Running,
    ShutDown,
}

/// A request's failure: the LSP error code and message.
type Failure = (ErrorCode, String);

/// The session with one client.
struct Server {
    writer: Writer<io::StdoutLock<'static>>,
    phase: Phase,
    encoding: Encoding,
    /// The client can watch files for the server (dynamic registration).
    can_watch: bool,
    workspace: Workspace,
    documents: HashMap<Uri, Document>,
    /// Open notebook documents, by the notebook's URI.
    notebooks: HashMap<Uri, OpenNotebook>,
    /// Documents and notebooks to check, and when.
    due: HashMap<Uri, Instant>,
    /// The client can no longer be written to.
    gone: bool,
}

impl Server {
    fn new(writer: Writer<io::StdoutLock<'static>>) -> Server {
        Server {
            writer,
            phase: Phase::Uninitialized,
            encoding: Encoding::Utf16,
            can_watch: false,
            workspace: Workspace::default(),
            documents: HashMap::new(),
            notebooks: HashMap::new(),
            due: HashMap::new(),
            gone: false,
        }
    }

    /// Handles messages in order. Due documents are checked once no message is waiting, so
    /// that changes which arrived during a check join the next one; a document overdue by
    /// [`MAX_DEBOUNCE`] is checked even while messages keep coming.
    fn serve(mut self, incoming: &Receiver<Incoming>) -> i32 {
        loop {
            let received = match self.due.values().min() {
                None => incoming.recv().map_err(|_| RecvTimeoutError::Disconnected),
                Some(due) => incoming.recv_timeout(due.saturating_duration_since(Instant::now())),
            };
            let exit = match received {
                Ok(message) => {
                    let exit = self.guarded(message);
                    if let Some(overdue) = Instant::now().checked_sub(MAX_DEBOUNCE) {
                        self.check_due(overdue);
                    }
                    exit
                }
                Err(RecvTimeoutError::Timeout) => {
                    self.check_due(Instant::now());
                    None
                }
                Err(RecvTimeoutError::Disconnected) => {
                    log("the client closed the connection without `exit`");
                    Some(1)
                }
            };
            if let Some(code) = exit {
                return code;
            }
            if self.gone {
                log("the client stopped reading");
                return 1;
            }
        }
    }

    /// Handles a message; a panic is logged (by the panic hook) and, for a request, answered
    /// with an internal error. Returns the exit code once the client said `exit`.
    fn guarded(&mut self, incoming: Incoming) -> Option<i32> {
        let id = match &incoming {
            Incoming::Message(Message::Request(r)) => Some(r.id.clone()),
            _ => None,
        };
        match panic::catch_unwind(AssertUnwindSafe(|| self.handle(incoming))) {
            Ok(exit) => exit,
            Err(_) => {
                log("internal error handling a message (see the panic above); going on");
                if let Some(id) = id {
                    let code = ErrorCode::InternalError as i32;
                    let response = Response::new_err(id, code, "internal error".into());
                    self.send(&Message::Response(response));
                }
                None
            }
        }
    }

    fn handle(&mut self, incoming: Incoming) -> Option<i32> {
        match incoming {
            Incoming::Malformed { id, code, message } => {
                log(&format!("malformed message: {message}"));
                let error = serde_json::json!({
                    "id": id,
                    "error": { "code": code as i32, "message": message },
                });
                self.send(&error);
                None
            }
            Incoming::Message(Message::Request(request)) => {
                self.on_request(request);
                self.show_problems();
                None
            }
            Incoming::Message(Message::Notification(notification)) => {
                let exit = self.on_notification(notification);
                self.show_problems();
                exit
            }
            Incoming::Message(Message::Response(response)) => {
                if let Err(error) = response.response_result {
                    log(&format!(
                        "the client refused request {}: {}",
                        response.id, error.message
                    ));
                }
                None
            }
        }
    }

    fn on_request(&mut self, request: Request) {
        let Request { id, method, params } = request;
        let outcome = match (self.phase, method.as_str()) {
            (Phase::Uninitialized, req::Initialize::METHOD) => {
                // A client whose capabilities do not parse still gets a server, with defaults.
                let params = parse(params).unwrap_or_else(|(_, message)| {
                    log(&format!(
                        "initialize: {message}; using default capabilities"
                    ));
                    InitializeParams::default()
                });
                result(self.initialize(params))
            }
            (Phase::Uninitialized, _) => Err((
                ErrorCode::ServerNotInitialized,
                "the server is not initialized yet".into(),
            )),
            (_, req::Initialize::METHOD) => Err((
                ErrorCode::InvalidRequest,
                "the server is already initialized".into(),
            )),
            (Phase::ShutDown, _) => Err((
                ErrorCode::InvalidRequest,
                "the server is shutting down".into(),
            )),
            (_, req::Shutdown::METHOD) => {
                self.phase = Phase::ShutDown;
                Ok(Value::Null)
            }
            (_, req::HoverRequest::METHOD) => answer(params, |p| self.hover(p)),
            (_, req::CodeActionRequest::METHOD) => answer(params, |p| self.code_actions(p)),
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("unknown method `{method}`"),
            )),
        };
        let response = match outcome {
            Ok(result) => Response::new_ok(id, result),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(&Message::Response(response));
    }

    fn on_notification(&mut self, notification: Notification) -> Option<i32> {
        let Notification { method, params } = notification;
        if method == notify::Exit::METHOD {
            return Some(if self.phase == Phase::ShutDown { 0 } else { 1 });
        }
        if self.phase != Phase::Running {
            return None;
        }
        let outcome = match method.as_str() {
            notify::Initialized::METHOD => {
                self.watch_config_files();
                Ok(())
            }
            notify::DidOpenTextDocument::METHOD => parse(params).map(|p| self.did_open(p)),
            notify::DidChangeTextDocument::METHOD => parse(params).and_then(|p| self.did_change(p)),
            notify::DidSaveTextDocument::METHOD => parse(params).map(|p| self.did_save(p)),
            notify::DidCloseTextDocument::METHOD => parse(params).map(|p| self.did_close(p)),
            notify::DidChangeWatchedFiles::METHOD => {
                parse(params).map(|p| self.did_change_watched_files(p))
            }
            notify::DidOpenNotebookDocument::METHOD => {
                parse(params).map(|p| self.did_open_notebook(p))
            }
            notify::DidChangeNotebookDocument::METHOD => {
                parse(params).and_then(|p| self.did_change_notebook(p))
            }
            notify::DidSaveNotebookDocument::METHOD => {
                parse(params).map(|p| self.did_save_notebook(p))
            }
            notify::DidCloseNotebookDocument::METHOD => {
                parse(params).map(|p| self.did_close_notebook(p))
            }
            // `$/cancelRequest` (requests are answered in order, at once), `$/setTrace`, and
            // notifications the server has no use for.
            _ => Ok(()),
        };
        if let Err((_, message)) = outcome {
            log(&format!("{method}: {message}"));
        }
        None
    }

    fn initialize(&mut self, params: InitializeParams) -> InitializeResult {
        self.encoding = Encoding::negotiate(&params.capabilities);
        self.can_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        #[allow(deprecated)] // `rootUri` is what older clients send
        let folders = match params.workspace_folders {
            Some(folders) => folders.into_iter().map(|f| f.uri).collect(),
            None => params.root_uri.into_iter().collect::<Vec<_>>(),
        };
        self.workspace
            .set_roots(folders.iter().filter_map(file_path).collect());
        self.phase = Phase::Running;
        let sync = TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                include_text: Some(false),
            })),
            ..TextDocumentSyncOptions::default()
        };
        InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(self.encoding.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Options(sync)),
                // Jupyter notebooks, their Python cells synchronized with them.
                notebook_document_sync: Some(lsp_types::OneOf::Left(NotebookDocumentSyncOptions {
                    notebook_selector: vec![NotebookSelector::ByNotebook {
                        notebook: lsp_types::Notebook::String("jupyter-notebook".into()),
                        cells: Some(vec![NotebookCellSelector {
                            language: "python".into(),
                        }]),
                    }],
                    save: Some(true),
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(actions::kinds()),
                        ..CodeActionOptions::default()
                    },
                )),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: diagnostics::SOURCE.into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        }
    }

    /// Asks the client to report changes of the configuration files.
    fn watch_config_files(&mut self) {
        if !self.can_watch {
            return;
        }
        let watchers = config_files()
            .map(|name| FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{name}")),
                kind: None,
            })
            .collect();
        let registration = Registration {
            id: "dagster-api-lint/config-files".into(),
            method: notify::DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        };
        let request = Request::new(
            RequestId::from("dagster-api-lint/watch".to_string()),
            req::RegisterCapability::METHOD.into(),
            RegistrationParams {
                registrations: vec![registration],
            },
        );
        self.send(&Message::Request(request));
    }

    fn did_open(&mut self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        let document = Document::new(&item.uri, &item.language_id, item.version, item.text);
        self.documents.insert(item.uri.clone(), document);
        self.due.insert(item.uri, Instant::now());
    }

    /// Applies a change. The document is checked a window after the first change not yet
    /// checked, and later changes within the window join that check. The window is as long as
    /// the document's last check took (at most [`MAX_DEBOUNCE`]): a small file is checked
    /// almost at once, and a burst of changes to a large one costs one check, not one each.
    fn did_change(&mut self, params: DidChangeTextDocumentParams) -> Result<(), Failure> {
        let uri = params.text_document.uri;
        let Some(document) = self.documents.get_mut(&uri) else {
            return Err((
                ErrorCode::InvalidParams,
                format!("{} is not open", uri.as_str()),
            ));
        };
        document.apply(
            params.content_changes,
            params.text_document.version,
            self.encoding,
        );
        let window = document.check_time.min(MAX_DEBOUNCE);
        self.due
            .entry(uri)
            .or_insert_with(|| Instant::now() + window);
        Ok(())
    }

    fn did_save(&mut self, params: DidSaveTextDocumentParams) {
        let uri = params.text_document.uri;
        if file_path(&uri).is_some_and(|p| is_config_file(&p)) {
            self.reload_settings();
        } else if self.documents.contains_key(&uri) {
            self.due.insert(uri, Instant::now());
        }
    }

    fn did_close(&mut self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.documents.remove(&uri);
        self.due.remove(&uri);
        self.publish(uri, Vec::new(), None);
    }

    fn did_open_notebook(&mut self, params: DidOpenNotebookDocumentParams) {
        let notebook = params.notebook_document;
        let open = OpenNotebook::open(&notebook.uri, notebook.cells, params.cell_text_documents);
        self.notebooks.insert(notebook.uri.clone(), open);
        self.due.insert(notebook.uri, Instant::now());
    }

    /// Applies a notebook's change, clears the diagnostics of the cells it removed, and checks
    /// the notebook after the window [`Server::did_change`] explains.
    fn did_change_notebook(
        &mut self,
        params: DidChangeNotebookDocumentParams,
    ) -> Result<(), Failure> {
        let uri = params.notebook_document.uri;
        let Some(notebook) = self.notebooks.get_mut(&uri) else {
            return Err((
                ErrorCode::InvalidParams,
                format!("{} is not open", uri.as_str()),
            ));
        };
        let closed = notebook.apply(params.change, self.encoding);
        let window = notebook.check_time.min(MAX_DEBOUNCE);
        self.due
            .entry(uri)
            .or_insert_with(|| Instant::now() + window);
        for cell in closed {
            self.publish(cell, Vec::new(), None);
        }
        Ok(())
    }

    fn did_save_notebook(&mut self, params: DidSaveNotebookDocumentParams) {
        let uri = params.notebook_document.uri;
        if self.notebooks.contains_key(&uri) {
            self.due.insert(uri, Instant::now());
        }
    }

    fn did_close_notebook(&mut self, params: DidCloseNotebookDocumentParams) {
        let uri = params.notebook_document.uri;
        self.due.remove(&uri);
        if let Some(notebook) = self.notebooks.remove(&uri) {
            for cell in notebook.cells {
                self.publish(cell.uri, Vec::new(), None);
            }
        }
    }

    fn did_change_watched_files(&mut self, params: DidChangeWatchedFilesParams) {
        let config_changed = params
            .changes
            .iter()
            .any(|c| file_path(&c.uri).is_some_and(|p| is_config_file(&p)));
        if config_changed {
            self.reload_settings();
        }
    }

    /// Forgets the settings and checks every open document again.
    fn reload_settings(&mut self) {
        self.workspace.reload();
        let now = Instant::now();
        for uri in self.documents.keys().chain(self.notebooks.keys()) {
            self.due.insert(uri.clone(), now);
        }
    }

    fn hover(&mut self, params: HoverParams) -> Option<Hover> {
        let at = params.text_document_position_params;
        let document = self.documents.get(&at.text_document.uri)?;
        if !document.is_python {
            return None;
        }
        let text = Positions::new(&document.text, self.encoding);
        let checker = self.workspace.checker_for(document.path.as_deref());
        let lookup = checker.lookup(&document.text, text.offset(at.position))?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: hover::markdown(&lookup),
            }),
            range: Some(text.range(lookup.span)),
        })
    }

    fn code_actions(&mut self, params: CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
        let only = params.context.only.as_deref();
        let quick = actions::wanted(only, CodeActionKind::QUICKFIX.as_str());
        let fix_all = actions::wanted(only, actions::FIX_ALL);
        if !quick && !fix_all {
            return None;
        }
        let uri = params.text_document.uri;
        // A notebook's fixes would be edits of its JSON text: none are offered there.
        if self.documents.get(&uri)?.is_notebook {
            return None;
        }
        if self.documents.get(&uri)?.findings.is_none() {
            self.due.remove(&uri);
            self.check(&uri);
        }
        let fixed = match fix_all {
            true => self.safely_fixed(&uri),
            false => None,
        };
        let document = self.documents.get(&uri)?;
        let text = Positions::new(&document.text, self.encoding);
        let mut found = Vec::new();
        if quick {
            found = actions::quick_fixes(
                &uri,
                &document.text,
                &text,
                document.findings.as_deref()?,
                text.span(params.range),
            );
        }
        if let Some(fixed) = fixed {
            found.extend(actions::fix_all(&uri, &document.text, &text, &fixed));
        }
        Some(
            found
                .into_iter()
                .map(CodeActionOrCommand::CodeAction)
                .collect(),
        )
    }

    /// The text of a checked document with every safe fix applied, pass after pass (each
    /// checks the fixed text again) until none applies; `None` when its findings carry no
    /// safe fix (or checking panicked). Worked out once per checked version.
    fn safely_fixed(&mut self, uri: &Uri) -> Option<String> {
        let document = self.documents.get(uri)?;
        if let Some(fixed) = &document.fixed {
            return fixed.clone();
        }
        // A notebook opened as text is JSON: the fixes of its code do not apply to it.
        let safe = |d: &Diagnostic| {
            d.cell.is_none()
                && d.fix
                    .as_deref()
                    .is_some_and(|f| f.applicability == Applicability::Safe)
        };
        let fixed = match document.findings.as_deref()?.iter().any(safe) {
            true => self.fix_text(uri),
            false => None,
        };
        self.documents.get_mut(uri)?.fixed = Some(fixed.clone());
        fixed
    }

    /// [`fix::file::fix_text`] of a document's text, with the document's checker and settings.
    fn fix_text(&mut self, uri: &Uri) -> Option<String> {
        let document = self.documents.get(uri)?;
        let path = document.path.as_deref();
        let name = workspace::display_name(path, uri);
        let judge = self.workspace.file_checker(path);
        let document = self.documents.get(uri)?;
        let check = judge.checking(&name);
        panic::catch_unwind(AssertUnwindSafe(|| {
            fix::file::fix_text(&document.text, Applicability::Safe, &check).text
        }))
        .ok()
    }

    /// Checks the documents due at `time` or before.
    fn check_due(&mut self, time: Instant) {
        let ready: Vec<Uri> = self
            .due
            .iter()
            .filter(|(_, due)| **due <= time)
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in ready {
            self.due.remove(&uri);
            self.check(&uri);
        }
    }

    /// Checks a document and publishes its diagnostics. When the check panics, the last
    /// published diagnostics stay.
    fn check(&mut self, uri: &Uri) {
        if self.notebooks.contains_key(uri) {
            return self.check_notebook(uri);
        }
        let Some(document) = self.documents.get_mut(uri) else {
            return;
        };
        if !document.is_python && !document.is_notebook {
            return;
        }
        let path = document.path.as_deref();
        let name = workspace::display_name(path, uri);
        let judge = self.workspace.file_checker(path);
        let started = Instant::now();
        let checked = panic::catch_unwind(AssertUnwindSafe(|| {
            if !document.is_notebook {
                return judge.check(&name, &document.text, None).0;
            }
            match runner::source_of(Path::new(&name), document.text.as_bytes().to_vec()) {
                Ok((code, cells)) => judge.check(&name, &code, cells.as_ref()).0,
                Err(message) => vec![Diagnostic::io_error(&name, &message)],
            }
        }));
        let Ok(findings) = checked else {
            log(&format!(
                "checking {name} failed (see the panic above); its last diagnostics stay"
            ));
            document.findings = Some(Vec::new());
            return;
        };
        document.check_time = started.elapsed();
        let text = Positions::new(&document.text, self.encoding);
        let published = findings
            .iter()
            .map(|f| diagnostics::to_lsp(f, &text))
            .collect();
        let version = document.version;
        document.findings = Some(findings);
        document.fixed = None;
        self.publish(uri.clone(), published, Some(version));
    }

    /// Checks an open notebook's code cells together and publishes each cell's diagnostics
    /// (an empty list for a cell without any, so that fixed cells are cleared).
    fn check_notebook(&mut self, uri: &Uri) {
        let Some(notebook) = self.notebooks.get_mut(uri) else {
            return;
        };
        let path = notebook.path.as_deref();
        let name = workspace::display_name(path, uri);
        let judge = self.workspace.file_checker(path);
        let started = Instant::now();
        let checked = panic::catch_unwind(AssertUnwindSafe(|| {
            let code = notebook.code();
            judge.check(&name, code.source(), Some(&code)).0
        }));
        let Ok(findings) = checked else {
            log(&format!(
                "checking {name} failed (see the panic above); its last diagnostics stay"
            ));
            return;
        };
        notebook.check_time = started.elapsed();
        let mut published = Vec::new();
        for (i, cell) in notebook.cells.iter().enumerate() {
            let Some(document) = &cell.document else {
                continue;
            };
            let text = Positions::new(&document.text, self.encoding);
            let number = i as u32 + 1;
            let diagnostics = findings
                .iter()
                .filter(|f| f.cell.is_some_and(|c| c.cell == number))
                .map(|f| diagnostics::to_lsp(f, &text))
                .collect();
            published.push((cell.uri.clone(), diagnostics, document.version));
        }
        for (cell, diagnostics, version) in published {
            self.publish(cell, diagnostics, Some(version));
        }
    }

    /// Shows the configuration errors met while answering (`window/showMessage`): the user
    /// learns that the defaults apply instead of their configuration.
    fn show_problems(&mut self) {
        for message in self.workspace.take_problems() {
            let params = lsp_types::ShowMessageParams {
                typ: lsp_types::MessageType::ERROR,
                message: format!("dagster-api-lint: {message}"),
            };
            let method = notify::ShowMessage::METHOD.to_string();
            self.send(&Message::Notification(Notification::new(method, params)));
        }
    }

    fn publish(&mut self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        // Checks run between messages too (bursts of changes are checked together).
        self.show_problems();
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let method = notify::PublishDiagnostics::METHOD.to_string();
        self.send(&Message::Notification(Notification::new(method, params)));
    }

    fn send(&mut self, body: &impl Serialize) {
        if self.gone {
            return;
        }
        if let Err(e) = self.writer.send(body) {
            log(&format!("writing to the client: {e}"));
            self.gone = true;
        }
    }
}

fn parse<P: DeserializeOwned>(params: Value) -> Result<P, Failure> {
    serde_json::from_value(params)
        .map_err(|e| (ErrorCode::InvalidParams, format!("invalid params: {e}")))
}

/// Runs a request handler on its parsed parameters.
fn answer<P: DeserializeOwned, R: Serialize>(
    params: Value,
    handler: impl FnOnce(P) -> R,
) -> Result<Value, Failure> {
    result(handler(parse(params)?))
}

fn result(value: impl Serialize) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

fn log(message: &str) {
    eprintln!("dagster-api-lint server: {message}");
}
