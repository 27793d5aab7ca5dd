//! dagster-api-lint: finds where Python code relies on Dagster APIs without a stability
//! guarantee (beta, preview, superseded, deprecated, private). See README.md.

mod add_noqa;
mod baseline;
mod cache;
mod catalog;
mod check;
mod cli;
mod config;
mod discovery;
mod fail_on;
mod fix;
mod gate;
mod noqa;
mod notebook;
mod project;
mod report;
mod resolve;
mod rules;
mod runner;
mod server;
mod syntax;
mod upgrade;
mod versions;

/// mimalloc: parsing and lowering allocate many small nodes from two threads at once, where it
/// is markedly faster than the system allocator (a third of the time went to glibc malloc/free).
/// Built without transparent huge pages (`no_thp`): zeroing 2 MiB pages cost more than it saved
/// on short runs, and doubled the resident memory.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run(std::env::args_os().collect()));
}
