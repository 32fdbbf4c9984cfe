"""Optimiser updates for the batched trainer, as small frozen records (in the style of optax).

A record holds the optimiser's settings; ``init(z)`` makes its state for the parameters ``z``
(a tuple of tensors), ``rates(lr, t)`` the step-dependent numbers of step ``t`` and
``update(z, g, state, rates)`` changes ``z`` and ``state`` in place. :func:`paretolab.train.train`
calls them inside its one step function, which runs eagerly and under ``torch.compile``:
``rates`` are then 0-d tensors, refilled at every step, so that the compiled code is reused.

Every update is elementwise, so the rows of ``z`` (the runs) never interact.

>>> z, g = torch.zeros(2, 3), torch.ones(2, 3)
>>> opt = SGD(momentum=0.0)
>>> state = opt.init(z)
>>> opt.update(z, g, state, opt.rates(0.5, 1))
>>> z[0].tolist()
[-0.5, -0.5, -0.5]
"""

from __future__ import annotations

import functools
import math
import numbers
from dataclasses import dataclass, field

import torch

from paretolab.errors import ParetolabError

__all__ = ["OPTIMIZERS", "SGD", "Adam", "get_optimizer"]

Tensor = torch.Tensor


@dataclass(frozen=True)
class Adam:
    """Adam (Kingma & Ba 2015) with bias correction, no weight decay.

    Parameters
    ----------
    b1, b2 : float
        Decay of the moving averages of the gradient and of its square.
    eps : float
        Added to the root of the second moment.
    fused : bool
        Eagerly, use torch's one-pass CPU Adam kernel (``torch._fused_adam_``) when this torch
        has it for the dtype: the same update in fewer passes. A compiled step fuses its own
        update and ignores this (it is not part of the record's identity).

    Examples
    --------
    >>> opt = Adam()
    >>> z, g = torch.zeros(1, 2, dtype=torch.float64), torch.tensor([[1.0, -2.0]], dtype=torch.float64)
    >>> state = opt.init(z)
    >>> opt.update(z, g, state, opt.rates(0.1, 1))  # the first step moves each by about lr
    >>> z.round(decimals=6).tolist()
    [[-0.1, 0.1]]
    """

    b1: float = 0.9
    b2: float = 0.999
    eps: float = 1e-8
    fused: bool = field(default=True, compare=False)

    name = "adam"

    def __post_init__(self):
        for arg in ("b1", "b2"):
            _check_fraction(arg, getattr(self, arg))
        if not (isinstance(self.eps, numbers.Real) and self.eps > 0 and math.isfinite(self.eps)):
            raise ParetolabError(f"eps: expected a number > 0, got {self.eps!r}")

    def init(self, z: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """``(m, v, count)``: first and second moments like ``z``, and the fused kernel's
        step count (a 0-d float32 tensor, shared by every run)."""
        return torch.zeros_like(z), torch.zeros_like(z), torch.zeros((), dtype=torch.float32)

    def rates(self, lr: float, t: int) -> tuple[float, float, float]:
        """The learning rate, and the step size and epsilon with the bias corrections of step
        ``t`` folded in: ``z -= step_size * m / (sqrt(v) + eps_hat)`` is Adam's update."""
        c2 = math.sqrt(1 - self.b2**t)
        return lr, lr * c2 / (1 - self.b1**t), self.eps * c2

    def update(self, z: Tensor, g: Tensor, state: tuple, rates: tuple, *, fused: bool = False) -> None:
        """One Adam step of ``z`` along ``g``, in place (``fused``: by torch's kernel, eager only)."""
        m, v, count = state
        lr, step_size, eps_hat = rates
        if fused:  # the same update as below, in one pass; the kernel corrects the bias itself
            count += 1
            torch._fused_adam_([z], [g], [m], [v], [], [count], amsgrad=False, lr=lr, beta1=self.b1,
                               beta2=self.b2, weight_decay=0.0, eps=self.eps, maximize=False)
        else:
            m.lerp_(g, 1 - self.b1)
            v.mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
            z.addcdiv_(m, v.sqrt().add_(eps_hat).div_(-step_size))

    def uses_fused(self, dtype: torch.dtype) -> bool:
        """Whether an eager update of ``dtype`` tensors runs torch's fused kernel."""
        return self.fused and _has_fused_adam(dtype)


@dataclass(frozen=True)
class SGD:
    """Gradient descent with heavy-ball momentum: ``b = momentum * b + g``, ``z -= lr * b``.

    Examples
    --------
    >>> opt = SGD(momentum=0.9)
    >>> z = torch.zeros(1, 1)
    >>> state = opt.init(z)
    >>> for t in (1, 2):
    ...     opt.update(z, torch.ones(1, 1), state, opt.rates(0.1, t))
    >>> round(z.item(), 6)  # -0.1, then -0.1 * 1.9
    -0.29
    """

    momentum: float = 0.9

    name = "sgd"

    def __post_init__(self):
        _check_fraction("momentum", self.momentum)

    def init(self, z: Tensor) -> tuple[Tensor]:
        """``(b,)``: the momentum buffer like ``z``."""
        return (torch.zeros_like(z),)

    def rates(self, lr: float, t: int) -> tuple[float]:
        """``(lr,)``: the learning rate (SGD has nothing else that depends on the step)."""
        return (lr,)

    def update(self, z: Tensor, g: Tensor, state: tuple, rates: tuple, *, fused: bool = False) -> None:
        """One step of ``z`` along ``g``, in place."""
        (b,) = state
        (lr,) = rates
        b.mul_(self.momentum).add_(g)
        z.sub_(b * lr)

    def uses_fused(self, dtype: torch.dtype) -> bool:
        """False: SGD has no fused kernel here."""
        return False


OPTIMIZERS = ("adam", "sgd")
"""Names :func:`get_optimizer` accepts: ``Adam()`` and ``SGD()`` with their defaults."""


def get_optimizer(optimizer) -> Adam | SGD:
    """The record for ``optimizer``: a name in :data:`OPTIMIZERS`, or an :class:`Adam` / :class:`SGD`.

    >>> get_optimizer("sgd")
    SGD(momentum=0.9)
    >>> get_optimizer(Adam(b2=0.99)).b2
    0.99
    >>> get_optimizer("rmsprop")
    Traceback (most recent call last):
    ...
    paretolab.errors.ParetolabError: optimizer: expected one of ('adam', 'sgd') or an Adam or SGD record, got 'rmsprop'
    """
    if isinstance(optimizer, (Adam, SGD)):
        return optimizer
    if optimizer == "adam":
        return Adam()
    if optimizer == "sgd":
        return SGD()
    raise ParetolabError(f"optimizer: expected one of {OPTIMIZERS} or an Adam or SGD record, got {optimizer!r}")


def _check_fraction(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ParetolabError(f"{name}: expected a number in [0, 1), got {value!r}")


@functools.lru_cache(maxsize=None)
def _has_fused_adam(dtype: torch.dtype) -> bool:
    fused = getattr(torch, "_fused_adam_", None)
    if fused is None:
        return False
    probe, count = torch.zeros(1, dtype=dtype), torch.zeros((), dtype=torch.float32)
    try:
        fused([probe], [probe.clone()], [probe.clone()], [probe.clone()], [], [count], amsgrad=False, lr=0.1,
              beta1=0.9, beta2=0.999, weight_decay=0.0, eps=1e-8, maximize=False)
    except (RuntimeError, TypeError, NotImplementedError):
        return False
    return True
