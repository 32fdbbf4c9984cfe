"""Scalarisations: formulas, the alpha convention, what each one reaches on a concave front."""

import copy
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from paretolab.front import is_supported, pareto_front
from paretolab.scalarize import Chebyshev, EpsilonConstraint, WeightedSum, chebyshev, epsilon_constraint, linear, make_scalarizer

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
    eq = epsilon_constraint(f, eps, lam, damping=c, constraint="eq")
    h = np.array([0.2, -0.3])
    np.testing.assert_allclose(eq.detach().numpy(), 1.0 + 0.3 * h + 0.5 * c * h**2)
    (g,) = torch.autograd.grad(eq.sum(), lam)
    np.testing.assert_allclose(g.numpy()[:, 0], h)  # d/d lambda = h: ascent raises lambda when violated
    le = epsilon_constraint(f, eps, lam, damping=c, constraint="le")
    expected = 1.0 + (np.maximum(0, 0.3 + c * h) ** 2 - 0.09) / (2 * c)
    np.testing.assert_allclose(le.detach().numpy(), expected)
    with pytest.raises(ValueError, match="constraint"):
        epsilon_constraint(f, eps, lam, constraint="ge")
    with pytest.raises(ValueError, match="damping"):
        epsilon_constraint(f, eps, lam, damping=0.0)


def test_mdmm_saddle_is_the_constrained_optimum_on_a_front():
    # On a sampled concave front, minimising L0 subject to L1 = eps picks the front point with
    # L1 = eps; the damped Lagrangian at the right multiplier is minimised there too.
    front = pareto_front(concave_front(2001))
    eps = 0.6
    i = int(np.argmin(np.abs(front[:, 1] - eps)))
    # multiplier: lambda = -dL0/dL1 along the front
    lam = -np.gradient(front[:, 0], front[:, 1])[i]
    vals = epsilon_constraint(T(front), eps, torch.full((len(front), 1), lam, dtype=torch.float64), damping=10.0)
    assert abs(int(torch.argmin(vals)) - i) <= 2


def test_inputs_not_modified_and_make_scalarizer():
    f = T([[1.0, 2.0]])
    before = f.clone()
    linear(f, 1.0), chebyshev(f, 1.0, ideal=[0.5, 0.5], augment=0.1)
    epsilon_constraint(f, 1.0, T([[0.0]]))
    assert torch.equal(f, before)
    s = make_scalarizer("eps", [0.5], damping=3.0)
    assert s.n_multipliers == 1 and s.method == "eps"
    assert float(s(f, multipliers=T([[0.0]]))) == pytest.approx(1.0 + 1.5 * 1.5**2)
    s = make_scalarizer("chebyshev", [2.0, 3.0])
    np.testing.assert_allclose(s.scale.numpy(), [3.0, 4.0])
    with pytest.raises(ValueError, match=r"method: expected one of \('linear', 'chebyshev', 'eps'\), got 'lin'"):
        make_scalarizer("lin", [1.0])


# ---------------------------------------------------------------- the torch modules
def _values(m, B, gen):
    """Per-run alpha (m = 2) or weights (m > 2), eps, and multipliers for B runs."""
    alpha = 5 * torch.rand(B, generator=gen, dtype=torch.float64) if m == 2 else \
        torch.rand(B, m, generator=gen, dtype=torch.float64)
    eps = torch.rand(B, generator=gen, dtype=torch.float64) if m == 2 else \
        torch.rand(B, m - 1, generator=gen, dtype=torch.float64)
    lam = 4 * torch.rand(B, m - 1, generator=gen, dtype=torch.float64) - 2
    return alpha, eps, lam


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), B=st.integers(1, 5), m=st.integers(2, 4),
       mu=st.sampled_from([0.0, 1e-3, 0.5]), rho=st.sampled_from([0.0, 0.05]),
       constraint=st.sampled_from(["eq", "le"]))
def test_one_run_equals_the_batch_row_by_row(seed, B, m, mu, rho, constraint):
    gen = torch.Generator().manual_seed(seed)
    f = 3 * torch.rand(B, m, generator=gen, dtype=torch.float64) - 1
    alpha, eps, lam = _values(m, B, gen)
    ideal = (-torch.rand(m, generator=gen, dtype=torch.float64)).tolist()
    kw = dict(n_obj=m, dtype=torch.float64)
    makers = [lambda v: WeightedSum(v, **kw), lambda v: Chebyshev(v, ideal=ideal, augment=rho, smooth=mu, **kw)]
    for make, values in [(makers[0], alpha), (makers[1], alpha),
                         (lambda v: EpsilonConstraint(v, damping=2.0, constraint=constraint, **kw), eps)]:
        batch = make(values)
        if batch.n_multipliers:
            batch.multiplier.data = lam.clone()
        out = batch(f)
        assert out.shape == (B,)
        for i in range(B):
            one = make(values[i])
            if one.n_multipliers:
                one.multiplier.data = lam[i].clone()
            got = [one(f[i]), one(*f[i])]
            for g in got:
                assert g.shape == ()
                torch.testing.assert_close(g, out[i], rtol=1e-13, atol=1e-15, msg=f"seed {seed}, {batch}, run {i}")


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), m=st.integers(2, 5), mu=st.floats(1e-4, 10.0), shift=st.floats(-50, 50))
def test_smooth_chebyshev_lies_between_tch_and_tch_plus_mu_log_m(seed, m, mu, shift):
    gen = torch.Generator().manual_seed(seed)
    f = shift + 10 * torch.rand(16, m, generator=gen, dtype=torch.float64)
    w = torch.rand(16, m, generator=gen, dtype=torch.float64) + 0.01
    ideal = [shift - 1.0] * m
    tch = chebyshev(f, w, ideal=ideal)
    smooth = chebyshev(f, w, ideal=ideal, smooth=mu)
    tol = 1e-12 * (1 + tch.abs())
    assert (smooth >= tch - tol).all(), f"seed {seed}"
    assert (smooth <= tch + mu * math.log(m) + tol).all(), f"seed {seed}"
    # the module gives the same, and the bound is tight for equal terms
    np.testing.assert_array_equal(Chebyshev(w, ideal=ideal, smooth=mu, n_obj=m, dtype=torch.float64)(f).numpy(),
                                  smooth.numpy())
    equal = chebyshev(torch.ones(1, m, dtype=torch.float64), 1.0 if m == 2 else torch.ones(m), smooth=mu)
    assert float(equal) == pytest.approx(1.0 + mu * math.log(m), rel=1e-12)


def test_epsilon_constraint_with_one_optimizer_on_a_torch_model():
    # least squares subject to mean |w| = eps: one SGD over the model and the objective does
    # descent on the weights and ascent on the multiplier (the hook flips its gradient)
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(128, 5, generator=gen)
    y = X @ torch.tensor([1.0, -2.0, 0.5, 0.0, 3.0]) + 0.1 * torch.randn(128, generator=gen)
    torch.manual_seed(0)
    for eps, constraint in [(1.0, "eq"), (1.0, "le"), (2.0, "le")]:
        model = torch.nn.Linear(5, 1, bias=False)
        objective = EpsilonConstraint(eps, damping=1.0, constraint=constraint)
        opt = torch.optim.SGD([*model.parameters(), *objective.parameters()], lr=0.05)
        for _ in range(2000):
            opt.zero_grad()
            l0 = ((model(X)[:, 0] - y) ** 2).mean()
            l1 = model.weight.abs().mean()
            objective(l0, l1).backward()
            opt.step()
            objective.project_()
        lam = objective.multiplier.item()
        if eps == 1.0:  # binding (least squares has mean |w| = 1.3): on the bound, lambda > 0
            assert abs(l1.item() - eps) < 2e-3, (constraint, l1.item())
            assert lam > 1.0
        else:  # slack: lambda falls to 0 and stays there, the model is least squares
            assert l1.item() < eps - 0.5 and lam == 0.0


def test_multiplier_ascent_by_a_hook_that_survives_copies():
    f = torch.tensor([[1.0, 0.7], [1.0, 0.2]], dtype=torch.float64)
    objective = EpsilonConstraint([0.5, 0.5], damping=2.0, dtype=torch.float64)
    assert objective.multiplier.shape == (2, 1) and objective.multiplier_min == -math.inf
    for obj in (objective, copy.deepcopy(objective)):
        obj.zero_grad()
        obj(f).sum().backward()
        np.testing.assert_allclose(obj.multiplier.grad.numpy()[:, 0], [-0.2, 0.3])  # -h: ascent by descent
    one = EpsilonConstraint(0.5, constraint="le")
    assert one.multiplier.shape == (1,) and one.multiplier_min == 0.0
    with torch.no_grad():
        one.multiplier.fill_(-1.0)
    assert one.project_().multiplier.item() == 0.0


def test_modules_expose_what_the_trainer_reads_with_hashable_settings():
    a = make_scalarizer("chebyshev", [0.5, 2.0], ideal=np.array([-1.0, 0.0]), augment=0.1)
    b = make_scalarizer("chebyshev", [3.0, 4.0], ideal=[-1, 0], augment=0.1)
    assert type(a) is Chebyshev and a.settings == b.settings and hash(a.settings) == hash(b.settings)
    assert a.loss_fn is b.loss_fn and a.n_runs == 2 and a.multiplier_min == -math.inf
    assert make_scalarizer("chebyshev", [0.5], augment=0.2).settings != a.settings
    e = make_scalarizer("eps", [0.1, 0.2, 0.3], 2, damping=4)
    assert e.method == "eps" and e.scale is None and e.n_multipliers == 1 and e.settings == (
        ("damping", 4.0), ("constraint", "eq"))
    w3 = WeightedSum([0.2, 0.3, 0.5], n_obj=3)  # one weight vector shared by every run
    assert w3.n_runs is None and w3.scale.tolist() == pytest.approx([1.0])
    np.testing.assert_allclose(w3(torch.tensor([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]])).numpy(), [2.3, 0.3])
    # the module call is the batch loss with the module's own values (and multipliers)
    f = torch.tensor([[1.0, 2.0], [0.5, 0.1], [0.2, 0.3]], dtype=torch.float64)
    np.testing.assert_array_equal(a(f[:2]).numpy(), a.loss(f[:2], a.values).numpy())
    lam = torch.ones(3, 1, dtype=torch.float64)
    np.testing.assert_array_equal(e(f, multipliers=lam).numpy(), e.loss(f, e.values, lam).numpy())
    zeros = torch.zeros(3, 1, dtype=torch.float64)
    np.testing.assert_array_equal(e(f).detach().numpy(), e.loss(f, e.values, zeros).numpy())


def test_module_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"alpha: expected a number or shape \(B,\) for two objectives.*"
                                         r"got shape \(1, 3\)"):
        WeightedSum([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match=r"epsilon: expected .* \(B, 2\) for n_obj = 3; got shape \(3,\)"):
        EpsilonConstraint([0.1, 0.2, 0.3], n_obj=3)
    with pytest.raises(ValueError, match="ideal: expected 2 finite numbers"):
        Chebyshev(1.0, ideal=[0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="augment: expected a number >= 0, got -0.1"):
        Chebyshev(1.0, augment=-0.1)
    with pytest.raises(ValueError, match="smooth: expected a number >= 0"):
        make_scalarizer("chebyshev", [1.0], smooth=float("nan"))
    with pytest.raises(ValueError, match="damping: expected a number > 0, got 0"):
        EpsilonConstraint(0.5, damping=0)
    with pytest.raises(ValueError, match=r"constraint: expected one of \('eq', 'le'\), got 'ge'"):
        make_scalarizer("eps", [0.5], constraint="ge")
    with pytest.raises(ValueError, match="n_obj: expected an integer >= 2, got 1"):
        WeightedSum(1.0, n_obj=1)
    two = WeightedSum([1.0, 2.0])
    with pytest.raises(ValueError, match="losses: this WeightedSum holds the values of 2 runs"):
        two(torch.tensor(1.0), torch.tensor(2.0))
    with pytest.raises(ValueError, match="losses: expected the losses of 2 runs"):
        two(torch.ones(3, 2))
    with pytest.raises(ValueError, match=r"losses: expected a \(B, 2\) batch, 2 scalar tensors"):
        WeightedSum(1.0)(torch.ones(3))
    with pytest.raises(ValueError, match="epsilon: this EpsilonConstraint holds one run's multiplier"):
        EpsilonConstraint(0.5)(torch.ones(3, 2))
