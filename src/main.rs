//! The `dagster-api-lint` binary: the command line of the library (see [`dagster_api_lint::cli`]).

/// mimalloc: parsing and lowering allocate many small nodes from two threads at once, where it
/// is markedly faster than the system allocator (a third of the time went to glibc malloc/free).
/// Built without transparent huge pages (`no_thp`): zeroing 2 MiB pages cost more than it saved
/// on short runs, and doubled the resident memory.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(dagster_api_lint::cli::run(std::env::args_os().collect()));
}
