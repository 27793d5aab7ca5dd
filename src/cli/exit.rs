//! The exit codes of the command line, and when a failed write to stdout is an error.

/// Exit code: nothing found.
pub const EXIT_CLEAN: i32 = 0;
/// Exit code: findings reported.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: usage or I/O error.
pub const EXIT_ERROR: i32 = 2;

/// The outcome of writing to stdout: a reader that closed the pipe (`| head -1`) wanted no
/// more, which is no error; any other failure (a full disk, `> /dev/full`) is one (exit 2).
pub(super) fn stdout_written(result: std::io::Result<()>) -> Result<(), String> {
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to stdout: {e}"))
        }
        _ => Ok(()),
    }
}
