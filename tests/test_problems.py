"""Contract test over every registered problem, plus checks of the analytic fronts."""

import numpy as np
import pytest
import torch

from paretolab.front import is_nondominated, pareto_front
from paretolab.problems import Problem, get_problem, problem_descriptions, problem_names

ALL = problem_names()


def test_registry_has_the_issue_problems():
    wanted = {"convex", "fonseca", "dent", "zdt1", "zdt2", "zdt3", "hadamard_lasso",
              "hadamard_ridge", "mlp", "dtlz2"}
    assert wanted <= set(ALL)
    assert any(get_problem(n).n_obj == 3 for n in ALL)
    assert all(problem_descriptions()[n] for n in ALL)


@pytest.mark.parametrize("name", ALL)
def test_contract(name):
    p = get_problem(name)
    assert isinstance(p, Problem) and p.name == name and p.description
    lo, hi = p.box()
    assert lo.shape == hi.shape == (p.n_var,) and (lo < hi).all()
    gen = torch.Generator().manual_seed(123)
    # random points anywhere in the box, and the problem's own initial points
    x_box = torch.as_tensor(lo) + torch.as_tensor(hi - lo) * torch.rand(64, p.n_var, generator=gen, dtype=torch.float64)
    x_init = p.sample(64, seed=5)
    assert x_init.shape == (64, p.n_var)
    assert ((x_init >= torch.as_tensor(lo)) & (x_init <= torch.as_tensor(hi))).all()
    assert torch.equal(x_init, p.sample(64, seed=5)), "same seed, same initial points"
    for x in (x_box, x_init):
        x = x.clone().requires_grad_(True)
        f = p.evaluate(x)
        assert f.shape == (64, p.n_obj) and f.dtype == torch.float64
        assert torch.isfinite(f).all(), name
        for j in range(p.n_obj):
            (g,) = torch.autograd.grad(f[:, j].sum(), x, retain_graph=True)
            assert torch.isfinite(g).all(), f"{name}: objective {j} has a non-finite gradient"
        # rows are independent: row b of f depends on row b of x only
        (g,) = torch.autograd.grad(f[3].sum(), x)
        assert (g[torch.arange(64) != 3] == 0).all(), name
    # float32 works too
    assert p.evaluate(x_init.float()).dtype == torch.float32

    front = p.true_front(300)
    if front is None:
        assert p.pareto_set is None or p.front is None
        return
    assert front.shape[1] == p.n_obj and 250 <= front.shape[0] <= 300
    assert np.isfinite(front).all()
    assert is_nondominated(front).all(), f"{name}: analytic front has dominated points"
    if p.n_obj == 2:  # in pareto_front order, ready for concave_regions
        assert (np.diff(front[:, 0]) >= 0).all() and (np.diff(front[:, 1]) <= 0).all(), name
    ps = np.asarray(p.pareto_set(300))
    assert ps.shape == (front.shape[0], p.n_var)
    assert ((ps >= lo - 1e-12) & (ps <= hi + 1e-12)).all(), f"{name}: Pareto set leaves the box"
    on_surface = p.evaluate(torch.as_tensor(ps)).numpy()
    np.testing.assert_allclose(on_surface, front, atol=1e-10, err_msg=f"{name}: front off the objective surface")

    # No point of the problem dominates the analytic front: random points in the box and
    # points scattered around the Pareto set (kept in the box), shifted by a hair so that
    # rounding cannot make an on-front sample "dominate" its exact twin.
    near = np.clip(ps[np.arange(2000) % len(ps)] + 0.05 * np.random.default_rng(0).standard_normal((2000, p.n_var)), lo, hi)
    rand = lo + (hi - lo) * np.random.default_rng(1).random((4000, p.n_var))
    samples = p.evaluate(torch.as_tensor(np.vstack([near, rand]))).numpy() + 1e-9
    both = np.vstack([front, samples])
    assert is_nondominated(both)[: len(front)].all(), f"{name}: a sample dominates the analytic front"


@pytest.mark.parametrize("name", ["zdt1", "zdt2", "zdt3"])
def test_zdt_matches_pymoo(name):
    from pymoo.problems import get_problem as pymoo_problem

    ours = get_problem(name)
    ref = pymoo_problem(name)
    x = np.random.default_rng(2).random((500, ours.n_var))
    np.testing.assert_allclose(ours.evaluate(torch.as_tensor(x)).numpy(), ref.evaluate(x), rtol=1e-12, atol=1e-12)
    # pymoo's front lies on ours: same curve, and the same f1 pieces (ZDT3 is disconnected)
    theirs = pareto_front(ref.pareto_front(n_pareto_points=2000) if name != "zdt3" else ref.pareto_front())
    mine = ours.true_front(2000)
    x = np.zeros((len(theirs), ours.n_var))
    x[:, 0] = theirs[:, 0]
    np.testing.assert_allclose(ours.evaluate(torch.as_tensor(x)).numpy(), theirs, atol=1e-9)

    def pieces(f1):
        cut = np.flatnonzero(np.diff(f1) > 0.02)
        return np.c_[f1[np.r_[0, cut + 1]], f1[np.r_[cut, len(f1) - 1]]]

    np.testing.assert_allclose(pieces(mine[:, 0]), pieces(theirs[:, 0]), atol=3e-3)  # pymoo samples coarsely
    assert len(pieces(mine[:, 0])) == (5 if name == "zdt3" else 1)


def test_dtlz2_matches_pymoo_and_sphere():
    from pymoo.problems import get_problem as pymoo_problem

    ours = get_problem("dtlz2")
    ref = pymoo_problem("dtlz2", n_var=ours.n_var, n_obj=3)
    x = np.random.default_rng(3).random((500, ours.n_var))
    np.testing.assert_allclose(ours.evaluate(torch.as_tensor(x)).numpy(), ref.evaluate(x), rtol=1e-12, atol=1e-12)
    front = ours.true_front(500)
    np.testing.assert_allclose((front**2).sum(1), 1.0)


def test_fonseca_formula_and_option():
    p = get_problem("fonseca", n_var=3)
    assert p.n_var == 3
    x = np.random.default_rng(4).uniform(-4, 4, (50, 3))
    c = 1 / np.sqrt(3)
    expected = np.c_[1 - np.exp(-((x - c) ** 2).sum(1)), 1 - np.exp(-((x + c) ** 2).sum(1))]
    np.testing.assert_allclose(p.evaluate(torch.as_tensor(x)).numpy(), expected, rtol=1e-12)
    assert p.box()[0][0] == -4 and p.box()[1][0] == 4


def test_dent_formula():
    # jMetal's DENT, written out independently
    p = get_problem("dent")
    x = np.random.default_rng(5).uniform(-1.5, 1.5, (50, 2))
    x1, x2 = x.T
    d = 0.85 * np.exp(-((x1 - x2) ** 2))
    base = np.sqrt(1 + (x1 + x2) ** 2) + np.sqrt(1 + (x1 - x2) ** 2)
    expected = np.c_[0.5 * (base + x1 - x2) + d, 0.5 * (base - x1 + x2) + d]
    np.testing.assert_allclose(p.evaluate(torch.as_tensor(x)).numpy(), expected, rtol=1e-12)


def test_hadamard_fronts_shape():
    from paretolab.front import concave_regions

    lasso = get_problem("hadamard_lasso").true_front(401)
    ridge = get_problem("hadamard_ridge").true_front(401)
    # lasso: t = L1 in [0, 2], L0 = (1 - t^2/4)^2 / 2 (w1 = w2 = t/2)
    t = lasso[:, 1]
    np.testing.assert_allclose(lasso[:, 0], 0.5 * (1 - t**2 / 4) ** 2)
    assert t.min() == 0 and t.max() == 2
    assert concave_regions(pareto_front(lasso)), "lasso front must have a concave region"
    assert not concave_regions(pareto_front(ridge)), "ridge front must be convex"


def test_user_problem_and_errors():
    def fn(x):
        return torch.stack([(x**2).sum(1), ((x - 1) ** 2).sum(1)], dim=1)

    mine = Problem(name="mine", n_var=2, n_obj=2, objectives=fn, bounds=(-1, 2))
    assert get_problem(mine) is mine
    assert mine.true_front() is None
    x = mine.sample(10, seed=0)
    assert ((x >= -1) & (x <= 2)).all()
    with pytest.raises(ValueError, match="bounds"):
        Problem(name="bad", n_var=2, n_obj=2, objectives=fn, bounds=(1, 0))
    with pytest.raises(ValueError, match="n_obj"):
        Problem(name="bad", n_var=2, n_obj=1, objectives=fn, bounds=(0, 1))
    with pytest.raises(ValueError, match=r"problem: expected one of the registered names \[.*'fonseca'"):
        get_problem("fonsecca")
    with pytest.raises(ValueError, match="n_var"):
        get_problem("fonseca", n_var=0)
    with pytest.raises(ValueError, match="options for problem 'dent'"):
        get_problem("dent", n_var=3)
    with pytest.raises(ValueError, match=r"x: expected shape \(B, 2\)"):
        mine.evaluate(torch.zeros(3, 3))
    bad_shape = Problem(name="bad", n_var=2, n_obj=2, objectives=lambda x: x.sum(1), bounds=(0, 1))
    with pytest.raises(ValueError, match="expected shape"):
        bad_shape.evaluate(torch.zeros(3, 2))


def test_zdt_gradient_at_the_box_edge_points_back_inside():
    """At x1 = 0, sqrt(f1/g) has an infinite slope: the gradient must push x1 up (and stay
    finite), or a run projected onto the edge would look stationary without being so."""
    import torch

    from paretolab.problems import get_problem

    for name in ("zdt1", "zdt3"):
        x = torch.zeros(1, 30, dtype=torch.float64, requires_grad=True)
        f = get_problem(name).objectives(x)
        (f[:, 0] + 0.1 * f[:, 1]).sum().backward()
        assert torch.isfinite(x.grad).all() and x.grad[0, 0] < -1e3, name
        assert f[0, 1].item() == 1.0  # the value is exact at the edge
