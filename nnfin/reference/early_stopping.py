"""Early stopping: stop training when the validation loss stops improving.

Conventions (shared by the function and the class):

* Epochs are 0-based indices into the list of validation losses. In
  ``train_mlp`` epoch 0 is the loss *before* any update, epoch ``e`` the loss
  after ``e`` passes over the training data.
* An epoch improves only if its loss is strictly below the best so far; ties
  and NaN never count as improvement, and the earliest best epoch is kept.
* Training stops at the first epoch that is ``patience`` epochs after the
  best one, i.e. after ``patience`` epochs in a row without improvement.
  If that never happens, the stop epoch is the last epoch seen.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


class EarlyStopping:
    """Watch validation losses one epoch at a time; ``update`` says when to stop.

    ``patience=None`` never stops, but still tracks the best epoch, so a
    training loop can always restore the best weights.
    """

    def __init__(self, patience: int | None) -> None:
        if patience is not None:
            if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)):
                raise TypeError(f"patience must be an int or None, got {patience!r}")
            if patience < 1:
                raise ValueError(f"patience must be at least 1, got {patience}")
            patience = int(patience)
        self.patience = patience
        self.epoch = -1  # index of the last loss seen
        self.best_epoch = -1
        self.best_loss = np.inf
        self.stop_epoch: int | None = None

    @property
    def stopped(self) -> bool:
        """True once the patience has run out."""
        return self.stop_epoch is not None

    def update(self, val_loss: float) -> bool:
        """Record the next epoch's validation loss; return True to stop now.

        After the stop, further losses are ignored and True is returned again.
        """
        if self.stopped:
            return True
        loss = float(val_loss)
        self.epoch += 1
        if loss < self.best_loss:  # strict: ties and NaN are no improvement
            self.best_loss = loss
            self.best_epoch = self.epoch
        if self.patience is not None and self.epoch - self.best_epoch >= self.patience:
            self.stop_epoch = self.epoch
            return True
        return False

    @property
    def improved(self) -> bool:
        """True if the last loss seen was a new best."""
        return self.epoch >= 0 and self.best_epoch == self.epoch


def early_stopping(val_losses: Iterable[float], patience: int) -> tuple[int, int]:
    """Replay a whole validation curve: (best_epoch, stop_epoch), 0-based.

    ``best_epoch`` is the lowest loss seen up to and including the stop (the
    epoch whose weights one would restore), ``stop_epoch`` the epoch at which
    training ends. Example: ``[5, 4, 3, 3.5, 3.6, 3.7, 2]`` with patience 3
    gives (2, 5): epochs 3, 4 and 5 fail to beat 3, so epoch 6 is never run.
    """
    losses = np.asarray(list(val_losses), dtype=np.float64)
    if losses.ndim != 1 or losses.size == 0:
        raise ValueError("val_losses must be a non-empty 1-D sequence")
    if patience is None:
        raise TypeError("patience must be an int; use EarlyStopping(None) to never stop")
    monitor = EarlyStopping(patience)
    for loss in losses:
        if monitor.update(loss):
            break
    stop_epoch = monitor.stop_epoch if monitor.stopped else monitor.epoch
    if monitor.best_epoch < 0:
        raise ValueError("no finite validation loss before the stop")
    return monitor.best_epoch, stop_epoch
