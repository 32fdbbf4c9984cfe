"""Scalarisations: formulas, the alpha convention, what each one reaches on a concave front."""

import numpy as np
import pytest
import torch

from paretolab.front import is_supported, pareto_front
from paretolab.scalarize import chebyshev, linear, make_scalarizer, mdmm

T = lambda a: torch.as_tensor(np.asarray(a, dtype=float))  # noqa: E731


def concave_front(n=401):
    t = np.linspace(0, np.pi / 2, n)
    return np.c_[np.sin(t), np.cos(t)]


def test_linear_formula_and_weights():
    f = T([[1.0, 2.0], [3.0, 4.0], [0.5, 0.0]])
    alpha = T([0.0, 1.0, 10.0])
    np.testing.assert_allclose(linear(f, alpha).numpy(), [1.0, 7.0, 0.5])
    np.testing.assert_allclose(linear(f, 2.0).numpy(), [5.0, 11.0, 0.5])
    f3 = T([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]])
    np.testing.assert_allclose(linear(f3, T([0.5, 0.25, 0.25])).numpy(), [1.75, 0.25])
    np.testing.assert_allclose(linear(f3, T([[1, 0, 0], [0, 1, 0]])).numpy(), [1.0, 1.0])
    with pytest.raises(ValueError, match="alpha: expected"):
        linear(f3, 0.5)  # m = 3 needs weights
    with pytest.raises(ValueError, match="alpha: expected"):
        linear(f, T([1.0, 2.0]))  # wrong number of runs


def test_linear_reaches_only_the_ends_of_a_concave_front_chebyshev_reaches_the_middle():
    front = concave_front(4001)
    f = T(front)
    supported = is_supported(front)
    for a in [0.2, 0.5, 0.9, 1.1, 2.0, 5.0]:
        i_lin = int(torch.argmin(linear(f, a)))
        assert supported[i_lin] and i_lin in (0, len(front) - 1)
        i_ch = int(torch.argmin(chebyshev(f, a)))
        # Chebyshev with ideal (0, 0) lands where L0 = alpha * L1
        assert not supported[i_ch]
        assert front[i_ch, 0] == pytest.approx(a * front[i_ch, 1], abs=2e-3)


def test_chebyshev_ideal_point_and_augmented_form():
    f = T([[2.0, 3.0], [4.0, 1.5]])
    z = [1.0, 1.0]
    # w = (1, alpha): max(L0 - z0, alpha (L1 - z1))
    np.testing.assert_allclose(chebyshev(f, 2.0, ideal=z).numpy(), [max(1.0, 4.0), max(3.0, 1.0)])
    rho = 0.05
    aug = chebyshev(f, 2.0, ideal=z, augment=rho).numpy()
    np.testing.assert_allclose(aug, [4.0 + rho * (1.0 + 4.0), 3.0 + rho * (3.0 + 1.0)])
    # three objectives with simplex weights
    f3 = T([[1.0, 2.0, 3.0]])
    assert float(chebyshev(f3, T([0.5, 0.25, 0.25]))) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="ideal"):
        chebyshev(f, 1.0, ideal=[0.0, 0.0, 0.0])


def test_augmented_chebyshev_breaks_weak_optimality_ties():
    # two points, the second weakly dominated: plain Chebyshev ties, augmented prefers the first
    f = T([[1.0, 1.0], [1.0, 0.5]])
    plain = chebyshev(f, 1.0)
    assert float(plain[0]) == float(plain[1])
    aug = chebyshev(f, 1.0, augment=0.01)
    assert float(aug[1]) < float(aug[0])


def test_mdmm_values_and_multiplier_gradient_sign():
    f = T([[1.0, 0.7], [1.0, 0.2]])
    eps = T([0.5, 0.5])
    lam = T([[0.3], [0.3]]).requires_grad_(True)
    c = 2.0
    eq = mdmm(f, eps, lam, damping=c, constraint="eq")
    h = np.array([0.2, -0.3])
    np.testing.assert_allclose(eq.detach().numpy(), 1.0 + 0.3 * h + 0.5 * c * h**2)
    (g,) = torch.autograd.grad(eq.sum(), lam)
    np.testing.assert_allclose(g.numpy()[:, 0], h)  # d/d lambda = h: ascent raises lambda when violated
    le = mdmm(f, eps, lam, damping=c, constraint="le")
    expected = 1.0 + (np.maximum(0, 0.3 + c * h) ** 2 - 0.09) / (2 * c)
    np.testing.assert_allclose(le.detach().numpy(), expected)
    with pytest.raises(ValueError, match="constraint"):
        mdmm(f, eps, lam, constraint="ge")
    with pytest.raises(ValueError, match="damping"):
        mdmm(f, eps, lam, damping=0.0)


def test_mdmm_saddle_is_the_constrained_optimum_on_a_front():
    # On a sampled concave front, minimising L0 subject to L1 = eps picks the front point with
    # L1 = eps; the damped Lagrangian at the right multiplier is minimised there too.
    front = pareto_front(concave_front(2001))
    eps = 0.6
    i = int(np.argmin(np.abs(front[:, 1] - eps)))
    # multiplier: lambda = -dL0/dL1 along the front
    lam = -np.gradient(front[:, 0], front[:, 1])[i]
    vals = mdmm(T(front), eps, torch.full((len(front), 1), lam, dtype=torch.float64), damping=10.0)
    assert abs(int(torch.argmin(vals)) - i) <= 2


def test_inputs_not_modified_and_make_scalarizer():
    f = T([[1.0, 2.0]])
    before = f.clone()
    linear(f, 1.0), chebyshev(f, 1.0, ideal=[0.5, 0.5], augment=0.1)
    mdmm(f, 1.0, T([[0.0]]))
    assert torch.equal(f, before)
    s = make_scalarizer("mdmm", [0.5], damping=3.0)
    assert s.n_multipliers == 1 and s.method == "mdmm"
    assert float(s(f, T([[0.0]]))) == pytest.approx(1.0 + 1.5 * 1.5**2)
    s = make_scalarizer("chebyshev", [2.0, 3.0])
    np.testing.assert_allclose(s.scale.numpy(), [3.0, 4.0])
    with pytest.raises(ValueError, match=r"method: expected one of \('linear', 'chebyshev', 'mdmm'\), got 'lin'"):
        make_scalarizer("lin", [1.0])
