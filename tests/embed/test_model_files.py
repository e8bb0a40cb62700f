"""Model directories hold tensors and JSON only: loading one runs no code from it."""

from __future__ import annotations

import os
import pickle
import shutil

import pytest
import torch
from click.testing import CliRunner

from kgtwin.cli.main import cli as main
from kgtwin.embed import modeldir
from kgtwin.errors import KgTwinError


class _Planted:
    """Unpickling this calls os.system: the classic payload of a hostile model file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_saved_directory_has_weights_and_no_pickle(trained):
    _, model_dir = trained
    assert (model_dir / modeldir.WEIGHTS).exists()
    assert not (model_dir / modeldir.PICKLED).exists()
    state = torch.load(model_dir / modeldir.WEIGHTS, weights_only=True)
    assert all(isinstance(v, torch.Tensor) for v in state.values())


def test_crafted_weights_file_is_refused_and_runs_nothing(trained, tmp_path):
    _, model_dir = trained
    copy = tmp_path / "hostile"
    shutil.copytree(model_dir, copy)
    marker = tmp_path / "ran"
    (copy / modeldir.WEIGHTS).write_bytes(pickle.dumps({"x": _Planted(marker)}))
    with pytest.raises(KgTwinError, match=r"weights\.pt: not a file of tensors"):
        modeldir.load(copy)
    assert not marker.exists()


def test_old_pickled_directory_is_refused_with_how_to_convert(trained, tmp_path):
    _, model_dir = trained
    old = tmp_path / "old"
    shutil.copytree(model_dir, old)
    (old / modeldir.WEIGHTS).unlink()
    marker = tmp_path / "ran"
    (old / modeldir.PICKLED).write_bytes(pickle.dumps(_Planted(marker)))
    with pytest.raises(KgTwinError, match=r"kgtwin embed convert .* --trust"):
        modeldir.load(old)
    result = CliRunner().invoke(main, ["embed", "evaluate", str(old)])
    assert result.exit_code != 0
    assert "old pickled model file" in result.output
    assert "Traceback" not in result.output
    assert not marker.exists()  # nothing in the file ran


def test_trusted_old_directory_converts_to_weights(trained, tmp_path):
    _, model_dir = trained
    loaded = modeldir.load(model_dir)
    old = tmp_path / "old"
    shutil.copytree(model_dir, old)
    (old / modeldir.WEIGHTS).unlink()
    torch.save(loaded.model, old / modeldir.PICKLED)  # what older kgtwin versions wrote
    result = CliRunner().invoke(main, ["embed", "convert", str(old), "--trust"])
    assert result.exit_code == 0, result.output
    assert not (old / modeldir.PICKLED).exists()
    again = modeldir.load(old)
    for key, value in loaded.model.state_dict().items():
        assert torch.equal(again.model.state_dict()[key], value)
