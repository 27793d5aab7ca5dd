"""Checks what `dagster-api-lint check --fix` did to a package's sources, at runtime.

Usage (with the Python of a venv where the package's dagster is installed):

    python fixcheck.py BEFORE_DIR AFTER_DIR FILE...

For each FILE (a path relative to both folders, changed by the fix):
  - the fixed file compiles;
  - every name bound by a `from <dagster package> import ...` statement whose import changed
    (a name imported from another module, or under another name) is the same object (`is`)
    after the fix as before, both imports resolved in this Python.

Only the imports that resolve here count (a name imported in both branches of a version check
has one import per branch): the objects the original imports bind must be those the fixed ones
bind. A name none of whose original imports resolves here (an optional dependency not
installed) is counted and skipped. Prints the counts, then PASS or the failures (exit 1).
"""

import ast
import importlib
import sys
from collections import defaultdict


def imports(path):
    """Bound name -> set of (module, name) for `from dagster... import` statements."""
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    bound = defaultdict(set)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0].startswith("dagster"):
                for alias in node.names:
                    if alias.name != "*":
                        bound[alias.asname or alias.name].add((node.module, alias.name))
    return bound


def resolve(module, name):
    mod = importlib.import_module(module)
    try:
        return getattr(mod, name)
    except AttributeError:
        return importlib.import_module(f"{module}.{name}")


def resolved(specs):
    """id of the object -> import spec, for the specs that resolve here (a name imported in the
    branches of a version check has one spec per branch, and only one resolves)."""
    out = {}
    for spec in specs:
        try:
            out[id(resolve(*spec))] = spec
        except Exception:  # an optional dependency, or a module another version has
            pass
    return out


def main():
    before_dir, after_dir, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    failures, same, skipped = [], 0, 0
    for file in files:
        before, after = f"{before_dir}/{file}", f"{after_dir}/{file}"
        try:
            compile(open(after, encoding="utf-8").read(), after, "exec")
        except SyntaxError as e:
            failures.append(f"{file}: does not compile: {e}")
            continue
        old, new = imports(before), imports(after)
        for name in sorted(set(old) | set(new)):
            if old.get(name) == new.get(name):
                continue
            objects, fixed = resolved(old.get(name, ())), resolved(new.get(name, ()))
            if not objects:
                skipped += 1
                continue
            if set(objects) != set(fixed):
                failures.append(
                    f"{file}: `{name}` was {sorted(objects.values())}, now {sorted(fixed.values())}"
                )
            else:
                same += 1
    print(f"files: {len(files)}, changed bindings: same object {same}, unresolvable before {skipped}")
    for failure in failures:
        print(f"FAIL {failure}")
    if failures:
        sys.exit(1)
    print("PASS")


if __name__ == "__main__":
    main()
