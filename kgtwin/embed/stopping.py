"""When training ends: validation MRR stops improving, the epochs run out, or the budget.

PyKEEN's early stopper evaluates every few epochs and, when patience runs out, reloads
the best weights. Two ends it does not handle are added here, so the model kept is
always the best one seen on the validation split: the last epoch (PyKEEN would keep the
last weights) and a wall-clock budget (``--budget``), checked after every epoch.
"""

from __future__ import annotations

import dataclasses
import logging
import time

from pykeen.stoppers import EarlyStopper

log = logging.getLogger(__name__)


@dataclasses.dataclass
class BestWeightsStopper(EarlyStopper):
    """An early stopper that also stops at the last epoch or the budget, with best weights."""

    last_epoch: int = 0
    budget_seconds: float | None = None
    started: float = dataclasses.field(default_factory=time.perf_counter)
    ended_by: str = "epochs"

    def over_budget(self) -> bool:
        return self.budget_seconds is not None and (
            time.perf_counter() - self.started >= self.budget_seconds
        )

    def should_evaluate(self, epoch: int) -> bool:
        return super().should_evaluate(epoch) or epoch >= self.last_epoch or self.over_budget()

    def should_stop(self, epoch: int) -> bool:
        if super().should_stop(epoch):
            self.ended_by = "early_stopping"
            return True
        if epoch < self.last_epoch and not self.over_budget():
            return False
        self.ended_by = "epochs" if epoch >= self.last_epoch else "budget"
        self.stopped = True
        if self.best_epoch != epoch and self.best_model_path and self.best_model_path.is_file():
            import torch

            # our own file of this run, written by PyKEEN's stopper a moment ago
            self.model.load_state_dict(torch.load(self.best_model_path, weights_only=True))
        log.info("training ended (%s) at epoch %d; best validation epoch %s",
                 self.ended_by, epoch, self.best_epoch)
        return True
