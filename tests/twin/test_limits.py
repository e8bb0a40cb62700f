"""Bounded work: simulation parameters beyond the limits are refused up front, and
``--timeout`` really stops a computation (the child process running it is killed)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.errors import KgTwinError
from kgtwin.twin.deadline import TimeLimitError, within
from kgtwin.twin.formats import save_model
from kgtwin.twin.model import LogicalModel


@pytest.fixture
def toy_file(tmp_path: Path, toy: LogicalModel) -> Path:
    path = tmp_path / "toy.bnet"
    save_model(toy, path)
    return path


@pytest.mark.parametrize(
    ("option", "value", "reason"),
    [
        ("--trajectories", "1000000000", "over the limit of 1,000,000"),
        ("--max-time", "1e12", "over the limit of 100000"),
        ("--time-tick", "1e-9", "sampling points is over the limit"),
        ("--max-time", "1e6", "over the limit of 100000"),
    ],
)
def test_oversized_simulation_is_refused_in_one_line(toy_file, option, value, reason):
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["twin", "simulate", str(toy_file), option, value])
    assert result.exit_code == 1, result.output
    assert reason in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert time.monotonic() - started < 30  # refused before any work, not after


def test_timeout_stops_a_long_simulation(toy_file):
    args = ["twin", "simulate", str(toy_file), "--trajectories", "1000000", "--max-time",
            "100000", "--time-tick", "10", "--timeout", "1"]  # fmt: skip
    started = time.monotonic()
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert "took longer than --timeout 1s" in result.output
    assert time.monotonic() - started < 60


def test_within_kills_the_child_and_passes_errors_and_results():
    with pytest.raises(TimeLimitError, match="took longer"):
        within(0.3, "sleeping", time.sleep, 60)
    assert within(30, "adding", sum, [1, 2, 3]) == 6
    assert within(None, "adding", sum, [1, 2]) == 3
    with pytest.raises(KgTwinError, match="ZeroDivisionError"):
        within(30, "dividing", divmod, 1, 0)


def test_attractors_take_a_timeout(toy_file):
    result = CliRunner().invoke(cli, ["twin", "attractors", str(toy_file), "--timeout", "60",
                                      "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert '"steady_states"' in result.output


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_within_reports_a_child_that_dies_and_a_result_that_cannot_travel():
    with pytest.raises(KgTwinError, match="stopped unexpectedly"):
        within(30, "dying", _die)
    with pytest.raises(KgTwinError, match="could not be passed back"):
        within(30, "a lambda", lambda: lambda: None)
    big = within(30, "a large result", bytes, 5_000_000)  # many pipe buffers' worth
    assert big == bytes(5_000_000)
