//! dagster-api-lint: finds where Python code relies on Dagster APIs without a stability
//! guarantee (beta, preview, superseded, deprecated, private). See README.md.

mod baseline;
mod catalog;
mod check;
mod cli;
mod config;
mod discovery;
mod fail_on;
mod project;
mod report;
mod resolve;
mod rules;
mod runner;
mod server;
mod syntax;
mod upgrade;
mod versions;

fn main() {
    std::process::exit(cli::run(std::env::args_os().collect()));
}
