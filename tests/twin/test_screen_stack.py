"""The twin + tissue stack of screen_eval: out-of-fold, and never below the tissue mean's
ranking when the twin score carries nothing the tissue mean leaves unexplained."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from kgtwin.twin.screen_eval import _stacked


def _frame(score: np.ndarray, sensitivity: np.ndarray, tissue: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"sample": [f"s{i}" for i in range(len(score))], "score": score,
                         "sensitivity": sensitivity, "tissue_mean": tissue})


def test_an_uninformative_or_misleading_twin_leaves_the_tissue_ranking() -> None:
    rng = np.random.default_rng(1)
    tissue = rng.normal(size=300)
    sensitivity = tissue + rng.normal(size=300)
    # a twin score that runs against what the tissue mean leaves unexplained gets weight 0
    misleading = -(sensitivity - tissue)
    stacked = _stacked(_frame(misleading, sensitivity, tissue))
    assert np.array_equal(stacked, tissue)
    # a constant twin score (a drug acting on no twin) changes nothing either
    assert np.array_equal(_stacked(_frame(np.zeros(300), sensitivity, tissue)), tissue)


def test_an_informative_twin_improves_on_the_tissue_mean() -> None:
    rng = np.random.default_rng(2)
    tissue = rng.normal(size=300)
    twin = rng.normal(size=300)
    sensitivity = tissue + twin + 0.5 * rng.normal(size=300)
    stacked = _stacked(_frame(twin, sensitivity, tissue))
    assert spearmanr(stacked, sensitivity).statistic > spearmanr(tissue, sensitivity).statistic
