"""``python -m dagster_api_lint ARGS``: runs the ``dagster-api-lint`` binary with ARGS."""

from __future__ import annotations

import os
import subprocess
import sys

from dagster_api_lint import find_dagster_api_lint_bin


def main() -> int:
    binary = find_dagster_api_lint_bin()
    if sys.platform == "win32":
        # No exec on Windows: run it and pass its exit code on.
        return subprocess.run([binary, *sys.argv[1:]]).returncode
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(binary, [binary, *sys.argv[1:]])
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
