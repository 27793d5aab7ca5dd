"""Runs the shell steps of a composite action (action.yml) the way the GitHub runner does.

usage: run_action.py ACTION_YML RESULT_JSON [INPUT=VALUE ...]

The caller provides the runner's environment (GITHUB_WORKSPACE, RUNNER_TEMP, RUNNER_OS, ...).
For each step: `if` is evaluated, `${{ }}` expressions in `env`, `with` and
`working-directory` are expanded (inputs, github.action_path, steps.<id>.outputs.<name>),
`run` steps are run with `bash --noprofile --norc -eo pipefail FILE` (the runner's `shell:
bash`) with GITHUB_OUTPUT / GITHUB_ENV / GITHUB_PATH / GITHUB_STEP_SUMMARY files, and `uses`
steps are recorded with their expanded `with`, not run. With RUN_ACTION_SHELLCHECK=PATH each
script is first checked with that shellcheck (a warning fails the job). A failing step stops the job as on
the runner (later steps only run under `always()`/`failure()`). RESULT_JSON receives
{"steps": [...], "outputs": {...}, "failed": bool}.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def main() -> int:
    action_path, result_path, *pairs = sys.argv[1:]
    with open(action_path, encoding="utf-8") as f:
        action = yaml.safe_load(f)
    assert action["runs"]["using"] == "composite", "not a composite action"
    inputs = {name: str(spec.get("default", "")) for name, spec in action.get("inputs", {}).items()}
    for pair in pairs:
        name, _, value = pair.partition("=")
        assert name in inputs, f"unknown input {name}"
        inputs[name] = value
    env = dict(os.environ)
    env["GITHUB_ACTION_PATH"] = os.path.dirname(os.path.abspath(action_path))
    workspace = env["GITHUB_WORKSPACE"]
    files = tempfile.mkdtemp(prefix="runner-files-", dir=env["RUNNER_TEMP"])
    steps: dict[str, dict[str, str]] = {}
    ran = []
    failed = False

    def value(expr: str) -> str:
        if expr.startswith("inputs."):
            return inputs[expr[len("inputs.") :]]
        if expr == "github.action_path":
            return env["GITHUB_ACTION_PATH"]
        if expr == "github.workspace":
            return workspace
        m = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        if m:
            return steps.get(m.group(1), {}).get(m.group(2), "")
        raise AssertionError(f"expression not supported by this harness: {expr}")

    def expand(text: str) -> str:
        return EXPR.sub(lambda m: value(m.group(1)), str(text))

    def condition(expr: str | None) -> bool:
        if expr is None:
            return not failed
        expr = EXPR.sub(lambda m: m.group(1), str(expr)).strip()
        status = {"always()": "True", "success()": str(not failed), "failure()": str(failed)}
        explicit = any(s in expr for s in status)
        py = expr
        for k, v in status.items():
            py = py.replace(k, v)
        py = re.sub(
            r"(inputs\.[\w-]+|steps\.[\w-]+\.outputs\.[\w-]+|github\.[\w_]+)",
            lambda m: repr(value(m.group(1))),
            py,
        )
        py = py.replace("&&", " and ").replace("||", " or ")
        py = re.sub(r"!(?!=)", " not ", py)
        result = bool(eval(py, {"__builtins__": {}}, {"True": True, "False": False}))
        return result if explicit else result and not failed

    def read_pairs(path: str) -> dict[str, str]:
        out = {}
        with open(path, encoding="utf-8") as f:
            for line in f.read().splitlines():
                if "=" in line:
                    k, _, v = line.partition("=")
                    out[k] = v
        return out

    for index, step in enumerate(action["runs"]["steps"]):
        sid = step.get("id", f"__step{index}")
        record = {"id": sid, "name": step.get("name", sid)}
        if not condition(step.get("if")):
            record["skipped"] = True
            ran.append(record)
            continue
        if "uses" in step:
            record["uses"] = step["uses"]
            record["with"] = {k: expand(v) for k, v in step.get("with", {}).items()}
            ran.append(record)
            continue
        assert step.get("shell") == "bash", f"step {sid}: only `shell: bash` is supported"
        paths = {k: os.path.join(files, f"{k}-{index}") for k in ("output", "env", "path", "summary")}
        for p in paths.values():
            open(p, "w").close()
        step_env = dict(env)
        step_env.update({k: expand(v) for k, v in step.get("env", {}).items()})
        step_env["GITHUB_OUTPUT"] = paths["output"]
        step_env["GITHUB_ENV"] = paths["env"]
        step_env["GITHUB_PATH"] = paths["path"]
        step_env["GITHUB_STEP_SUMMARY"] = paths["summary"]
        cwd = os.path.join(workspace, expand(step.get("working-directory", ".")))
        script = os.path.join(files, f"step-{index}.sh")
        with open(script, "w", encoding="utf-8") as f:
            f.write(step["run"])
        if env.get("RUN_ACTION_SHELLCHECK"):
            lint = subprocess.run(
                [env["RUN_ACTION_SHELLCHECK"], "--shell=bash", script],
                capture_output=True,
                text=True,
            )
            record["shellcheck"] = lint.stdout + lint.stderr
            if lint.returncode != 0:
                failed = True
                ran.append(record)
                break
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
            cwd=cwd,
            env=step_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
        )
        record.update(code=proc.returncode, stdout=proc.stdout, stderr=proc.stderr)
        steps[sid] = read_pairs(paths["output"])
        env.update(read_pairs(paths["env"]))
        with open(paths["path"], encoding="utf-8") as f:
            added = [line for line in f.read().splitlines() if line]
        if added:
            env["PATH"] = os.pathsep.join([*reversed(added), env["PATH"]])
        if proc.returncode != 0:
            failed = True
        ran.append(record)

    outputs = {name: expand(spec["value"]) for name, spec in action.get("outputs", {}).items()}
    with open(result_path, "w", encoding="utf-8") as f:
        json.dump({"steps": ran, "outputs": outputs, "failed": failed}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
