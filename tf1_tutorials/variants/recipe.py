"""The typed base of every graph variant's ``Config``: how long it trains and what it prints.

A variant's ``Config`` subclasses :class:`Steps` (a number of training steps, as the experts
tutorial counted them) or :class:`Epochs` (epochs of ``batches_per_epoch`` batches, as the MLP and
CNN documents did) and sets the tutorial's values as its defaults. The runner reads only these
fields and methods. No TensorFlow here: the command line reads a ``Config`` without importing its
variant.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Recipe:
    batch_size: int = 100
    eval_batch_size: int = 1000  # the test set is evaluated this many images at a time
    shuffle: bool = True  # next_batch reshuffles every epoch, as TF1's did; False: in order

    @property
    def total_steps(self) -> int:
        raise NotImplementedError

    def accuracy_line_due(self, step: int) -> bool:
        """Whether ``step N, training accuracy A`` is printed before step ``step`` trains."""
        return False

    def cost_line_epoch(self, step: int) -> int | None:
        """The epoch whose ``Epoch: N cost= C`` line is printed once ``step`` steps are done."""
        return None


@dataclass(frozen=True)
class Steps(Recipe):
    steps: int = 1000
    log_every_steps: int = 0  # 0: no accuracy lines

    @property
    def total_steps(self) -> int:
        return self.steps

    def accuracy_line_due(self, step: int) -> bool:
        return bool(self.log_every_steps) and step % self.log_every_steps == 0


@dataclass(frozen=True)
class Epochs(Recipe):
    epochs: int = 1
    batches_per_epoch: int = 550  # int(55000 / 100)
    log_every_epochs: int = 0  # 0: no cost lines

    @property
    def total_steps(self) -> int:
        return self.epochs * self.batches_per_epoch

    def cost_line_epoch(self, step: int) -> int | None:
        if not self.log_every_epochs or step % self.batches_per_epoch:
            return None
        epoch = step // self.batches_per_epoch  # 1-based: epochs finished
        return epoch if (epoch - 1) % self.log_every_epochs == 0 else None
