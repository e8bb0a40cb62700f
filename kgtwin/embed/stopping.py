"""When training ends: validation MRR stops improving, the epochs run out, or the budget.

PyKEEN's early stopper evaluates every few epochs and, when patience runs out, reloads
the best weights. Two ends it does not handle are added here, so the model kept is
always the best one seen on the validation split: the last epoch (PyKEEN would keep the
last weights) and a wall-clock budget (``--budget``).

PyKEEN's stoppers and callbacks run between epochs or after a batch but cannot end an
epoch, and one epoch of a large graph takes minutes. So the budget is also checked
after every batch: kgtwin's training loops (:func:`budgeted_loop`) hand PyKEEN a batch
iterator that ends when the budget is spent, the cut epoch counts as an epoch (its
loss averages the batches it ran), and the stopper then evaluates on validation and
keeps the best weights seen, as at any other end.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterator
from typing import Any

from pykeen.stoppers import EarlyStopper
from pykeen.training import LCWATrainingLoop, SLCWATrainingLoop

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


class BudgetedBatches:
    """A training data loader whose iteration ends once ``deadline`` (perf_counter) passes;
    ``len`` is then the number of batches run (PyKEEN divides the epoch loss by it)."""

    def __init__(self, loader: Any, deadline: float, on_cut: Any):
        self.loader = loader
        self.deadline = deadline
        self.on_cut = on_cut
        self.ran: int | None = None

    def __len__(self) -> int:
        return self.ran if self.ran is not None else len(self.loader)

    def __iter__(self) -> Iterator[Any]:
        self.ran = None
        for ran, batch in enumerate(self.loader, start=1):
            yield batch  # resumes after PyKEEN processed the batch
            if time.perf_counter() >= self.deadline and ran < len(self.loader):
                self.ran = ran
                self.on_cut(ran, len(self.loader))
                return


class _Budgeted:
    """Mixin: the training data loader stops at the budget's deadline (see module doc)."""

    def __init__(self, *, deadline: float, **kwargs: Any):
        super().__init__(**kwargs)
        self.deadline = deadline
        self.cut: tuple[int, int] | None = None  # (batches run, batches of a full epoch)

    def _create_training_data_loader(self, *args: Any, **kwargs: Any) -> Any:
        loader = super()._create_training_data_loader(*args, **kwargs)  # type: ignore[misc]
        return BudgetedBatches(loader, self.deadline, self._cut)

    def _cut(self, ran: int, total: int) -> None:
        self.cut = (ran, total)
        log.info("the budget ended an epoch after %d of %d batches", ran, total)


class BudgetedLCWA(_Budgeted, LCWATrainingLoop):
    """PyKEEN's 1-vs-all training loop, ending inside an epoch when the budget is spent."""


class BudgetedSLCWA(_Budgeted, SLCWATrainingLoop):
    """PyKEEN's negative-sampling training loop, ending inside an epoch at the budget."""


def budgeted_loop(loop: str) -> type:
    """kgtwin's budgeted training loop class for ``lcwa`` or ``slcwa``."""
    return {"lcwa": BudgetedLCWA, "slcwa": BudgetedSLCWA}[loop]
