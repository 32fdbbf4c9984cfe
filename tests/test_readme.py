"""The README's commands are the ones CI runs, and its code example runs."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]


def readme_blocks(lang: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def test_ci_runs_the_readme_test_command():
    setup_and_test = readme_blocks("bash")[1].strip()
    assert "pytest" in setup_and_test and "torch==2.13.0" in setup_and_test
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert setup_and_test in ci


def test_readme_main_command_installs_cpu_torch_first():
    main = readme_blocks("bash")[0].strip()
    assert "torch==2.13.0" in main and main.endswith("paretolab run")


def test_readme_python_examples_run(tmp_path, monkeypatch):
    first, own_problem, own_loop, optuna_loop = readme_blocks("python")
    namespace: dict = {}
    exec(compile(first, "README.md", "exec"), namespace)
    region, front = namespace["region"], namespace["front"]
    assert abs(region.alpha - 1.0) < 1e-9
    assert all(len(front[a:b]) > 0 for a, b in region.cores)
    assert namespace["supported"].sum() < len(front) // 2
    namespace = {}
    exec(compile(own_problem, "README.md", "exec"), namespace)
    result = namespace["result"]
    assert len(result) == 7 * 16 and result.reached().shape[1] == 2
    namespace = {}
    exec(compile(own_loop, "README.md", "exec"), namespace)
    assert abs(namespace["l1"] - 1.0) < 1e-3  # the eps-constraint run ends on its bound
    assert 0 < namespace["l0"] < 1.0  # and fits (least squares has mean |w| = 1.3 and L0 = 0.01)
    monkeypatch.chdir(tmp_path)  # the Optuna example writes study.db where it runs
    namespace = {}
    exec(compile(optuna_loop, "README.md", "exec"), namespace)
    report = namespace["report"]
    assert len(report.runs) == 20 and report.tunable == "no"
    assert [round(g.alpha, 2) for g in report.gaps if g.kind != "unresolved"] == [1.0]

