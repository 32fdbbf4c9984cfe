"""The command line: --version, --help and the demo, in-process and as `python -m paretolab`."""

import io
import re
import subprocess
import sys

import paretolab
from paretolab import cli


def test_version_and_help_via_python_m():
    out = subprocess.run(
        [sys.executable, "-m", "paretolab", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"paretolab {paretolab.__version__}"
    out = subprocess.run(
        [sys.executable, "-m", "paretolab", "--help"], capture_output=True, text=True, check=True
    )
    assert "usage: paretolab" in out.stdout and "demo" in out.stdout


def test_demo_reports_regions_with_alpha_star():
    buf = io.StringIO()
    assert cli.demo(out=buf) == 0
    text = buf.getvalue()
    blocks = dict(re.findall(r"^(\w+): .*?\n(.*?)(?=^\w+: |\Z)", text, flags=re.S | re.M))
    assert "no concave region" in blocks["convex"]
    assert "alpha* = 1" in blocks["concave"] and "2 supported" in blocks["concave"]
    assert "alpha* = 1" in blocks["fonseca"] and "locally concave core" in blocks["fonseca"]
