"""Input files as users have them (issue 13, item 9): a byte-order mark, semicolons or tabs,
blank lines before the header, a directory, UTF-16, binary garbage. Real files in tmp_path, read
through :func:`paretolab.read_runs` and through ``paretolab analyze``."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest

from paretolab import cli
from paretolab.errors import ParetolabError
from paretolab.sources import read_runs

ROWS = [["alpha", "seed", "L0", "L1"], ["0.5", "0", "0", "1"], ["0.5", "1", "0", "1"], ["1", "0", "0.3", "0.3"],
        ["1", "1", "0.3", "0.3"], ["2", "0", "1", "0"], ["2", "1", "1", "0"]]


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def table(delimiter=","):
    return "".join(delimiter.join(row) + "\n" for row in ROWS)


def assert_same_runs(got, want):
    assert got.names == want.names == ("L0", "L1")
    assert got.method.tolist() == want.method.tolist()
    np.testing.assert_array_equal(got.alpha, want.alpha)
    np.testing.assert_array_equal(got.seed, want.seed)
    np.testing.assert_array_equal(got.objectives, want.objectives)


@pytest.fixture
def plain(tmp_path):
    return read_runs(write(tmp_path / "plain.csv", table()))


def analyze(path):
    out, err = io.StringIO(), io.StringIO()
    code = cli.analyze_command(cli.build_parser().parse_args(["analyze", str(path)]), out=out, err=err)
    return code, out.getvalue().replace(str(path), "FILE"), err.getvalue()


def test_bom_csv_reads_like_the_plain_one(tmp_path, plain):
    # Before: Excel's "CSV UTF-8" starts with a BOM; the first column was read as "\ufeffalpha", so
    # alpha was lost without a word and the verdict was made without the weighted-sum runs.
    runs = read_runs(write(tmp_path / "bom.csv", table(), "utf-8-sig"))
    assert_same_runs(runs, plain)
    assert runs.alpha.tolist() == [0.5, 0.5, 1, 1, 2, 2]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_csv_read_like_the_comma_one(tmp_path, plain, delimiter):
    # Before: a semicolon (European Excel) or tab separated file was one column,
    # "expected at least 2 objective columns, got ['alpha;seed;L0;L1']".
    assert_same_runs(read_runs(write(tmp_path / "runs.csv", table(delimiter))), plain)


def test_leading_blank_lines_are_skipped_and_line_numbers_stay_right(tmp_path, plain):
    # Before: "got [] (columns present: [])" - the blank first line was taken as the header.
    assert_same_runs(read_runs(write(tmp_path / "blank.csv", "\n \n" + table())), plain)
    bad = write(tmp_path / "bad.csv", "\n\n" + table().replace("0.3,0.3", "0.3,x", 1))
    with pytest.raises(ParetolabError, match=r"bad\.csv: line 6, column 'L1': expected a number, got 'x'"):
        read_runs(bad)


def test_a_directory_is_named_as_one(tmp_path):
    # Before: "expected an existing CSV file or store, got '...' (not found)" for a directory that
    # exists, which sent the user looking for a typo.
    with pytest.raises(ParetolabError, match=r"got '.*', which is a directory; name the file itself"):
        read_runs(tmp_path)


def test_utf16_with_bom_is_read_and_without_is_a_clear_error(tmp_path, plain):
    # Before: Windows "Unicode text" (UTF-16) gave "'utf-8' codec can't decode byte 0xff in
    # position 0" naming neither the file nor the encoding expected; without a BOM, columns named
    # 'a\x00l\x00p\x00h\x00a\x00' and "expected a number, got '\x000\x00.\x005\x00'".
    assert_same_runs(read_runs(write(tmp_path / "utf16.csv", table(), "utf-16")), plain)
    with pytest.raises(ParetolabError, match=r"le\.csv: expected CSV text, got NUL bytes in the header line .*UTF-16"):
        read_runs(write(tmp_path / "le.csv", table(), "utf-16-le"))


def test_binary_garbage_is_a_clear_error(tmp_path):
    # Before: a raw UnicodeDecodeError without the file's name.
    path = tmp_path / "garbage.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + np.random.default_rng(0).bytes(4096))
    with pytest.raises(ParetolabError, match=r"garbage\.csv: expected a text CSV in UTF-8 .*save it as UTF-8"):
        read_runs(path)


def test_cli_reads_bom_and_semicolon_files_like_the_plain_one(tmp_path):
    # Before: the BOM file got exit 0 with a different verdict (alpha lost); the semicolon one exit 2.
    want = analyze(write(tmp_path / "plain.csv", table()))
    assert want[0] == 0 and "VERDICT" in want[1]
    assert analyze(write(tmp_path / "bom.csv", table(), "utf-8-sig")) == want
    assert analyze(write(tmp_path / "semi.csv", table(";"))) == want


@pytest.mark.parametrize("name, content, message", [
    ("adir", None, "which is a directory"),
    ("le.csv", table().encode("utf-16-le"), "NUL bytes in the header line"),
    ("garbage.csv", b"\xff\x00\xc3(" * 100, "expected a text CSV in UTF-8"),
    ("header_only.csv", b"alpha,seed,L0,L1\n", "got none of 0"),  # 0 usable rows: already an error, kept
    ("allnan.csv", b"alpha,seed,L0,L1\n0.5,0,nan,nan\n1,0,NaN,\n", "got none of 2 (2 dropped)"),
])
def test_cli_bad_input_exits_2_with_the_file_named_and_no_traceback(tmp_path, name, content, message):
    # Before: "not found" for a directory, a raw codec error without the file's name for garbage,
    # and columns of NUL-riddled names for UTF-16 without a byte-order mark.
    path = tmp_path / name
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    done = subprocess.run([sys.executable, "-m", "paretolab", "analyze", str(path)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert done.stderr.startswith("paretolab analyze: error: ") and message in done.stderr
    if content is None or b"L0" not in content:
        assert name in done.stderr
