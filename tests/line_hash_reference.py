#!/usr/bin/env python3
"""Independent reference for `primaryLocationLineHash` (src/report/line_hash.rs).

Written from the description of the fingerprint that GitHub's SARIF upload action computes,
not from its code, and in a different form than the Rust implementation: instead of a rolling
hash, each line's value is computed directly as a polynomial over its window.

Description: read the file as UTF-8 and take its UTF-16 code units. Drop spaces and tabs, and
a line feed that directly follows a carriage return (any dropped character also ends the
"directly follows" condition); turn each remaining carriage return into a line feed. Append an
end marker 65535 and then 100 zeros. A line starts at the first kept character and after each
kept line feed. A line's window is the 100 kept characters starting at its first one, and its
hash is sum(window[i] * 37**(99 - i)) mod 2**64, written in lowercase hex without leading
zeros. The fingerprint is "<hash>:<n>", n counting the lines so far (in order) with that hash.

Usage: python3 tests/line_hash_reference.py [FILE]   (default tests/data/line_hash_input.txt)
Prints one fingerprint per line; its output is tests/data/line_hash_expected.txt.
"""

import sys
from pathlib import Path

WINDOW = 100
MASK = (1 << 64) - 1


def code_units(text):
    data = text.encode("utf-16-le", "surrogatepass")
    return [int.from_bytes(data[i : i + 2], "little") for i in range(0, len(data), 2)]


def kept_characters(units):
    kept = []
    previous_cr = False
    for c in units:
        if c in (0x20, 0x09) or (previous_cr and c == 0x0A):
            previous_cr = False
            continue
        previous_cr = c == 0x0D
        kept.append(0x0A if c == 0x0D else c)
    return kept


def fingerprints(text):
    chars = kept_characters(code_units(text)) + [65535]
    starts = []
    at_line_start = True
    for position, c in enumerate(chars):
        if at_line_start:
            starts.append(position)
            at_line_start = False
        if c == 0x0A:
            at_line_start = True
    padded = chars + [0] * WINDOW
    seen = {}
    out = []
    for start in starts:
        window = padded[start : start + WINDOW]
        value = sum(c * pow(37, WINDOW - 1 - i, 1 << 64) for i, c in enumerate(window)) & MASK
        key = format(value, "x")
        seen[key] = seen.get(key, 0) + 1
        out.append(f"{key}:{seen[key]}")
    return out


def main():
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "data" / "line_hash_input.txt"
    text = path.read_bytes().decode("utf-8", "replace")
    for fingerprint in fingerprints(text):
        print(fingerprint)


if __name__ == "__main__":
    main()
