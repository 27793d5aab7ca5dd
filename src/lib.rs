//! dagster-api-lint: finds where Python code relies on Dagster APIs without a stability
//! guarantee (beta, preview, superseded, deprecated, private). See README.md for use and
//! ARCHITECTURE.md for a map of these modules.
//!
//! The binary (`src/main.rs`) is [`cli::run`]; the modules the tests under `tests/` drive in
//! process are public, the rest private to the crate.

mod add_noqa;
mod baseline;
mod cache;
mod catalog;
mod check;
pub mod cli;
mod config;
mod diagnostic;
mod discovery;
mod fail_on;
mod fix;
mod gate;
mod notebook;
mod paths;
mod pipeline;
mod project;
mod report;
mod resolve;
mod rules;
mod runner;
mod server;
mod syntax;
mod upgrade;
mod versions;
