"""Cohorts and screens on Dask: the same table as the local threads for the same seed,
on a dask.distributed LocalCluster of worker processes on loopback."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from click.testing import CliRunner
from distributed import LocalCluster

from kgtwin.cli.main import cli
from kgtwin.twin.cohort import run_cohort
from kgtwin.twin.executor import Executor, ExecutorError
from kgtwin.twin.patient_twin import TwinSettings
from kgtwin.twin.screen import ScreenSettings, read_samples, run_screen
from kgtwin.twin.simulate import SimulationSettings

from .conftest import find_patients
from .test_screen import SAMPLES

SETTINGS = TwinSettings(simulation=SimulationSettings(trajectories=200, max_time=30, seed=11))
DRUGS = ["vemurafenib", "trametinib", "sotorasib"]


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0") as local:
        yield local


@pytest.fixture(scope="module")
def patients(demo_store) -> list[str]:
    return (find_patients(demo_store, "melanoma", {"BRAF p.V600E"})
            + find_patients(demo_store, "non-small cell lung carcinoma", {"KRAS p.G12C"})
            + find_patients(demo_store, "melanoma", set()))


def test_a_cohort_on_dask_equals_the_local_run(demo_store, patients, cluster) -> None:
    local = run_cohort(demo_store, patients, DRUGS, SETTINGS, workers=2)
    remote = run_cohort(demo_store, patients, DRUGS, SETTINGS,
                        executor=Executor(kind="dask", scheduler=cluster.scheduler_address))
    assert len(remote.table) == len(patients) * len(DRUGS)
    pd.testing.assert_frame_equal(remote.table, local.table)
    pd.testing.assert_frame_equal(remote.associations, local.associations)


def test_a_screen_on_dask_equals_the_local_run(demo_store, cluster, tmp_path) -> None:
    path = tmp_path / "samples.tsv"
    path.write_text(SAMPLES)
    samples = read_samples(path)
    settings = ScreenSettings(trajectories=200, seed=5, workers=2)
    drugs = ["vemurafenib", "erlotinib", "imatinib"]
    local = run_screen(demo_store, samples, drugs, settings)
    remote = run_screen(demo_store, samples, drugs, replace(
        settings, executor=Executor(kind="dask", scheduler=cluster.scheduler_address)))
    pd.testing.assert_frame_equal(remote.table, local.table)


def test_the_default_dask_executor_starts_local_processes() -> None:
    assert Executor(kind="dask", workers=2).map(abs, [-3, 1, -2]) == [3, 1, 2]


def test_the_cli_runs_a_cohort_on_a_scheduler(demo_store, patients, cluster, tmp_path):
    """``twin cohort --executor dask --scheduler ADDRESS`` writes the local run's table."""
    store = str(demo_store.path)
    base = ["--store", store, "twin", "cohort", "--patients", ",".join(patients),
            "--drugs", "vemurafenib", "--trajectories", "200", "--seed", "2"]
    runner = CliRunner()
    local = runner.invoke(cli, [*base, "--out", str(tmp_path / "local"), "--workers", "2"])
    assert local.exit_code == 0, local.output
    remote = runner.invoke(cli, [*base, "--out", str(tmp_path / "dask"), "--executor", "dask",
                                 "--scheduler", cluster.scheduler_address])
    assert remote.exit_code == 0, remote.output
    assert ((tmp_path / "dask" / "cohort.csv").read_text()
            == (tmp_path / "local" / "cohort.csv").read_text())


def test_a_scheduler_needs_the_dask_executor(demo_store) -> None:
    result = CliRunner().invoke(cli, ["--store", str(demo_store.path), "twin", "cohort",
                                      "--scheduler", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 2 and "--scheduler needs --executor dask" in result.output
    with pytest.raises(ExecutorError, match="needs the dask executor"):
        Executor(scheduler="tcp://127.0.0.1:8786")


def test_an_unreachable_scheduler_is_one_clear_error() -> None:
    with pytest.raises(ExecutorError, match="cannot reach the Dask scheduler"):
        Executor(kind="dask", scheduler="tcp://127.0.0.1:9", connect_timeout=2).map(abs, [1])
