"""Compare our static catalog with the runtime oracle (oracle.py) and check known differences.

Usage:

    python compare.py --catalog CATALOG.jsonl --oracle ORACLE.jsonl \\
        --extra-names EXTRA.json --known KNOWN.tsv [--write-known]

CATALOG.jsonl comes from `dagster-api-lint catalog show --format json-lines`, ORACLE.jsonl
and EXTRA.json from `oracle.py PACKAGE --extra-names EXTRA.json`. Rows are compared in
three groups:

  top-level   `pkg.Name` rows: same name set (oracle names listed in EXTRA.json, i.e.
              incidental imports, are ignored when the catalog lacks them) and, for names
              on both sides, same markers and breaking_version.
  members     `pkg.Class.member` rows: same public, markers and breaking_version.
  parameters  rows with a parameter: same markers and breaking_version.
  hints       rows of the three groups on both sides where the runtime shows a hint
              (`additional_warn_text`): the catalog shows the same text.

Members and parameters are only compared under top-level names that both sides have (a
missing class is reported once, at top level); this also skips the catalog's submodule
namespaces such as `dagster.components.X`, which the oracle does not list; catalog
top-level rows of kind "module" (`dagster.components`) are skipped unless the oracle has them.

Every difference must be listed in KNOWN.tsv, one per line:

    kind<TAB>symbol<TAB>parameter-or-dash<TAB>catalog-value<TAB>oracle-value<TAB>reason

(lines starting with `#` are comments; matching ignores the reason). Exit status 1 when a
difference is unlisted or its reason is empty or `TODO`, when a listed difference no longer
occurs (stale), or when member or parameter agreement is below 99.5%; otherwise prints PASS.
--write-known rewrites KNOWN.tsv with the current differences, keeping existing reasons and
putting TODO on new ones, then checks as usual.
"""

import argparse
import json
import os
import sys

MIN_AGREEMENT = 99.5


def load_rows(path, package=None):
    rows = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                if package is None or row["symbol"].split(".")[0] == package:
                    rows[(row["symbol"], row["parameter"])] = row
    return rows


def depth(symbol):
    return symbol.count(".")


def top_name(symbol):
    return ".".join(symbol.split(".")[:2])


def value(row, fields):
    """Text for a row in KNOWN.tsv: the compared fields, or `absent`."""
    if row is None:
        return "absent"
    parts = []
    if "public" in fields:
        parts.append(f"public={str(bool(row['public'])).lower()}")
    parts.append("markers=[" + ",".join(sorted(row["markers"])) + "]")
    parts.append(f"breaking={row['breaking_version'] or '-'}")
    return " ".join(parts)


def diff_group(kind, cat, orc, fields):
    """Compare two {key: row} dicts; return (agreeing count, total, differences)."""
    diffs = []
    agree = 0
    for key in sorted(set(cat) | set(orc), key=lambda k: (k[0], k[1] or "")):
        c, o = cat.get(key), orc.get(key)
        cv, ov = value(c, fields), value(o, fields)
        if cv == ov:
            agree += 1
        else:
            diffs.append((kind, key[0], key[1] or "-", cv, ov))
    return agree, agree + len(diffs), diffs


def diff_hints(cat, orc):
    """Every hint the runtime shows (`additional_warn_text`) on a row both sides have must be
    the catalog's hint, word for word."""
    diffs = []
    agree = 0
    for key in sorted(set(cat) & set(orc), key=lambda k: (k[0], k[1] or "")):
        want = orc[key]["message"]
        if want is None:
            continue
        got = cat[key]["message"]
        if got == want:
            agree += 1
        else:
            diffs.append(("hint", key[0], key[1] or "-", json.dumps(got), json.dumps(want)))
    return agree, agree + len(diffs), diffs


def read_known(path):
    known = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.rstrip("\n")
                if not line.strip() or line.startswith("#"):
                    continue
                cols = line.split("\t", 5)
                cols += [""] * (6 - len(cols))
                known[tuple(cols[:5])] = cols[5].strip()
    return known


def write_known(path, diffs, known):
    with open(path, "w") as f:
        f.write("# kind\tsymbol\tparameter\tcatalog\toracle\treason\n")
        for d in diffs:
            f.write("\t".join(d + (known.get(d) or "TODO",)) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--catalog", required=True)
    ap.add_argument("--oracle", required=True)
    ap.add_argument("--extra-names", required=True)
    ap.add_argument("--known", required=True)
    ap.add_argument("--write-known", action="store_true")
    args = ap.parse_args()

    orc = load_rows(args.oracle)
    packages = {s.split(".")[0] for s, _ in orc}
    if len(packages) != 1:
        sys.exit(f"compare: oracle must cover exactly one package, got {sorted(packages)}")
    package = packages.pop()
    cat = load_rows(args.catalog, package)
    with open(args.extra_names) as f:
        extra = {f"{package}.{n}" for n in json.load(f)}

    def top(rows):
        return {k: r for k, r in rows.items() if k[1] is None and depth(k[0]) == 1}

    cat_top, orc_top = top(cat), top(orc)
    # Submodule namespace rows (kind "module") count only if the oracle has them too.
    cat_top = {k: r for k, r in cat_top.items() if r.get("kind") != "module" or k in orc_top}
    ignored = {k for k in orc_top if k[0] in extra and k not in cat_top}
    orc_top = {k: r for k, r in orc_top.items() if k not in ignored}
    shared = {s for s, _ in cat_top} & {s for s, _ in orc_top}

    def members(rows):
        return {k: r for k, r in rows.items()
                if k[1] is None and depth(k[0]) == 2 and top_name(k[0]) in shared}

    def params(rows):
        return {k: r for k, r in rows.items()
                if k[1] is not None and depth(k[0]) in (1, 2) and top_name(k[0]) in shared}

    groups = [
        ("top-level", diff_group("top-level", cat_top, orc_top, ())),
        ("members", diff_group("member", members(cat), members(orc), ("public",))),
        ("parameters", diff_group("parameter", params(cat), params(orc), ())),
    ]
    compared = {**cat_top, **members(cat), **params(cat)}
    groups.append(("hints", diff_hints(compared, orc)))
    failures = []
    diffs = []
    for label, (agree, total, group_diffs) in groups:
        pct = 100.0 * agree / total if total else 100.0
        note = ""
        if label == "top-level":
            both = set(cat_top) & set(orc_top)
            same = sum(1 for k in both if value(cat_top[k], ()) == value(orc_top[k], ()))
            note = (f" (status of names on both sides: {same}/{len(both)};"
                    f" {len(ignored)} incidental imports ignored)")
        print(f"{label}: {agree}/{total} agree ({pct:.2f}%){note}")
        if label in ("members", "parameters") and pct < MIN_AGREEMENT:
            failures.append(f"{label} agreement {pct:.2f}% < {MIN_AGREEMENT}%")
        diffs += group_diffs

    known = read_known(args.known)
    if args.write_known:
        write_known(args.known, diffs, known)
        known = read_known(args.known)
        print(f"wrote {args.known} ({len(diffs)} differences)")

    if diffs:
        print("\ndifferences (kind, symbol, parameter, catalog, oracle, reason):")
    for d in diffs:
        reason = known.get(d)
        if reason is None:
            failures.append(f"unlisted difference: {' | '.join(d)}")
        elif reason in ("", "TODO"):
            failures.append(f"difference without a reason: {' | '.join(d)}")
        print("  " + "\t".join(d + (reason if reason is not None else "<NOT IN KNOWN>",)))
    for k in sorted(set(known) - set(diffs)):
        failures.append(f"stale entry in {args.known}: {' | '.join(k)}")

    if failures:
        print("\nFAIL")
        for msg in failures:
            print("  " + msg)
        sys.exit(1)
    print("PASS")


if __name__ == "__main__":
    main()
