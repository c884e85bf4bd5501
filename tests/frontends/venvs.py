"""The front ends under test, each in its own venv in .frontends/ (built once, reused while its spec holds).

A venv holds one Jupyter front end, its ipywidgets and a kernel, and this package installed from the working
tree as a user would (`pip install .`, no extras). The test process (pytest, playwright) stays in the main
venv; only the Jupyter server and its kernels run from these. uv never downloads a Python here
(UV_PYTHON_DOWNLOADS=never and an explicit pyenv interpreter): only the package registry is used.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".frontends"
SPEC_VERSION = "2"  # bump when ensure() installs differently, so cached venvs are rebuilt
PYENV = Path(os.environ.get("PYENV_ROOT", "/root/.pyenv")) / "versions"


@dataclass(frozen=True)
class Frontend:
    """One front end: its venv's name, interpreter, what is installed and the constraints it is held to."""

    name: str
    python: str  # a pyenv version, e.g. 3.11.7
    requirements: tuple[str, ...]
    constraints: str | None = None  # a file under tests/runtimes/, so the kernel is a runtime's kernel
    # what the test asserts was installed (the point of the venv): distribution -> version prefix
    expect: tuple[tuple[str, str], ...] = ()

    @property
    def venv(self) -> Path:
        return CACHE / self.name

    @property
    def bin(self) -> Path:
        return self.venv / "bin"


# JupyterLab 3 with ipywidgets 7.7.2 under DBR 15.4 LTS's kernel pins (IPython 8.15, ipykernel 6.25.1,
# traitlets 5.7.1, jupyterlab-widgets 1.1.11): the ipywidgets 7 widget protocol a Databricks notebook speaks.
LAB3 = Frontend(
    name="lab3-ipywidgets7",
    python="3.11.7",
    requirements=("jupyterlab==3.6.8", "ipywidgets", "ipykernel"),
    constraints="dbr-15.4.txt",
    expect=(("jupyterlab", "3.6."), ("ipywidgets", "7.7."), ("jupyterlab-widgets", "1.1.")),
)
# Notebook 7 (built on JupyterLab 4) with the newest ipywidgets 8.
NOTEBOOK7 = Frontend(
    name="notebook7-ipywidgets8",
    python="3.12.1",
    requirements=("notebook>=7,<8", "ipywidgets>=8,<9", "ipykernel"),
    expect=(("notebook", "7."), ("ipywidgets", "8."), ("jupyterlab-widgets", "3.")),
)


def _uv(*args: str) -> None:
    command = [str(Path(sys.executable).parent / "uv"), *args]
    print("+", shlex.join(command), flush=True)
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("PYTHONPATH", None)
    subprocess.run(command, check=True, cwd=ROOT, env=env, stdout=sys.stderr)


def _spec_digest(frontend: Frontend) -> str:
    spec = [SPEC_VERSION, frontend.python, *frontend.requirements]
    if frontend.constraints:
        spec.append((ROOT / "tests" / "runtimes" / frontend.constraints).read_text())
    return hashlib.sha256(json.dumps(spec).encode()).hexdigest()


def installed(frontend: Frontend) -> dict[str, str]:
    code = ("import importlib.metadata as m, json, re; print(json.dumps({re.sub(r'[-_.]+', '-', "
            "d.metadata['Name']).lower(): d.version for d in m.distributions()}))")
    out = subprocess.run([str(frontend.bin / "python"), "-c", code], check=True, capture_output=True,
                         text=True, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"}).stdout
    found: dict[str, str] = json.loads(out)
    return found


def ensure(frontend: Frontend) -> Frontend:
    """Build the venv if its spec changed (else reuse it), then reinstall this package from the worktree,
    so the kernel runs the code under test and not a stale copy."""
    stamp = frontend.venv / ".spec"
    digest = _spec_digest(frontend)
    if not stamp.exists() or stamp.read_text() != digest:
        interpreter = PYENV / frontend.python / "bin" / f"python{frontend.python.rsplit('.', 1)[0]}"
        _uv("venv", "-q", "--clear", "--python", str(interpreter), str(frontend.venv))
        pins = ["-c", str(ROOT / "tests" / "runtimes" / frontend.constraints)] if frontend.constraints else []
        # --compile-bytecode: else the first kernel compiles IPython's .pyc files while the browser waits
        _uv("pip", "install", "-q", "--compile-bytecode", "--python", str(frontend.bin / "python"), *pins,
            *frontend.requirements)
        stamp.write_text(digest)
    # no constraints here: what `%pip install notebook-tokens` would do on top of the front end
    _uv("pip", "install", "-q", "--compile-bytecode", "--python", str(frontend.bin / "python"),
        "--reinstall-package", "notebook-tokens", str(ROOT))
    versions = installed(frontend)
    wrong = [f"{name} {versions.get(name)} (want {prefix}*)" for name, prefix in frontend.expect
             if not versions.get(name, "").startswith(prefix)]
    if wrong:
        moved = ", ".join(wrong)
        raise RuntimeError(f"{frontend.name}: installing notebook-tokens moved the front end: {moved}")
    return frontend
