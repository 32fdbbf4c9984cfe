"""check_problem: every built-in problem passes; each check fails, by name, on a broken one."""

import logging
import math
import re
from dataclasses import replace

import numpy as np
import pytest
import torch

from paretolab.errors import ParetolabError, ProblemCheckError
from paretolab.problems import Problem, get_problem, problem_names
from paretolab.testing import (
    check_front_order,
    check_pareto_set_on_front,
    check_problem,
    check_rows_independent,
    problem_checks,
)

C = 1 / math.sqrt(2)


def parabolas(x):
    """Two squared distances, row by row: (B, 2) -> (B, 2)."""
    return torch.stack([((x - C) ** 2).sum(1), ((x + C) ** 2).sum(1)], dim=1)


def pareto_set(n):
    s = np.linspace(1.0, -1.0, n)
    return np.c_[s * C, s * C]


def front(n):
    s = np.linspace(1.0, -1.0, n)
    return np.c_[(s - 1) ** 2, (s + 1) ** 2]


GOOD = Problem("good", 2, 2, parabolas, (-2.0, 2.0), front=front, pareto_set=pareto_set)


def fails(problem, check):
    """check_problem raises for ``check`` first, naming the check and the problem."""
    prefix = f"{check}: problem '{problem.name}': "
    with pytest.raises(ProblemCheckError, match="^" + re.escape(prefix)) as info:
        check_problem(problem)
    return str(info.value)[len(prefix):]


# --------------------------------------------------------------------------- passing
@pytest.mark.parametrize("name", problem_names())
def test_every_registered_problem_passes(name):
    problem = get_problem(name)
    ran = check_problem(problem)
    assert ran == tuple(c.__name__ for c in problem_checks(problem))
    assert ran[:6] == ("check_sample", "check_shapes", "check_input_unchanged", "check_finite_values",
                       "check_finite_gradients", "check_rows_independent")
    has_front = problem.front is not None and problem.pareto_set is not None
    assert ("check_pareto_set_on_front" in ran) == has_front
    assert ("check_front_order" in ran) == (has_front and problem.n_obj == 2)


@pytest.mark.parametrize("name, options", [("fonseca", {"n_var": 1}), ("zdt1", {"n_var": 2}),
                                           ("dtlz2", {"n_var": 3}), ("mlp", {"hidden": 1})])
def test_small_variants_pass(name, options):
    assert check_problem(get_problem(name, **options), n_points=16, seed=3)


def test_a_user_problem_without_front_runs_the_core_checks(caplog):
    mine = replace(GOOD, name="mine", front=None, pareto_set=None)
    with caplog.at_level(logging.INFO, logger="paretolab.testing"):
        assert check_problem(mine)[-1] == "check_rows_independent"
    assert "check_problem: problem 'mine' passed" in caplog.text
    assert "check_pareto_set_on_front" in caplog.text  # listed as not applicable


def test_accepts_a_registered_name_and_validates_its_options():
    assert check_problem("dent", n_points=8) == check_problem(get_problem("dent"), n_points=8)
    with pytest.raises(ParetolabError, match="n_points: expected an integer >= 2"):
        check_problem(GOOD, n_points=1)
    with pytest.raises(ParetolabError, match="seed: expected an integer >= 0"):
        check_problem(GOOD, seed=-1)
    with pytest.raises(ParetolabError, match="problem: expected one of the registered names"):
        check_problem("nope")


def test_the_error_is_the_library_error():
    assert issubclass(ProblemCheckError, ParetolabError) and issubclass(ProblemCheckError, ValueError)


# --------------------------------------------------------------------------- rows
def test_batch_mean_couples_rows():
    def centred(x):
        return parabolas(x - x.mean(0))

    msg = fails(replace(GOOD, name="batch_mean", objectives=centred), "check_rows_independent")
    assert re.match(r"row \d+ of the objectives changes when only row \d+ of the input changes "
                    r"\(a batch mean or sum couples runs", msg), msg


def test_coupling_hidden_from_autograd_is_found_by_perturbation():
    def detached(x):
        return parabolas(x - x.detach().sum(0))

    msg = fails(replace(GOOD, name="detached_sum", objectives=detached), "check_rows_independent")
    assert "changes when only row" in msg


def test_coupling_seen_only_by_autograd():
    def zero_valued(x):  # adds exactly 0, yet every row's gradient reaches every other row
        return parabolas(x + (x - x.detach()).sum(0))

    msg = fails(replace(GOOD, name="grad_coupled", objectives=zero_valued), "check_rows_independent")
    assert re.match(r"the gradient of row \d+ of the objectives is nonzero on row \d+ of the input", msg), msg


# --------------------------------------------------------------------------- shapes
def test_wrong_output_shape():
    def transposed(x):
        return parabolas(x).T

    msg = fails(replace(GOOD, name="transposed", objectives=transposed), "check_shapes")
    assert re.search(r"of a \((\d+), 2\) float64 tensor: expected shape \(\1, 2\) = \(B, n_obj\), "
                     r"got \(2, \1\)$", msg), msg


def test_one_row_squeezed_away():
    def squeezed(x):
        return parabolas(x).squeeze()

    msg = fails(replace(GOOD, name="squeezed", objectives=squeezed), "check_shapes")
    assert "of a (1, 2) float64 tensor: expected shape (1, 2) = (B, n_obj), got (2,)" in msg


def test_float32_in_float64_out():
    def promoted(x):
        return parabolas(x.double())

    msg = fails(replace(GOOD, name="promoted", objectives=promoted), "check_shapes")
    assert "expected dtype torch.float32 (the input's), got torch.float64" in msg


def test_numpy_output_and_raising_objectives():
    def in_numpy(x):
        return parabolas(x).numpy()

    assert "returned a ndarray, expected a torch tensor" in fails(
        replace(GOOD, name="numpy_out", objectives=in_numpy), "check_shapes")

    def third_variable(x):
        return torch.stack([x[:, 0], x[:, 2]], dim=1)

    assert "raised IndexError: index 2 is out of bounds" in fails(
        replace(GOOD, name="raises", objectives=third_variable), "check_shapes")


# --------------------------------------------------------------------------- finite values and gradients
def test_nan_in_a_corner_of_the_box():
    def ratio(x):  # 0/0 at the corner (0, 0) only
        return torch.stack([x[:, 0] / (x[:, 0] + x[:, 1]), (x ** 2).sum(1)], dim=1)

    msg = fails(Problem("nan_corner", 2, 2, ratio, (0.0, 1.0)), "check_finite_values")
    assert msg.startswith("objective 0 is nan at x = [0., 0.] (a corner of the box)"), msg


def test_infinite_gradient_on_the_box_edge():
    def root(x):  # finite values, but d sqrt(x0) / dx0 = inf at x0 = 0
        return torch.stack([torch.sqrt(x[:, 0]), ((x - 1) ** 2).sum(1)], dim=1)

    msg = fails(Problem("sqrt_edge", 2, 2, root, (0.0, 1.0)), "check_finite_gradients")
    assert msg.startswith("the gradient of objective 0 is inf in variable 0 at x = [0., 0.]"), msg


def test_objectives_cut_from_autograd():
    def detached(x):
        return parabolas(x).detach()

    msg = fails(replace(GOOD, name="detached", objectives=detached), "check_finite_gradients")
    assert "not differentiable" in msg


# --------------------------------------------------------------------------- input
def test_objectives_that_modify_x_in_place():
    def squares_in_place(x):
        x.mul_(2)
        return parabolas(x)

    msg = fails(replace(GOOD, name="in_place", objectives=squares_in_place), "check_input_unchanged")
    assert msg.startswith("objectives(x) modifies its input in place: x[0, 0] went from"), msg


def test_in_place_write_that_keeps_the_values():
    def clamps_in_place(x):  # a no-op inside the box, a RuntimeError under autograd
        x.clamp_(-2.0, 2.0)
        return parabolas(x)

    msg = fails(replace(GOOD, name="clamp_", objectives=clamps_in_place), "check_input_unchanged")
    assert "writes into its input in place" in msg


# --------------------------------------------------------------------------- sample
def test_init_outside_the_box():
    def wide(n, generator, dtype):
        return 3 * torch.rand(n, 2, generator=generator, dtype=dtype)

    msg = fails(replace(GOOD, name="wide_init", init=wide), "check_sample")
    assert re.search(r"problem.sample\(256, seed=0\) leaves the box: row \d+, variable \d is "
                     r"[\d.]+, outside \[-2, 2\]", msg), msg


def test_init_ignoring_the_generator():
    def global_rng(n, generator, dtype):
        return torch.rand(n, 2, dtype=dtype)

    msg = fails(replace(GOOD, name="global_rng", init=global_rng), "check_sample")
    assert "differs between two calls with the same seed" in msg


def test_init_with_the_wrong_shape():
    def flat(n, generator, dtype):
        return torch.rand(n * 2, generator=generator, dtype=dtype)

    assert "raised ParetolabError: init: expected a tensor of shape (256, 2)" in fails(
        replace(GOOD, name="flat_init", init=flat), "check_sample")


# --------------------------------------------------------------------------- front and Pareto set
def test_pareto_set_that_misses_the_front():
    def shifted(n):
        return pareto_set(n) + 0.01

    msg = fails(replace(GOOD, name="shifted_set", pareto_set=shifted), "check_pareto_set_on_front")
    assert "objectives(pareto_set(256)) differs from front(256) in row 0" in msg
    assert "tolerance 1e-06" in msg


def test_pareto_set_within_the_tolerance_passes():
    def nudged(n):  # 1e-9 of the front's extent (4) off
        return pareto_set(n) + 1e-9

    assert check_pareto_set_on_front(replace(GOOD, name="nudged", pareto_set=nudged)) is None


def test_front_in_the_wrong_order():
    def reversed_front(n):
        return front(n)[::-1]

    def reversed_set(n):
        return pareto_set(n)[::-1]

    msg = fails(replace(GOOD, name="reversed", front=reversed_front, pareto_set=reversed_set),
                "check_front_order")
    assert msg.startswith("front(256) is not in pareto_front order (L0 increasing, L1 decreasing): "
                          "L0 goes from 4 in row 0 to"), msg


def test_front_with_a_dominated_point():
    def with_dominated(n):
        f = front(n)
        f[n // 2] += 0.5
        return f

    msg = fails(replace(GOOD, name="dominated", front=with_dominated, pareto_set=None),
                "check_front_nondominated")
    assert msg.startswith("front(256) has dominated points: row 128"), msg


def test_pareto_set_outside_the_box():
    def outside(n):
        return 3 * pareto_set(n)

    msg = fails(replace(GOOD, name="outside_set", pareto_set=outside), "check_pareto_set_in_box")
    assert "pareto_set(256) leaves the box: row 0, variable 0 is 2.12132, outside [-2, 2]" in msg


def test_a_front_check_on_a_problem_without_front():
    bare = replace(GOOD, name="bare", front=None)
    with pytest.raises(ProblemCheckError, match=r"^check_front_order: problem 'bare': the problem has no front"):
        check_front_order(bare)
    assert "check_front_order" not in [c.__name__ for c in problem_checks(bare)]


# --------------------------------------------------------------------------- determinism
def test_checks_are_seeded():
    def centred(x):
        return parabolas(x - x.mean(0))

    coupled = replace(GOOD, name="coupled", objectives=centred)
    messages = set()
    for _ in range(2):
        with pytest.raises(ProblemCheckError) as info:
            check_rows_independent(coupled, n_points=32, seed=7)
        messages.add(str(info.value))
    assert len(messages) == 1
