"""dagster-api-lint: the wheel carries the ``dagster-api-lint`` binary.

``find_dagster_api_lint_bin()`` returns its path; ``python -m dagster_api_lint`` runs it.
"""

from __future__ import annotations

import os
import sys
import sysconfig

__all__ = ["find_dagster_api_lint_bin"]

_EXE = "dagster-api-lint" + (sysconfig.get_config_var("EXE") or "")


def find_dagster_api_lint_bin() -> str:
    """The path of the ``dagster-api-lint`` binary installed with this package."""
    candidates = [sysconfig.get_path("scripts")]
    # `pip install --user`, and the schemes of the interpreter's own installation.
    if sys.version_info >= (3, 10):
        user_scheme = sysconfig.get_preferred_scheme("user")
    elif os.name == "nt":
        user_scheme = "nt_user"
    elif sys.platform == "darwin" and sys._framework:  # type: ignore[attr-defined]
        user_scheme = "osx_framework_user"
    else:
        user_scheme = "posix_user"
    candidates.append(sysconfig.get_path("scripts", scheme=user_scheme))
    # `pip install --target DIR`: the package is DIR/dagster_api_lint, the binary DIR/bin.
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    candidates.append(os.path.join(package_parent, "bin"))
    for folder in candidates:
        path = os.path.join(folder, _EXE)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        f"{_EXE} not found next to this Python package (looked in {', '.join(candidates)})"
    )
