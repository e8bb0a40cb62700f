"""Calibrating twin scores against observed responses across a cohort.

A twin's response score is a change in simulated readouts, not a probability. Where
patients of a cohort have an observed best response to a drug (RECIST-like, as
``biolink:treated_by`` edges carry it) the twin's score for that same treatment is paired
with the outcome, objective response (complete or partial) = 1, stable or progressive
disease = 0 (``not_evaluable`` is left out), and a logistic curve

    P(objective response | score) = 1 / (1 + exp(-(a + b * score)))

is fitted by maximum likelihood with a small ridge penalty (``l2``, on ``b`` only, so a
handful of patients cannot drive it to infinity). The fit reports ``n``, the AUC (how
well the raw score separates responders from non-responders; 0.5 = chance) and the Brier
score, and maps any later score to a calibrated probability: ``kgtwin twin cohort``
writes it as ``calibration.json``; ``kgtwin twin rank-drugs/update --calibration`` adds
P(response) to each prediction (stored on the prediction edges as ``p_response``).
With a demo-sized cohort it is an illustration, not evidence: the AUC's uncertainty at
n ~ 15 spans most of [0, 1].

:meth:`Calibration.problems` says when a fit should not be trusted: fewer than
:data:`MIN_RESPONSES` observed responses, only one kind of outcome, or a slope that is
not positive (a higher twin score would mean a lower chance of response, the opposite
of what the score means). The cohort report prints them; applying such a calibration
to predictions (``--calibration``) is refused, since it would rank a weaker score above
a stronger one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from kgtwin.errors import InputError, KgTwinError

__all__ = ["MIN_RESPONSES", "RESPONDER", "Calibration", "CalibrationError", "fit_calibration",
           "load_calibration", "responder"]

#: Fewer observed responses than this and a calibration is not applied to predictions.
MIN_RESPONSES = 10


class CalibrationError(KgTwinError, ValueError):
    """A calibration that would mislead if applied (too few responses, wrong-sign slope)."""

RESPONDER = {"complete_response": 1, "partial_response": 1, "stable_disease": 0,
             "progressive_disease": 0}


def responder(response: str | None) -> int | None:
    """1 for an objective response, 0 for none, None when not evaluable or unknown."""
    return RESPONDER.get(response or "")


@dataclass(frozen=True, kw_only=True)
class Calibration:
    """A fitted score -> P(objective response) map and how good the raw score is."""

    intercept: float
    slope: float
    n: int
    responders: int
    auc: float | None
    brier: float

    def probability(self, score: float) -> float:
        return 1.0 / (1.0 + math.exp(-(self.intercept + self.slope * score)))

    def problems(self) -> list[str]:
        """Why this fit should not be trusted, in words (empty when it may be used)."""
        found = []
        if self.n < MIN_RESPONSES:
            found.append(f"only {self.n} observed responses (at least {MIN_RESPONSES} needed)")
        if self.responders in (0, self.n):
            found.append("every observed response has the same outcome")
        if self.slope <= 0:
            found.append(f"the slope is {self.slope:.2f}, not positive: a higher twin score "
                         "would mean a lower chance of response")
        return found

    def require_usable(self, where: str = "the calibration") -> Calibration:
        """This calibration, or a :class:`CalibrationError` naming its problems."""
        problems = self.problems()
        if problems:
            raise CalibrationError(f"{where} cannot be applied: " + "; ".join(problems))
        return self

    def to_dict(self) -> dict:
        data = {k: (round(v, 6) if isinstance(v, float) else v) for k, v in asdict(self).items()}
        data["problems"] = self.problems()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Calibration:
        """From :meth:`to_dict` (e.g. the ``calibration.json`` a cohort run writes)."""
        try:
            return cls(intercept=float(data["intercept"]), slope=float(data["slope"]),
                       n=int(data["n"]), responders=int(data["responders"]),
                       auc=None if data.get("auc") is None else float(data["auc"]),
                       brier=float(data["brier"]))
        except (KeyError, TypeError, ValueError) as error:
            raise InputError(None, None, f"not a kgtwin calibration: {error!r}") from None


def load_calibration(path: str | Path) -> Calibration:
    """Read the ``calibration.json`` written by ``kgtwin twin cohort``."""
    import json

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(path, None, f"cannot read a calibration: {error}") from None
    if not isinstance(data, dict):
        raise InputError(path, None, "a calibration is a JSON object")
    return Calibration.from_dict(data).require_usable(str(path))


def _auc(scores: np.ndarray, outcomes: np.ndarray) -> float | None:
    """P(score of a responder > score of a non-responder), ties counting half."""
    positive, negative = scores[outcomes == 1], scores[outcomes == 0]
    if not len(positive) or not len(negative):
        return None
    greater = (positive[:, None] > negative[None, :]).sum()
    ties = (positive[:, None] == negative[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(positive) * len(negative)))


def fit_calibration(
    scores: Sequence[float], outcomes: Sequence[int], *, l2: float = 0.1
) -> Calibration:
    """Logistic fit by Newton's method (a few iterations; the problem is convex)."""
    x = np.asarray(scores, dtype=float)
    y = np.asarray(outcomes, dtype=float)
    if x.size < 2:
        raise ValueError("calibration needs at least two observed responses")
    design = np.column_stack([np.ones_like(x), x])
    beta = np.zeros(2)
    penalty = np.diag([0.0, l2])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(design @ beta)))
        gradient = design.T @ (y - p) - penalty @ beta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty + 1e-9 * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.abs(step).max() < 1e-10:
            break
    p = 1.0 / (1.0 + np.exp(-(design @ beta)))
    return Calibration(intercept=float(beta[0]), slope=float(beta[1]), n=int(x.size),
                       responders=int(y.sum()), auc=_auc(x, y.astype(int)),
                       brier=float(np.mean((p - y) ** 2)))
