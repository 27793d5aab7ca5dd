"""Cross-check dagster-api-lint findings against the runtime: does an installed dagster agree
with the status we reported for each symbol?

Usage (with the Python of a venv where the checked package's dagster is installed, see
scripts/oracle-venv):

    python crosscheck.py --findings FINDINGS.json --known KNOWN.tsv [--write-known]

FINDINGS.json is `dagster-api-lint check --output-format json` output. Findings are grouped by
(code, symbol, parameter); for each group the symbol is resolved in the installed packages
(longest importable module prefix, then attributes; members through the class's MRO without
calling descriptors) and the runtime is asked, through `dagster._annotations`, for the status
the finding reports:

  DAG001  is_deprecated (or the module's `_DEPRECATED` table), same breaking_version
  DAG002  the parameter is in get_deprecated_params of the callable, same breaking_version
  DAG003  the name does not resolve (or is in the module's `_DEPRECATED_WITH_ERROR` table)
  DAG101  is_beta (is_experimental before dagster 1.10)
  DAG102  the parameter is in get_beta_params (get_experimental_params before 1.10)
  DAG103  is_preview, or the symbol lies in a `preview` namespace
  DAG104  is_superseded
  DAG201  the path has a private (`_x`) segment or goes through a module alias of a private
          module (both modules are the same object); when the message says "Use the public
          `X` instead", X resolves to the same object; when it names no public path, the
          object (if this version has it) is not exported under its own name by the
          package's top-level module
  DAG202  names from non-public modules: the name resolves, and when the message says "Use
          the public `X` instead", X resolves to the same object
  DAG203  members: is_public is false and the member is not a `PublicAttr` field (a member
          that is not on the class at all is an instance attribute, never `@public`)

A group whose symbol cannot be resolved counts as a difference too. Every difference must be
listed in KNOWN.tsv, one per line (lines starting with `#` are comments):

    code<TAB>symbol<TAB>parameter-or-dash<TAB>ours<TAB>runtime<TAB>reason

Exit status 1 when a difference is unlisted, a listed one has an empty or `TODO` reason, or a
listed one no longer occurs (stale); otherwise prints PASS. --write-known rewrites KNOWN.tsv
with the current differences, keeping existing reasons (new ones get `TODO`).
"""

import argparse
import collections
import importlib
import inspect
import json
import os
import re
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle import annotation_target, is_public_attr  # noqa: E402

HINT = re.compile(r"Use the public `([^`]+)` instead\.")
ALIAS = re.compile(r"goes through `([^`]+)`, an alias of the private module `([^`]+)`")
MISSING = object()


class Unresolved(Exception):
    pass


def is_dunder(name):
    return name.startswith("__") and name.endswith("__")


def private_segment(path):
    return any(s.startswith("_") and not is_dunder(s) for s in path.split("."))


def import_prefix(parts):
    """The longest importable module prefix of a dotted path: (module, number of parts)."""
    for i in range(len(parts), 0, -1):
        try:
            return importlib.import_module(".".join(parts[:i])), i
        except ImportError:
            continue
    raise Unresolved(f"no importable module in `{'.'.join(parts)}`")


def static_member(cls, name):
    """A class member without calling descriptors (a property stays a property)."""
    try:
        return inspect.getattr_static(cls, name)
    except AttributeError:
        return MISSING


def resolve(path):
    """(owner, name, value) of a dotted path; value is MISSING for a member not on the class."""
    parts = path.split(".")
    value, i = import_prefix(parts)
    owner, name = None, parts[i - 1]
    for j, name in enumerate(parts[i:], start=i):
        owner = value
        if isinstance(owner, type):
            value = static_member(owner, name)
            if value is MISSING:
                if j == len(parts) - 1:
                    return owner, name, MISSING
                raise Unresolved(f"`{'.'.join(parts[:j])}` has no member `{name}`")
        else:
            try:
                value = getattr(owner, name)
            except AttributeError as exc:
                raise Unresolved(f"`{'.'.join(parts[:j])}` has no attribute `{name}`") from exc
    return owner, name, value


class Runtime:
    def __init__(self):
        self.ann = importlib.import_module("dagster._annotations")

    def call(self, name, *args, default=None):
        fn = getattr(self.ann, name, None)
        if fn is None:
            return default
        try:
            return fn(*args)
        except Exception:
            return default

    def flag(self, name, obj):
        return bool(self.call(name, obj, default=False))

    def is_public(self, obj):
        if hasattr(self.ann, "is_public"):
            return self.flag("is_public", obj)
        try:  # versions without is_public: the same check, by hand
            return bool(getattr(annotation_target(obj), "_is_public", False))
        except Exception:
            return False

    def params(self, obj, statuses):
        """Marked parameters of a callable: {name: info} over the given statuses."""
        out = {}
        for status in statuses:
            if self.flag(f"has_{status}_params", obj):
                out.update(dict(self.call(f"get_{status}_params", obj) or {}))
        return out


def table_entry(owner, name, table):
    """The entry for `name` in a module's `_DEPRECATED...` table, if any."""
    if not inspect.ismodule(owner):
        return None
    return dict(vars(owner).get(table, {}) or {}).get(name)


def norm(version):
    return None if version in (None, "") else str(version)


def public_field(cls, name):
    for klass in getattr(cls, "__mro__", ()):
        annot = dict(vars(klass).get("__annotations__", {}) or {}).get(name)
        if annot is not None and is_public_attr(annot):
            return True
    return False


def check(rt, code, symbol, parameter, finding):
    """(agrees, ours, runtime) for one group of findings."""
    if code == "DAG003":
        try:
            owner, name, value = resolve(symbol)
        except Unresolved as exc:
            return True, "missing", f"missing ({exc})"
        if table_entry(owner, name, "_DEPRECATED_WITH_ERROR") is not None:
            return True, "missing", "_DEPRECATED_WITH_ERROR"
        return value is MISSING, "missing", "missing" if value is MISSING else "exists"

    if code == "DAG201":
        return check_private(symbol, finding["message"])

    owner, name, value = resolve(symbol)
    if code in ("DAG202", "DAG203"):
        if isinstance(owner, type):
            if value is MISSING:
                public = public_field(owner, name)
                return not public, "not public", f"instance attribute, PublicAttr={public}"
            public = rt.is_public(value) or public_field(owner, name)
            return not public, "not public", f"is_public={public}"
        hint = HINT.search(finding["message"])
        if hint:
            same = resolve(hint.group(1))[2] is value
            return same, f"not public, public {hint.group(1)}", f"same object={same}"
        return True, "not public", "resolves"
    if value is MISSING:
        raise Unresolved(f"`{symbol}` is not on the class (an instance attribute)")

    if code in ("DAG002", "DAG102"):
        statuses = ["deprecated"] if code == "DAG002" else ["beta", "experimental"]
        marked = rt.params(value, statuses)
        if parameter not in marked:
            return False, f"{statuses[0]} parameter", f"not in get_{statuses[0]}_params"
        ours = f"breaking={norm(finding['breaking_version'])}"
        theirs = f"breaking={norm(getattr(marked[parameter], 'breaking_version', None))}"
        if code == "DAG102":
            return True, statuses[0], statuses[0]
        return ours == theirs, ours, theirs

    if code == "DAG001":
        entry = table_entry(owner, name, "_DEPRECATED") or table_entry(
            owner, name, "_DEPRECATED_WARNING"
        )
        if entry is not None:
            breaking = norm(entry[1])
        elif rt.flag("is_deprecated", value):
            breaking = norm(getattr(rt.call("get_deprecated_info", value), "breaking_version", None))
        else:
            return False, "deprecated", "not deprecated"
        ours = f"deprecated breaking={norm(finding['breaking_version'])}"
        return ours == f"deprecated breaking={breaking}", ours, f"deprecated breaking={breaking}"

    if code == "DAG101":
        beta = rt.flag("is_beta", value) or rt.flag("is_experimental", value)
        return beta, "beta", "beta" if beta else "not beta"
    if code == "DAG103":
        preview = rt.flag("is_preview", value) or "preview" in symbol.split(".")
        return preview, "preview", "preview" if preview else "not preview"
    if code == "DAG104":
        superseded = rt.flag("is_superseded", value)
        return superseded, "superseded", "superseded" if superseded else "not superseded"
    raise Unresolved(f"no runtime check for {code}")


def check_private(symbol, message):
    alias = ALIAS.search(message)
    if alias:
        same = importlib.import_module(alias.group(1)) is importlib.import_module(alias.group(2))
        return same, "alias of a private module", f"same module={same}"
    if not private_segment(symbol):
        return False, "private", "no private segment"
    hint = HINT.search(message)
    try:
        owner, name, value = resolve(symbol)
    except Unresolved:
        if hint:
            raise
        # Code that supports several dagster versions imports paths that only some have.
        return True, "private", "private, absent from this version"
    if value is MISSING:  # a private member set on instances: the private name is the check
        return True, "private", "private instance attribute"
    if hint:
        _, _, public = resolve(hint.group(1))
        same = public is value
        return same, f"private, public {hint.group(1)}", f"same object={same}"
    # No public path named: the top-level module must not export the object under its name.
    top = importlib.import_module(symbol.split(".")[0])
    exported = getattr(top, name, MISSING) is value and not inspect.ismodule(value)
    where = f"{top.__name__}.{name}"
    return not exported, "private, no public path", f"exported as {where}" if exported else "not exported"


def load_known(path):
    known = {}
    if not os.path.exists(path):
        return known
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 5:
                raise SystemExit(f"{path}: malformed line: {line!r}")
            reason = cols[5] if len(cols) > 5 else ""
            known[tuple(cols[:5])] = reason
    return known


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", required=True)
    parser.add_argument("--known", required=True)
    parser.add_argument("--write-known", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    with open(args.findings) as f:
        findings = json.load(f)
    groups = collections.OrderedDict()
    for finding in findings:
        if not finding["code"].startswith("DAG") or finding["code"] == "DAG301":
            continue
        key = (finding["code"], finding["symbol"], finding["parameter"])
        groups.setdefault(key, []).append(finding)

    rt = Runtime()
    per_code = collections.defaultdict(lambda: [0, 0, 0, 0])  # groups, findings, agree groups, agree findings
    differences = {}
    for (code, symbol, parameter), members in groups.items():
        try:
            agrees, ours, theirs = check(rt, code, symbol, parameter, members[0])
        except Unresolved as exc:
            agrees, ours, theirs = False, "resolves", f"unresolved: {exc}"
        except Exception as exc:  # an import that fails for another reason
            agrees, ours, theirs = False, "resolves", f"error: {type(exc).__name__}: {exc}"
        stats = per_code[code]
        stats[0] += 1
        stats[1] += len(members)
        if agrees:
            stats[2] += 1
            stats[3] += len(members)
        else:
            key = (code, symbol, parameter or "-", ours, theirs)
            differences[key] = members

    known = load_known(args.known)
    if args.write_known:
        with open(args.known, "w") as f:
            f.write("# code\tsymbol\tparameter\tours\truntime\treason\n")
            for key in sorted(differences):
                f.write("\t".join(key + (known.get(key) or "TODO",)) + "\n")
        known = load_known(args.known)

    total = [sum(s[i] for s in per_code.values()) for i in range(4)]
    for code in sorted(per_code):
        g, n, ag, an = per_code[code]
        print(f"{code}: {ag}/{g} symbols agree ({an}/{n} findings)")
    print(f"all: {total[2]}/{total[0]} symbols agree ({total[3]}/{total[1]} findings); "
          f"{len(differences)} differences, {sum(1 for k in differences if k in known)} known")

    failed = False
    for key, members in sorted(differences.items()):
        where = f"{members[0]['filename']}:{members[0]['location']['row']}"
        if key not in known:
            failed = True
            print("UNLISTED\t" + "\t".join(key) + f"\t(at {where}, {len(members)} findings)")
        elif known[key].strip() in ("", "TODO"):
            failed = True
            print("NO REASON\t" + "\t".join(key))
    for key in sorted(set(known) - set(differences)):
        failed = True
        print("STALE\t" + "\t".join(key))
    if failed:
        sys.exit(1)
    print("PASS")


if __name__ == "__main__":
    main()
