"""The README's Python lines run as written: the pandas/polars one-liners of "Reading the files"
(each pandas line and the polars call its comment names) on folders the CLI writes, and the
"From Python" example."""

import re
import subprocess
from pathlib import Path

import pandas as pd
import polars as pl

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "target" / "release" / "coordsim"
README = (ROOT / "README.md").read_text()


def python_block(after: str) -> str:
    """The first ```python block after the heading `after`."""
    rest = README[README.index(after):]
    return re.search(r"```python\n(.*?)\n```", rest, re.S).group(1)


def cli(*args, cwd):
    subprocess.run([str(CLI), *args, "--quiet", "--no-plots"], check=True, cwd=cwd)


def test_reading_the_files_lines_run_in_pandas_and_polars(tmp_path):
    cli("run", "--replicates", "2", "--ticks", "30", "--out", "outputs/baseline", cwd=tmp_path)
    cli("sweep", "baseline", "--vary", "funding.coordination_share=0,0.2", "--replicates", "2", "--ticks", "10",
        "--out", "outputs/baseline-sweep", cwd=tmp_path)
    cli("compare", "baseline", "--what-if", "funding.policy=direct_service", "--replicates", "2", "--ticks", "10",
        "--out", "outputs/compare", cwd=tmp_path)
    block = python_block("### Reading the files")
    scope: dict = {}
    import os

    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(block, scope)
        # Each line's comment names its polars twin: run it on the same path.
        polars_lines = 0
        for line in block.splitlines():
            m = re.match(r'(\w+) = pd\.read_csv\("([^"]+)".*# pl\.read_csv\(same path\)', line)
            if m:
                frame = pl.read_csv(m.group(2))
                assert frame.shape == scope[m.group(1)].shape, line
                polars_lines += 1
        assert polars_lines >= 8
        assert pl.DataFrame(scope["stats"].to_dict("records")).height == len(scope["stats"])
    finally:
        os.chdir(here)
    # The hints the README gives hold: network stays whole numbers with nulls in both.
    assert str(scope["nodes"]["network"].dtype) == "Int64"
    assert scope["nodes_pl"]["network"].dtype == pl.Int64
    assert scope["runs"]["funding.coordination_share"].tolist() == [0, 0, 0.2, 0.2]
    assert isinstance(scope["band"], pd.DataFrame) and list(scope["band"].columns) == ["mean", "std", "count"]


def test_from_python_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(python_block("## From Python"), scope)
    assert (tmp_path / "outputs" / "py-run" / "timeseries.csv").is_file()
