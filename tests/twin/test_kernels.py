"""The C kernel: built into the cache folder, same numbers as numba's JIT on every
thread, refused arguments of the wrong type, and a CLI simulation that never loads numba."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from kgtwin.errors import KgTwinError
from kgtwin.twin import kernels
from kgtwin.twin.formats import load_model
from kgtwin.twin.simulate import Hold, SimulationSettings, simulate

GRIECO = Path("../shared/data/real/bnet/grieco_mapk.bnet")  # pyboolnet's repository


@pytest.fixture(scope="module")
def aot_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder of this test module's own, with the kernel built in it."""
    folder = tmp_path_factory.mktemp("kgtwin-cache")
    path = kernels.build_aot_kernel(folder)
    assert path.parent == folder and path.exists()
    return folder


@pytest.fixture
def use_cache(aot_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KGTWIN_CACHE_DIR", str(aot_cache))
    monkeypatch.delenv("KGTWIN_KERNEL", raising=False)
    kernels._loaded.clear()
    yield aot_cache
    kernels._loaded.clear()


def test_building_twice_reuses_the_module(use_cache: Path) -> None:
    first = kernels.build_aot_kernel(use_cache)
    stamp = first.stat().st_mtime_ns
    assert kernels.build_aot_kernel(use_cache) == first
    assert first.stat().st_mtime_ns == stamp
    assert not list(use_cache.glob(".build-*"))  # the scratch folder is gone


def test_every_thread_runs_the_c_kernel(use_cache: Path) -> None:
    main = kernels.simulate_kernel()
    assert main is kernels._loaded["aot"] and main is not kernels._load_jit()
    assert kernels.simulate_kernel(threads=2) is main
    seen = []
    worker = threading.Thread(target=lambda: seen.append(kernels.simulate_kernel()))
    worker.start()
    worker.join()
    assert seen == [main]


@pytest.mark.parametrize(
    ("model_path", "fixed", "holds", "seed"),
    [
        (GRIECO, {"EGFR_stimulus": 1}, [Hold("MEK1_2", False, 0.6)], 7),
        (GRIECO, {}, [], 0),
        (Path("kgtwin/twin/models/BRAF_Model.bnd"), {}, [], 2**32 - 1),
        (Path("kgtwin/twin/models/Flobak.bnd"), {}, [Hold("MEK", False, 0.5)], 123),
    ],
)
def test_c_and_jit_give_identical_numbers(use_cache: Path, monkeypatch, model_path, fixed,
                                          holds, seed) -> None:
    model = load_model(model_path)
    settings = SimulationSettings(trajectories=3000, max_time=20, seed=seed)
    c_kernel = simulate(model, settings, fixed=fixed, holds=holds)
    threaded = simulate(model, settings, fixed=fixed, holds=holds, threads=3)
    monkeypatch.setenv("KGTWIN_KERNEL", "jit")
    jit = simulate(model, settings, fixed=fixed, holds=holds)
    assert c_kernel.events == threaded.events == jit.events > 0
    for other in (threaded, jit):
        assert np.array_equal(c_kernel.on_counts, other.on_counts)
        assert np.array_equal(c_kernel.final_states, other.final_states)


@pytest.mark.parametrize("kind", ["aot", "jit"])
def test_the_kernels_refuse_buffers_of_the_wrong_type(use_cache: Path, kind: str) -> None:
    """They read raw memory: an int32 buffer where int64 is expected, or one too short,
    must not get through."""
    from array import array

    from kgtwin.twin.compile import CompiledModel

    compiled = CompiledModel.from_model(load_model(GRIECO))
    n = len(compiled.names)
    grid = array("d", [0.0, 1.0])
    kernel = kernels._load_aot() if kind == "aot" else kernels._load_jit()
    good = dict(compiled=compiled, initial_on=compiled.initial_on, clamp=array("b", [-1]) * (4 * n),
                grid=grid, seed=1, changes=array("q", [0]) * (2 * n),
                finals=array("B", [0]) * (4 * n), rows=range(1, 3))
    assert kernel(**good) >= 0
    finals = np.frombuffer(good["finals"], dtype=np.uint8).reshape(4, n)
    assert not finals[[0, 3]].any()  # rows outside range(1, 3) untouched
    with pytest.raises(TypeError, match="kernel argument changes: expected array\\('q'\\)"):
        kernel(**{**good, "changes": array("i", [0]) * (2 * n)})
    with pytest.raises(TypeError, match="initial_on"):
        kernel(**{**good, "initial_on": np.zeros(n)})
    for wrong in ({"changes": array("q", [0]) * (3 * n)}, {"rows": range(2, 5)},
                  {"finals": array("B", [0]) * (3 * n)}):
        with pytest.raises(ValueError, match="mismatched lengths"):
            kernel(**{**good, **wrong})


def test_a_failing_compiler_is_reported(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CC", "false")  # a "compiler" that always fails
    with pytest.raises(kernels.KernelBuildError, match="compiling the simulation kernel"):
        kernels.build_aot_kernel(tmp_path)
    assert not list(tmp_path.iterdir()) or not list(tmp_path.glob("*.so"))


def test_an_unknown_kernel_choice_is_an_error(monkeypatch) -> None:
    monkeypatch.setenv("KGTWIN_KERNEL", "fast")
    with pytest.raises(KgTwinError, match="KGTWIN_KERNEL='fast'"):
        kernels.simulate_kernel()


def test_an_unbuildable_kernel_falls_back_to_the_jit_once(tmp_path, monkeypatch) -> None:
    """A failed build leaves a marker, so later processes do not retry on every call."""
    monkeypatch.setenv("KGTWIN_CACHE_DIR", str(tmp_path))
    kernels._loaded.clear()
    jitted = kernels._load_jit()

    def fail(folder=None):
        raise kernels.KernelBuildError("no C compiler here")

    monkeypatch.setattr(kernels, "build_aot_kernel", fail)
    assert kernels.simulate_kernel() is jitted
    markers = list(tmp_path.glob("*.failed"))
    assert len(markers) == 1 and "no C compiler" in markers[0].read_text()
    monkeypatch.setattr(kernels, "build_aot_kernel", lambda folder=None: 1 / 0)
    assert kernels.simulate_kernel() is jitted  # the marker is read: no second attempt


def test_a_cli_simulation_never_loads_numba_or_numpy(use_cache: Path) -> None:
    """numpy's import alone is a third of a plain ``twin simulate`` call."""
    code = (
        "import sys, runpy\n"
        # --timeout 0: simulated in this process (not a forked child), so sys.modules
        # below shows everything the simulation loaded.
        "sys.argv = ['kgtwin', 'twin', 'simulate', sys.argv[1], '--trajectories', '500',"
        " '--timeout', '0', '--json']\n"
        "from kgtwin.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules\n"
        "                        if m.split('.')[0] in ('numba', 'numpy'))))\n"
    )
    env = {**os.environ, "KGTWIN_CACHE_DIR": str(use_cache)}
    done = subprocess.run(
        [sys.executable, "-c", "import json\n" + code, str(GRIECO)],
        capture_output=True, text=True, env=env, check=True,
    )
    *result, loaded = done.stdout.strip().splitlines()
    assert json.loads("\n".join(result))["n_trajectories"] == 500
    assert json.loads(loaded) == []
