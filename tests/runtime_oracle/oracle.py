"""Runtime oracle: ask an installed dagster package for the stability status of its API.

Imports PACKAGE (e.g. `dagster`, `dagster_dbt`) and queries dagster's own runtime
introspection (`dagster._annotations`: is_beta, is_deprecated, get_deprecated_params, ...)
for every top-level export, every member of every exported class, and every annotated
parameter. The result is the "truth" our statically built catalog is checked against
(see compare.py).

Usage (with the Python of a venv where PACKAGE is installed, see scripts/oracle-venv):

    python oracle.py PACKAGE [--extra-names FILE] > PACKAGE.jsonl

Prints one JSON object per line, sorted by (symbol, parameter) with parameter null first:

    {"symbol", "parameter", "kind", "public", "markers", "breaking_version", "message"}

--extra-names FILE writes a JSON list of exported names whose value comes from outside the
dagster family of packages (incidental imports); they are still reported as rows.
Errors on one symbol are reported on stderr and do not stop the run.
"""

import argparse
import importlib
import inspect
import json
import sys
import types
import typing
import warnings

# (marker, is_X, get_X_info) in the order used to pick the message.
STATUS_FUNCS = [
    ("deprecated", "is_deprecated", "get_deprecated_info"),
    ("superseded", "is_superseded", "get_superseded_info"),
    ("beta", "is_beta", "get_beta_info"),
    ("experimental", "is_experimental", "get_experimental_info"),
    ("preview", "is_preview", "get_preview_info"),
]
PARAM_FUNCS = [
    ("deprecated", "has_deprecated_params", "get_deprecated_params"),
    ("beta", "has_beta_params", "get_beta_params"),
    ("experimental", "has_experimental_params", "get_experimental_params"),
]
OWN_PREFIXES = ("dagster", "dagster_shared", "dagster_pipes")


def annotation_target(obj):
    """Same rule as dagster._annotations._get_annotation_target."""
    if isinstance(obj, property):
        return obj.fget
    if isinstance(obj, (staticmethod, classmethod)):
        return obj.__func__
    return obj


def accepted_params(target):
    """Names of the parameters a callable (a class: its __init__) accepts, or None if unknown
    or it takes **kwargs."""
    try:
        sig = inspect.signature(target.__init__ if isinstance(target, type) else target)
    except (TypeError, ValueError):
        return None
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in sig.parameters.values()):
        return None
    return set(sig.parameters)


def opt_str(value):
    return None if value is None else str(value)


class Oracle:
    def __init__(self, package):
        self.package = package
        self.ann = importlib.import_module("dagster._annotations")
        self.rows = {}  # (symbol, parameter) -> row

    def call(self, fname, *args, default=None):
        fn = getattr(self.ann, fname, None)
        if fn is None:
            return default
        try:
            return fn(*args)
        except Exception:
            return default

    def is_public(self, obj):
        if hasattr(self.ann, "is_public"):
            return bool(self.call("is_public", obj, default=False))
        try:  # dagster versions without is_public: same check, done by hand
            return bool(getattr(annotation_target(obj), "_is_public", False))
        except Exception:
            return False

    def status(self, obj):
        """Return (markers, breaking_version, message) of an object."""
        # dagster up to 1.3 unwraps only properties (`_get_target`), so it answers False for a
        # `@staticmethod` over an `@experimental` function, whose calls still warn: unwrap here
        # as later releases do (the same answer there).
        obj = annotation_target(obj)
        infos = {}
        for marker, is_fn, get_fn in STATUS_FUNCS:
            if self.call(is_fn, obj, default=False):
                infos[marker] = self.call(get_fn, obj)
        breaking = None
        if "deprecated" in infos:
            breaking = opt_str(getattr(infos["deprecated"], "breaking_version", None))
        message = None
        for marker, _, _ in STATUS_FUNCS:
            if infos.get(marker) is not None:
                message = opt_str(getattr(infos[marker], "additional_warn_text", None))
                break
        return sorted(infos), breaking, message

    def add(self, symbol, kind, public, markers, breaking=None, message=None, parameter=None):
        self.rows[(symbol, parameter)] = {
            "symbol": symbol, "parameter": parameter, "kind": kind, "public": public,
            "markers": sorted(markers), "breaking_version": breaking, "message": message,
        }

    def add_object(self, symbol, kind, public, obj):
        markers, breaking, message = self.status(obj)
        self.add(symbol, kind, public, markers, breaking, message)
        self.add_params(symbol, public, obj)

    def add_params(self, symbol, public, obj):
        target = annotation_target(obj)
        if isinstance(target, type):
            # `@beta_param` above `def __init__` marks the function, not the class, but the
            # runtime warns on `Class(param=...)`: the constructor's parameters are the class's.
            for ctor in ("__init__", "__new__"):
                fn = getattr(target, ctor, None)
                if inspect.isfunction(fn):
                    self.add_params_of(symbol, public, fn, accepted_params(target))
        # Parameters belong to callables. An instance (an IOManagerDefinition value, a typing
        # alias) answers get_*_params with its class's __init__ parameters through attribute
        # lookup; those are not parameters of the instance, so they are not reported.
        if not (isinstance(target, type) or inspect.isroutine(target)):
            return
        self.add_params_of(symbol, public, obj, accepted_params(target))

    def add_params_of(self, symbol, public, obj, accepted):
        for marker, has_fn, get_fn in PARAM_FUNCS:
            if not self.call(has_fn, obj, default=False):
                continue
            for param, info in dict(self.call(get_fn, obj) or {}).items():
                # dagster stores a class's marked parameters in a dict that subclasses inherit
                # and then write into, so a base class can report a subclass's parameters.
                # Keep only what the callable accepts (hidden params arrive through **kwargs).
                if accepted is not None and param not in accepted and not getattr(info, "hidden", False):
                    continue
                key = (symbol, param)
                if key in self.rows:  # same param under several annotations
                    row = self.rows[key]
                    row["markers"] = sorted(set(row["markers"]) | {marker})
                else:
                    self.add(symbol, "parameter", public, [marker], None,
                             opt_str(getattr(info, "additional_warn_text", None)), param)
                if marker == "deprecated":
                    self.rows[key]["breaking_version"] = opt_str(
                        getattr(info, "breaking_version", None))

    def add_class_members(self, csym, cls):
        # An enum's aliases (`PIPELINE_START = RUN_START`) are missing from dir() but are
        # members all the same (`__members__` lists them).
        names = set(dir(cls)) | set(getattr(cls, "__members__", None) or ())
        for name in sorted(names):
            if name.startswith("__") and name.endswith("__") and name not in ("__init__", "__new__"):
                continue
            try:
                try:
                    obj = inspect.getattr_static(cls, name)
                except AttributeError:
                    obj = getattr(cls, name)
                public = self.is_public(obj)
                if public or self.status(obj)[0]:
                    self.add_object(f"{csym}.{name}", member_kind(obj), public, obj)
                else:  # a plain member can still have marked parameters
                    self.add_params(f"{csym}.{name}", public, obj)
            except Exception as exc:
                warn_error(f"{csym}.{name}", exc)
        for klass in cls.__mro__:
            if klass is object:
                continue
            for field, annot in dict(vars(klass).get("__annotations__", {})).items():
                if not is_public_attr(annot):
                    continue
                key = (f"{csym}.{field}", None)
                if key in self.rows:
                    self.rows[key]["public"] = True
                else:
                    self.add(key[0], "attribute", True, [])

    def guarded(self, name, work):
        try:
            work()
        except Exception as exc:
            warn_error(f"{self.package}.{name}", exc)

    def add_export(self, name, value):
        symbol = f"{self.package}.{name}"
        self.add_object(symbol, value_kind(value), True, value)
        if isinstance(value, type):
            self.add_class_members(symbol, value)

    def run(self):
        pkg = importlib.import_module(self.package)
        ns = vars(pkg)
        for name, value in list(ns.items()):
            if name.startswith("_") or isinstance(value, types.ModuleType):
                continue
            self.guarded(name, lambda: self.add_export(name, value))
        # Deprecated aliases served by the package's module __getattr__: read the dicts only.
        # (_DEPRECATED_WARNING is dagster_dbt's variant of _DEPRECATED, same tuple shape.)
        for dict_name in ("_DEPRECATED", "_DEPRECATED_WARNING"):
            for name, entry in dict(ns.get(dict_name, {})).items():
                self.guarded(name, lambda: self.add(
                    f"{self.package}.{name}", lookup_kind(entry[0], name), True,
                    ["deprecated"], opt_str(entry[1]), opt_str(entry[2])))
        for name, entry in dict(ns.get("_DEPRECATED_RENAMED", {})).items():
            # The package's __getattr__ warns with f"Use `{name}` instead." (name = the old name).
            self.guarded(name, lambda: self.add(
                f"{self.package}.{name}", value_kind(entry[0]), True,
                ["deprecated"], opt_str(entry[1]), f"Use `{name}` instead."))
            # The old name is the same class: its members are reachable through it.
            if isinstance(entry[0], type):
                self.guarded(name, lambda: self.add_class_members(
                    f"{self.package}.{name}", entry[0]))
        for name, entry in dict(ns.get("_DEPRECATED_WITH_ERROR", {})).items():
            text = entry[-1] if isinstance(entry, tuple) else entry
            self.add(f"{self.package}.{name}", "value", True, ["removed"], None, opt_str(text))
        return pkg

    def extra_names(self, pkg):
        prefixes = (self.package,) + OWN_PREFIXES
        extra = []
        for name, value in vars(pkg).items():
            if name.startswith("_") or isinstance(value, types.ModuleType):
                continue
            if isinstance(value, type) or inspect.isroutine(value):
                module = getattr(value, "__module__", None) or ""
            else:
                module = type(value).__module__ or ""
            if not any(module == p or module.startswith(p + ".") for p in prefixes):
                extra.append(name)
        return sorted(extra)


def warn_error(symbol, exc):
    print(f"oracle: {symbol}: {type(exc).__name__}: {exc}", file=sys.stderr)


def value_kind(value):
    if isinstance(value, type):
        return "class"
    if isinstance(value, types.ModuleType):
        return "module"
    if inspect.isroutine(value):
        return "function"
    return "value"


def lookup_kind(module, name):
    try:
        return value_kind(getattr(importlib.import_module(module), name))
    except Exception:
        return "value"


def member_kind(obj):
    if isinstance(obj, property):
        return "property"
    if isinstance(obj, classmethod):
        return "classmethod"
    if isinstance(obj, staticmethod):
        return "staticmethod"
    if inspect.isfunction(obj):
        return "method"
    return "attribute"


def is_public_attr(annot):
    if isinstance(annot, str):
        return annot.startswith("PublicAttr[")
    try:
        return typing.get_origin(annot) is typing.Annotated and "public" in annot.__metadata__
    except Exception:
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package")
    parser.add_argument("--extra-names", metavar="FILE")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    oracle = Oracle(args.package)
    pkg = oracle.run()
    for key in sorted(oracle.rows, key=lambda k: (k[0], k[1] is not None, k[1] or "")):
        print(json.dumps(oracle.rows[key], sort_keys=True))
    if args.extra_names:
        with open(args.extra_names, "w") as f:
            json.dump(oracle.extra_names(pkg), f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
