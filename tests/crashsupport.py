"""The checkpoint-crash shape shared by the rotation tests: a rotation takes `checkpoint(step)`, called after
each durable step; these helpers make the process 'die' at one named step, so the test can then check
what a rerun (a fresh process) finds and repairs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Checkpoint = Callable[[str], None]


class Died(BaseException):
    """The process 'dies' at a checkpoint: nothing after it runs, no cleanup code catches it (a
    BaseException, so `except Exception` in the code under test does not swallow it)."""


def die_at(step: str) -> Checkpoint:
    """A checkpoint that raises Died at `step` and lets every other step pass."""

    def checkpoint(name: str) -> None:
        if name == step:
            raise Died(name)

    return checkpoint


def crash_at(step: str, run: Callable[[Checkpoint], object]) -> None:
    """Run `run(checkpoint)` and die at `step`: fails if it finished, or raised anything else first."""
    with pytest.raises(Died) as died:
        run(die_at(step))
    assert died.value.args == (step,)


def steps_of(run: Callable[[Checkpoint], object]) -> list[str]:
    """The checkpoints a whole run passes, in order (so a test's list of steps cannot go stale)."""
    seen: list[str] = []
    run(seen.append)
    return seen
