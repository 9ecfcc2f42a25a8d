"""The coordsim Python package against the CLI: same bytes, typed DataFrames, exceptions with
their fields, thread-count independence, Ctrl-C. Needs target/release/coordsim (cargo build
--release) for the comparisons with the CLI."""

import filecmp
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import coordsim

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "target" / "release" / "coordsim"
CSVS = ["timeseries.csv", "ties.csv", "nodes.csv", "ledger.csv", "summary.csv", "summary.json"]


def cli(*args, cwd=None):
    subprocess.run([str(CLI), *args, "--quiet"], check=True, cwd=cwd)


def test_run_saves_the_clis_bytes(tmp_path):
    cli("run", "baseline", "--seed", "7", "--replicates", "3", "--ticks", "30", "--no-plots", "--out", str(tmp_path / "cli"))
    r = coordsim.run("baseline", seed=7, replicates=3, ticks=30)
    r.save(tmp_path / "py")
    for name in CSVS:
        assert filecmp.cmp(tmp_path / "cli" / name, tmp_path / "py" / name, shallow=False), name
    assert sorted(os.listdir(tmp_path / "cli")) == sorted(os.listdir(tmp_path / "py"))


def test_set_overrides_match_the_cli(tmp_path):
    cli("run", "--set", "funding.policy=direct_service", "--set", "trust.half_life_ticks=13", "--replicates", "2",
        "--ticks", "20", "--no-plots", "--out", str(tmp_path / "cli"))
    r = coordsim.run(set={"funding.policy": "direct_service", "trust.half_life_ticks": 13}, replicates=2, ticks=20)
    r.save(tmp_path / "py")
    assert filecmp.cmp(tmp_path / "cli" / "timeseries.csv", tmp_path / "py" / "timeseries.csv", shallow=False)
    assert r.manifest["run"] is not None


def test_dataframes_equal_the_files_values():
    r = coordsim.run(seed=3, replicates=2, ticks=15)
    df = r.timeseries
    raw = pd.read_csv(r.path / "timeseries.csv", dtype=str)
    assert list(df.columns) == list(raw.columns)
    assert len(df) == 2 * 16
    for col in ["mean_trust", "fragmentation", "coordination_value"]:
        assert [float(x) for x in raw[col]] == df[col].tolist()


def test_dtypes_ints_stay_ints_and_empty_cells_are_nulls():
    r = coordsim.run(seed=11, replicates=2, ticks=30)
    ts = r.timeseries
    for col in ["replicate", "seed", "tick", "communities", "ties", "networks"]:
        assert str(ts[col].dtype) == "Int64", col
    assert str(ts["mean_trust"].dtype) == "float64"
    nodes = r.nodes
    assert str(nodes["network"].dtype) == "Int64"
    raw = (r.path / "nodes.csv").read_text().splitlines()
    empty = sum(1 for line in raw[1:] if line.split(",")[4] == "")
    assert empty > 0 and nodes["network"].isna().sum() == empty
    assert str(r.summary["first_full_stage_tick"].dtype) == "Int64"
    assert str(r.ledger["tick"].dtype) == "Int64"
    assert str(r.ties["source"].dtype) == "Int64"


def test_threads_one_and_two_give_the_same_tables():
    a = coordsim.run(seed=5, replicates=4, ticks=20, threads=1)
    b = coordsim.run(seed=5, replicates=4, ticks=20, threads=2)
    for name in ["timeseries", "ties", "nodes", "summary", "ledger"]:
        pd.testing.assert_frame_equal(a.table(name), b.table(name))
        assert (a.path / f"{name}.csv").read_bytes() == (b.path / f"{name}.csv").read_bytes()


def test_bad_key_raises_scenario_error_with_key():
    with pytest.raises(coordsim.ScenarioError) as e:
        coordsim.run(set={"trust.half_life_tick": 13})
    assert e.value.key == "trust.half_life_tick"
    assert "half_life_ticks" in str(e.value)  # the nearest key, as the CLI says


def test_bad_file_raises_scenario_error_with_position(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text("[trust]\nhalf_life_ticks = -3\n")
    with pytest.raises(coordsim.ScenarioError) as e:
        coordsim.run(str(f))
    assert (e.value.file, e.value.line, e.value.key) == (str(f), 2, "trust.half_life_ticks")
    assert e.value.column >= 1
    out = subprocess.run([str(CLI), "run", str(f)], capture_output=True, text=True)
    assert out.returncode == 2 and out.stderr.strip() == f"error: {e.value}"


def test_unknown_scenario_and_bad_option():
    with pytest.raises(coordsim.ScenarioError):
        coordsim.run("no_such_scenario")
    with pytest.raises(coordsim.UsageError):
        coordsim.run(threads=0)
    with pytest.raises(coordsim.UsageError):
        coordsim.explain("trust.half_life_tick")
    assert issubclass(coordsim.ScenarioError, coordsim.CoordsimError)


def test_scenarios_and_explain():
    s = coordsim.scenarios()
    assert "baseline" in set(s["name"]) and "classroom/01_kinship" in set(s["name"])
    e = coordsim.explain("trust")
    assert set(e["key"]) >= {"trust.half_life_ticks"} and all(k.startswith("trust.") for k in e["key"])
    assert len(coordsim.explain()) > len(e)


def test_compare_and_sweep_match_the_cli(tmp_path):
    cli("compare", "baseline", "--what-if", "funding.policy=direct_service", "--replicates", "3", "--ticks", "20",
        "--no-plots", "--out", str(tmp_path / "cli"))
    c = coordsim.compare("baseline", what_if=[{"funding.policy": "direct_service"}], replicates=3, ticks=20)
    c.save(tmp_path / "py")
    for name in ["compare.csv", "summary.csv", "timeseries.csv"]:
        assert filecmp.cmp(tmp_path / "cli" / name, tmp_path / "py" / name, shallow=False), name
    assert c.compare["diff_mean"].isna().any() and str(c.compare["diff_n"].dtype) == "Int64"
    cli("sweep", "baseline", "--vary", "funding.coordination_share=0,0.2", "--replicates", "2", "--ticks", "20",
        "--no-plots", "--out", str(tmp_path / "cli-sweep"))
    s = coordsim.sweep("baseline", vary={"funding.coordination_share": [0, 0.2]}, replicates=2, ticks=20)
    s.save(tmp_path / "py-sweep")
    for name in ["runs.csv", "points.csv", "timeseries.csv"]:
        assert filecmp.cmp(tmp_path / "cli-sweep" / name, tmp_path / "py-sweep" / name, shallow=False), name
    assert list(s.runs["point"]) == [0, 0, 1, 1]


def test_ctrl_c_interrupts_a_long_run():
    # SIGINT to ourselves while a long run is under way: KeyboardInterrupt, well before the run
    # could have finished, and the interpreter still works afterwards.
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        coordsim.run(replicates=400, threads=1)
    took = time.monotonic() - start
    full = coordsim.run(replicates=4, threads=1)  # still usable; and a yardstick
    assert took < 10 and len(full.summary) == 4


def test_save_refuses_nothing_partial(tmp_path):
    r = coordsim.run(replicates=1, ticks=5)
    r.save(tmp_path / "out")
    r.save(tmp_path / "out")  # replaced whole
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_screen_and_sobol_match_the_cli(tmp_path):
    args = ["--vary", "trust.half_life_ticks=13..39", "--vary", "governance.centralization=0.2..0.6", "--replicates", "1",
            "--ticks", "10", "--no-plots"]
    cli("screen", "baseline", *args, "--trajectories", "3", "--out", str(tmp_path / "cli-screen"))
    vary = {"trust.half_life_ticks": (13, 39), "governance.centralization": (0.2, 0.6)}
    m = coordsim.screen("baseline", vary=vary, trajectories=3, replicates=1, ticks=10)
    m.save(tmp_path / "py-screen")
    assert filecmp.cmp(tmp_path / "cli-screen" / "morris.csv", tmp_path / "py-screen" / "morris.csv", shallow=False)
    assert set(m.morris["key"]) >= set(vary) and str(m.morris["n"].dtype) == "Int64"
    cli("sobol", "baseline", *args, "--samples", "4", "--out", str(tmp_path / "cli-sobol"))
    s = coordsim.sobol("baseline", vary=vary, samples=4, replicates=1, ticks=10)
    s.save(tmp_path / "py-sobol")
    assert filecmp.cmp(tmp_path / "cli-sobol" / "sobol.csv", tmp_path / "py-sobol" / "sobol.csv", shallow=False)


def test_calibrate_matches_the_cli_and_reads_typed(tmp_path):
    args = ["--target", "all_in_for_sport", "--population", "6", "--generations", "2", "--ticks", "20", "--no-plots"]
    cli("calibrate", "all_in_for_sport", *args, "--out", str(tmp_path / "cli"))
    k = coordsim.calibrate("all_in_for_sport", target="all_in_for_sport", population=6, generations=2, ticks=20)
    k.save(tmp_path / "py")
    for name in ["candidates.csv", "posterior.csv", "generations.csv", "marginals.csv", "calibrated.toml"]:
        assert filecmp.cmp(tmp_path / "cli" / name, tmp_path / "py" / name, shallow=False), name
    assert k.kind == "calibrate"
    assert str(k.generations["generation"].dtype) == "Int64" and str(k.generations["accepted"].dtype) == "Int64"
    assert str(k.candidates["accepted"].dtype) == "boolean"
    assert abs(k.posterior["weight"].sum() - 1) < 1e-9
    assert list(k.marginals["key"])[0] == "gatherings.places"


def test_report_and_polars():
    r = coordsim.run(seed=5, replicates=2, ticks=10)
    page = r.report()
    assert page.read_text().startswith("<!DOCTYPE html>")
    import polars as pl

    ts = r.to_polars("timeseries")
    assert ts.shape == r.timeseries.shape and ts["tick"].dtype == pl.Int64
    assert ts["mean_trust"].to_list() == r.timeseries["mean_trust"].tolist()
    nodes = r.to_polars("nodes")  # empty network cells are nulls, the column stays Int64
    assert nodes["network"].dtype == pl.Int64 and nodes["network"].null_count() == r.nodes["network"].isna().sum()
