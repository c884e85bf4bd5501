"""`make compat`: for each environment in tests/runtimes/, install what the runtime ships, then this package
the way a user would (`%pip install`, no constraints), check the front end was left alone, and run the suite.

Usage: python tests/runtimes/compat.py [NAME ...] (default: every *.txt here). Environment knobs:
  COMPAT_PYTEST_ARGS  replaces the pytest selection (default: the non-browser suite, -x -q)
  PYENV_ROOT          where the interpreters live (default /root/.pyenv)
uv never downloads a Python here (UV_PYTHON_DOWNLOADS=never and an explicit interpreter path): only the
package registry is used.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VENVS = ROOT / ".compat"
# What the runtime's front end and kernel depend on: the install must not change any of these.
GUARDED = ("ipython", "ipykernel", "traitlets", "ipywidgets", "widgetsnbextension", "jupyterlab-widgets",
           "comm", "urllib3")
TEST_TOOLS = ("pytest", "pytest-timeout", "hypothesis", "nbclient", "nbformat", "ipykernel", "jmespath",
              "keyring")
DEFAULT_PYTEST = '-m "not browser" --ignore=tests/browser -x -q -p no:cacheprovider'


@dataclass
class Env:
    name: str
    python_minor: str
    runtime_version: str | None
    pins: dict[str, str]
    pytest_args: list[str] = field(default_factory=list)
    changed: dict[str, tuple[str, str]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    outcome: str = "not run"


def read_env(path: Path) -> Env:
    text = path.read_text(encoding="utf-8")
    minor = re.search(r"^# compat-python: (\d+\.\d+)$", text, re.M)
    runtime = re.search(r"^# compat-runtime-version: (\S+)$", text, re.M)
    if minor is None:
        raise SystemExit(f"{path.name}: no '# compat-python: X.Y' line")
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[canonical(name)] = version
    extra = re.search(r"^# compat-pytest-args: (.+)$", text, re.M)
    args = shlex.split(extra.group(1)) if extra else []
    return Env(path.stem, minor.group(1), runtime.group(1) if runtime else None, pins, args)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _version_key(path: Path) -> list[int]:
    return [int(part) for part in path.parts[-3].split(".")]


def interpreter(minor: str) -> Path:
    """The newest pyenv interpreter of that minor version (the CI machine is the same image)."""
    root = Path(os.environ.get("PYENV_ROOT", "/root/.pyenv")) / "versions"
    found = sorted(root.glob(f"{minor}.*/bin/python{minor}"), key=_version_key)
    if not found:
        raise SystemExit(f"no Python {minor} under {root}")
    return found[-1]


def uv(*args: str, env: Env) -> None:
    command = [str(Path(sys.executable).parent / "uv"), *args]
    print("+", shlex.join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT, env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"})


def installed(python: Path) -> dict[str, str]:
    code = ("import importlib.metadata as m, json; "
            "print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))")
    out = subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True).stdout
    import json

    return {canonical(k): v for k, v in json.loads(out).items()}


def build(env: Env, pins_file: Path) -> Path:
    venv = VENVS / env.name
    shutil.rmtree(venv, ignore_errors=True)
    uv("venv", "-q", "--python", str(interpreter(env.python_minor)), str(venv), env=env)
    python = venv / "bin" / "python"
    if env.pins:  # the runtime as it ships
        shipped = [f"{k}=={v}" for k, v in env.pins.items()]
        uv("pip", "install", "-q", "--python", str(python), *shipped, env=env)
    before = installed(python)
    uv("pip", "install", "--python", str(python), str(ROOT), env=env)  # what `%pip install` would do
    after = installed(python)
    env.changed = {k: (before[k], after.get(k, "removed")) for k in before if after.get(k) != before[k]}
    env.changed.update({k: ("", v) for k, v in after.items() if k not in before and k in env.pins})
    broken = sorted(k for k in env.changed if k in GUARDED and k in env.pins)
    if broken:
        raise SystemExit(f"{env.name}: installing notebook-tokens changed the runtime's {', '.join(broken)}")
    tools = ["-c", str(pins_file)] if env.pins else []
    uv("pip", "install", "-q", "--python", str(python), *tools, *TEST_TOOLS, env=env)
    moved = sorted(k for k, v in installed(python).items() if k in env.pins and v != after.get(k))
    if moved:
        raise SystemExit(f"{env.name}: test tools moved {', '.join(moved)}: the suite would miss the pins")
    return python


def run_suite(env: Env, python: Path) -> int:
    args = shlex.split(os.environ.get("COMPAT_PYTEST_ARGS", DEFAULT_PYTEST)) + env.pytest_args
    extra = {"NOTEBOOK_TOKENS_TEST_RUNTIME_VERSION": env.runtime_version} if env.runtime_version else {}
    # the venv's own pytest, not `python -m pytest`: the working tree must not shadow the installed package
    command = [str(python.parent / "pytest"), *args]
    print("+", shlex.join(command), flush=True)
    return subprocess.run(command, cwd=ROOT, env={**os.environ, **extra}).returncode


def one(env: Env, pins_file: Path) -> bool:
    started = time.monotonic()
    try:
        python = build(env, pins_file)
    except (SystemExit, subprocess.CalledProcessError) as error:
        env.outcome = f"install failed: {error}"
        return False
    env.seconds["install"] = time.monotonic() - started
    started = time.monotonic()
    code = run_suite(env, python)
    env.seconds["tests"] = time.monotonic() - started
    env.outcome = "passed" if code == 0 else f"pytest exit {code}"
    return code == 0


def main(names: list[str]) -> int:
    files = [HERE / f"{n}.txt" for n in names] if names else sorted(HERE.glob("*.txt"))
    envs = [(read_env(path), path) for path in files]
    ok = [one(env, path) for env, path in envs]
    print("\nmake compat: environment | install s | tests s | outcome | what the install changed")
    for env, _ in envs:
        changes = ", ".join(f"{k} {a or '-'} -> {b}" for k, (a, b) in sorted(env.changed.items()))
        install, tests = env.seconds.get("install", 0), env.seconds.get("tests", 0)
        print(f"  {env.name:14} | {install:6.0f} | {tests:6.0f} | {env.outcome} | {changes or 'nothing'}")
    return 0 if all(ok) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
