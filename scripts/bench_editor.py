#!/usr/bin/env python3
"""Timings for scripts/bench-editor (see there): CLI on stdin against ruff, and the server.

CLI: each run is a fresh process, timed from spawn to exit with the file on stdin, output
discarded. Server: a minimal LSP client opens the file, then times each didChange (one
character typed or deleted in a comment, as in an editor) until the publishDiagnostics of that
version arrives, and each hover.
"""

import argparse
import json
import os
import statistics
import subprocess
import time
from pathlib import Path


def run_times(command, cwd, source, runs, warmup=3):
    """Wall-clock seconds of `runs` runs of `command` with `source` on stdin."""
    times = []
    for i in range(warmup + runs):
        with open(source, "rb") as stdin:
            start = time.perf_counter()
            subprocess.run(
                command, cwd=cwd, stdin=stdin,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
            )
            elapsed = time.perf_counter() - start
        if i >= warmup:
            times.append(elapsed)
    return times


def describe(times):
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return (f"median {statistics.median(times) * 1e3:6.2f} ms   min {ordered[0] * 1e3:6.2f} ms"
            f"   p90 {p90 * 1e3:6.2f} ms   (n={len(times)})")


def findings(command, cwd, source):
    with open(source, "rb") as stdin:
        out = subprocess.run(command, cwd=cwd, stdin=stdin, capture_output=True, check=False)
    return out.stdout.decode()


class Lsp:
    """Just enough of an LSP client to time the server."""

    def __init__(self, command, cwd):
        self.process = subprocess.Popen(
            command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.next_id = 1

    def send(self, message):
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self):
        length = 0
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise EOFError("the server closed its output")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.process.stdout.read(length))

    def request(self, method, params):
        request_id = self.next_id
        self.next_id += 1
        self.send({"id": request_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == request_id and "method" not in message:
                return message

    def diagnostics(self, uri, version):
        while True:
            message = self.receive()
            params = message.get("params", {})
            if (message.get("method") == "textDocument/publishDiagnostics"
                    and params.get("uri") == uri and params.get("version") == version):
                return params["diagnostics"]

    def close(self):
        self.request("shutdown", None)
        self.send({"method": "exit"})
        self.process.wait(timeout=10)


def server_latency(binary, project, relative, runs):
    path = Path(project) / relative
    uri = path.resolve().as_uri()
    text = path.read_text()
    lines = text.splitlines()
    # Type into the first comment line, as a user would.
    line = next(i for i, l in enumerate(lines) if l.lstrip().startswith("#"))
    column = len(lines[line])
    server = Lsp([binary, "server"], project)
    start = time.perf_counter()
    server.request("initialize", {"processId": os.getpid(), "rootUri": Path(project).resolve().as_uri(),
                                  "capabilities": {}})
    server.send({"method": "initialized", "params": {}})
    server.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": text}}})
    opened = server.diagnostics(uri, 1)
    startup = time.perf_counter() - start
    changes = []
    for version in range(2, 2 + 3 + runs):
        typed = version % 2 == 0  # type a character, then delete it
        edit = {"range": {"start": {"line": line, "character": column},
                          "end": {"line": line, "character": column if typed else column + 1}},
                "text": "x" if typed else ""}
        begin = time.perf_counter()
        server.send({"method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [edit]}})
        server.diagnostics(uri, version)
        changes.append(time.perf_counter() - begin)
    hovers = []
    target = next(i for i, l in enumerate(lines) if "SourceAsset(" in l)
    character = lines[target].index("SourceAsset(") + 2
    for _ in range(3 + runs):
        begin = time.perf_counter()
        server.request("textDocument/hover", {"textDocument": {"uri": uri},
                                              "position": {"line": target, "character": character}})
        hovers.append(time.perf_counter() - begin)
    server.close()
    return startup, len(opened), changes[3:], hovers[3:]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--project", required=True)
    parser.add_argument("--file", required=True, help="path of the file inside the project")
    parser.add_argument("--ours", required=True)
    parser.add_argument("--ruff", required=True)
    args = parser.parse_args()
    source = Path(args.project) / args.file
    print(f"== {args.file}: {len(source.read_text().splitlines())} lines, {args.runs} runs each")

    ours = [args.ours, "check", "--stdin-filename", args.file, "--output-format", "concise", "-"]
    ruff = [args.ruff, "check", "--no-cache", "--stdin-filename", args.file,
            "--output-format", "concise", "-"]
    ours_found = findings(ours, args.project, source).count(args.file + ":")
    ruff_found = findings(ruff, args.project, source).count(args.file + ":")
    print(f"findings: dagster-api-lint {ours_found}, ruff (TID251) {ruff_found}")

    ours_times = run_times(ours, args.project, source, args.runs)
    ruff_times = run_times(ruff, args.project, source, args.runs)
    print(f"dagster-api-lint check --stdin-filename  {describe(ours_times)}")
    print(f"ruff check --stdin-filename (TID251)     {describe(ruff_times)}")
    ratio = statistics.median(ours_times) / statistics.median(ruff_times)
    print(f"ratio (ours / ruff, medians): {ratio:.2f}")

    startup, opened, changes, hovers = server_latency(args.ours, args.project, args.file, args.runs)
    print(f"server: start-up to first diagnostics {startup * 1e3:.1f} ms ({opened} diagnostics)")
    print(f"server: didChange -> publishDiagnostics  {describe(changes)}")
    print(f"server: hover                            {describe(hovers)}")


if __name__ == "__main__":
    main()
