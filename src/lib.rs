//! dagster-api-lint: finds where Python code relies on Dagster APIs without a stability
//! guarantee (beta, preview, superseded, deprecated, private). See README.md for use and
//! ARCHITECTURE.md for a map of these modules.
//!
//! The binary (`src/main.rs`) is [`cli::run`]; the modules the tests under `tests/` drive in
//! process are public, the rest private to the crate.

mod add_noqa;
mod baseline;
mod cache;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
mod discovery;
mod fail_on;
mod fix;
mod gate;
mod notebook;
mod paths;
mod pipeline;
pub mod project;
pub mod report;
mod resolve;
pub mod rules;
pub mod runner;
mod server;
mod syntax;
mod upgrade;
mod versions;
