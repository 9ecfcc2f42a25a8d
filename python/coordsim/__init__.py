"""coordsim from Python: the simulator runs in-process (Rust, with the GIL released) and its
results come back as pandas DataFrames.

    import coordsim
    result = coordsim.run("baseline", seed=7, replicates=5)
    result.timeseries            # one row per replicate and tick
    result.save("outputs/run")   # the files `coordsim run` writes, byte for byte

Every keyword argument is the CLI flag of the same name (``series_every`` is
``--series-every``); ``set`` is a dict of ``--set KEY=VALUE`` assignments.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import pandas as pd

from . import _coordsim
from ._coordsim import CoordsimError, InternalError, RunError, ScenarioError, UsageError
from ._tables import read_polars, read_table

__version__: str = _coordsim.__version__
__all__ = [
    "run", "compare", "sweep", "screen", "sobol", "calibrate", "scenarios", "explain", "Result",
    "CoordsimError", "ScenarioError", "UsageError", "RunError", "InternalError",
]

Value = Union[str, int, float, bool]


def scenarios() -> pd.DataFrame:
    """The shipped scenarios (``coordsim scenarios``): name, group, description."""
    rows = _coordsim.scenarios()
    return pd.DataFrame(rows, columns=["name", "group", "description"]).astype(str)


def explain(key: Optional[str] = None) -> pd.DataFrame:
    """The parameter table (``coordsim explain [KEY|TABLE]``): key, default, unit, range,
    meaning. An unknown key raises UsageError with the nearest key."""
    return pd.DataFrame(_coordsim.explain(key), columns=["key", "default", "unit", "range", "meaning"]).astype(str)


class Result:
    """A finished run, comparison, sweep or analysis: its CSV files as DataFrames (read on
    first use, with explicit dtypes), ``manifest`` as a dict, ``save(dir)`` for the files."""

    def __init__(self, path: Path, owner: Optional[str] = None) -> None:
        self.path = Path(path)
        self._cache: Dict[str, pd.DataFrame] = {}
        if owner is not None:
            # The staging folder goes when the Result does.
            self._finalizer = weakref.finalize(self, shutil.rmtree, owner, True)

    def __repr__(self) -> str:
        return f"<coordsim.Result {self.kind}: {', '.join(self.files)}>"

    @property
    def files(self) -> List[str]:
        """The files written (as the CLI names them), plots under ``plots/``."""
        return sorted(str(p.relative_to(self.path)) for p in self.path.rglob("*") if p.is_file())

    @property
    def manifest(self) -> Dict[str, Any]:
        """manifest.json as a dict."""
        return json.loads((self.path / "manifest.json").read_text())

    @property
    def kind(self) -> str:
        """"run", "compare", "sweep" (screen and sobol are sweeps) or "calibrate"."""
        m = self.manifest
        return next((k for k in ("run", "compare", "sweep", "calibrate") if k in m), "unknown")

    def table(self, name: str) -> Optional[pd.DataFrame]:
        """The file NAME.csv as a DataFrame (None if this result has no such file)."""
        if name not in self._cache:
            f = self.path / f"{name}.csv"
            if not f.is_file():
                return None
            self._cache[name] = read_table(f)
        return self._cache[name].copy()

    timeseries = property(lambda self: self.table("timeseries"), doc="timeseries.csv")
    ties = property(lambda self: self.table("ties"), doc="ties.csv (runs)")
    nodes = property(lambda self: self.table("nodes"), doc="nodes.csv (runs)")
    summary = property(lambda self: self.table("summary"), doc="summary.csv (runs, comparisons)")
    ledger = property(lambda self: self.table("ledger"), doc="ledger.csv (runs)")
    compare = property(lambda self: self.table("compare"), doc="compare.csv (comparisons)")
    runs = property(lambda self: self.table("runs"), doc="runs.csv (sweeps)")
    points = property(lambda self: self.table("points"), doc="points.csv (sweeps)")
    morris = property(lambda self: self.table("morris"), doc="morris.csv (screen)")
    sobol = property(lambda self: self.table("sobol"), doc="sobol.csv (sobol)")
    posterior = property(lambda self: self.table("posterior"), doc="posterior.csv (calibrate)")
    particles = property(lambda self: self.table("particles"), doc="particles.csv (calibrate)")
    candidates = property(lambda self: self.table("candidates"), doc="candidates.csv (calibrate)")
    generations = property(lambda self: self.table("generations"), doc="generations.csv (calibrate)")
    marginals = property(lambda self: self.table("marginals"), doc="marginals.csv (calibrate)")

    def report(self) -> Path:
        """Writes report.html into this result's folder (``coordsim report``): one
        self-contained page to read offline and forward; returns its path (``save`` keeps it)."""
        _coordsim.execute(["coordsim", "report", str(self.path), "--quiet"], ["coordsim", "report"])
        return self.path / "report.html"

    def save(self, dir: Union[str, Path]) -> Path:
        """Writes the files to DIR the way the CLI does (locked, swapped in whole): the same
        bytes as the CLI's folder for the same request (the manifest's times and command line
        aside)."""
        _coordsim.save(str(self.path), str(dir))
        return Path(dir)

    def to_polars(self, name: str = "timeseries"):
        """The file NAME.csv as a polars DataFrame (needs ``pip install polars``; None if this
        result has no such file), with the same column types as the pandas tables."""
        f = self.path / f"{name}.csv"
        return read_polars(f) if f.is_file() else None


def _text(v: Value) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(v) if isinstance(v, float) else str(v)


def _flags(options: Mapping[str, Any]) -> List[str]:
    """Keyword arguments as the CLI's flags: ``series_every=13`` is ``--series-every 13``,
    True is a bare flag, a list repeats the flag, None and False are left out."""
    argv: List[str] = []
    for name, value in options.items():
        if value is None or value is False:
            continue
        flag = "--" + name.replace("_", "-")
        if value is True:
            argv.append(flag)
        elif isinstance(value, (list, tuple)):
            for v in value:
                argv += [flag, _text(v)]
        else:
            argv += [flag, _text(value)]
    return argv


def _assignments(set: Optional[Mapping[str, Value]]) -> List[str]:
    return [f"{k}={_text(v)}" for k, v in (set or {}).items()]


def _vary(vary: Union[None, Mapping[str, Any], Sequence[str]]) -> List[str]:
    """``{"key": [v1, v2]}`` (a list), ``{"key": (lo, hi)}`` or ``{"key": "lo..hi"}`` (a
    range), or the CLI's own ``KEY=...`` strings."""
    if vary is None:
        return []
    if not isinstance(vary, Mapping):
        return list(vary)
    out = []
    for key, values in vary.items():
        if isinstance(values, str):
            out.append(f"{key}={values}")
        elif isinstance(values, tuple) and len(values) == 2:
            out.append(f"{key}={_text(values[0])}..{_text(values[1])}")
        elif isinstance(values, Iterable):
            out.append(f"{key}={','.join(_text(v) for v in values)}")
        else:
            out.append(f"{key}={_text(values)}")
    return out


def _execute(command: str, positional: List[str], options: Dict[str, Any], plots: bool) -> Result:
    owner = tempfile.mkdtemp(prefix="coordsim-")
    out = Path(owner) / "result"
    flags = _flags(options) + ([] if plots else ["--no-plots"])
    # The manifest records the CLI command that writes the same files (without the staging
    # folder the package writes to).
    command_line = ["coordsim", command, *positional, *flags]
    try:
        _coordsim.execute(["coordsim", command, *positional, *flags, "--quiet", "--out", str(out)], command_line)
    except BaseException:
        shutil.rmtree(owner, True)
        raise
    return Result(out, owner)


def run(scenario: str = "baseline", *, set: Optional[Mapping[str, Value]] = None,
        replicates: Optional[int] = None, seed: Optional[int] = None, ticks: Optional[int] = None,
        threads: Optional[int] = None, plots: bool = False, max_memory: Optional[str] = None) -> Result:
    """``coordsim run``: a scenario's replicates. ``scenario`` is a shipped name or a file;
    ``set`` overrides keys (validated as in a file); plots are drawn only with plots=True."""
    return _execute("run", [str(scenario)], dict(set=_assignments(set), replicates=replicates, seed=seed,
                    ticks=ticks, threads=threads, max_memory=max_memory), plots)


def compare(*scenarios: str, what_if: Union[None, Sequence[Union[str, Mapping[str, Value]]]] = None,
            set: Optional[Mapping[str, Value]] = None, replicates: Optional[int] = None,
            seed: Optional[int] = None, ticks: Optional[int] = None, threads: Optional[int] = None,
            plots: bool = False, max_memory: Optional[str] = None) -> Result:
    """``coordsim compare``: two or more scenarios, or one and its ``what_if`` arms (each a
    ``KEY=VALUE`` string or a dict of keys), on the same seeds. Result.compare is compare.csv."""
    arms = [w if isinstance(w, str) else ";".join(_assignments(w)) for w in (what_if or [])]
    return _execute("compare", [str(s) for s in scenarios], dict(
        set=_assignments(set), what_if=arms, replicates=replicates, seed=seed, ticks=ticks,
        threads=threads, max_memory=max_memory), plots)


def sweep(scenario: str = "baseline", *, vary: Union[None, Mapping[str, Any], Sequence[str]] = None,
          design: Optional[str] = None, samples: Optional[int] = None, replicates: Optional[int] = None,
          series_every: Optional[int] = None, seeds: Optional[str] = None,
          set: Optional[Mapping[str, Value]] = None, seed: Optional[int] = None,
          ticks: Optional[int] = None, threads: Optional[int] = None, plots: bool = False,
          max_memory: Optional[str] = None) -> Result:
    """``coordsim sweep``: every point of a design with replicates. ``vary`` maps a key to a
    list of values or a ``(lo, hi)`` range. Result.runs, .points, .timeseries."""
    return _execute("sweep", [str(scenario)], dict(
        vary=_vary(vary), design=design, samples=samples, replicates=replicates,
        series_every=series_every, seeds=seeds, set=_assignments(set), seed=seed, ticks=ticks,
        threads=threads, max_memory=max_memory), plots)


def screen(scenario: str = "baseline", *, vary: Union[Mapping[str, Any], Sequence[str]],
           trajectories: Optional[int] = None, levels: Optional[int] = None,
           optimize: Optional[int] = None, replicates: Optional[int] = None,
           metric: Optional[Sequence[str]] = None, series_every: Optional[int] = None,
           set: Optional[Mapping[str, Value]] = None, seed: Optional[int] = None,
           ticks: Optional[int] = None, threads: Optional[int] = None, plots: bool = False) -> Result:
    """``coordsim screen``: Morris elementary effects. Result.morris is morris.csv."""
    return _execute("screen", [str(scenario)], dict(
        vary=_vary(vary), trajectories=trajectories, levels=levels, optimize=optimize,
        replicates=replicates, metric=list(metric or []), series_every=series_every,
        set=_assignments(set), seed=seed, ticks=ticks, threads=threads), plots)


def sobol(scenario: str = "baseline", *, vary: Union[Mapping[str, Any], Sequence[str]],
          samples: Optional[int] = None, groups: Optional[str] = None,
          replicates: Optional[int] = None, metric: Optional[Sequence[str]] = None,
          series_every: Optional[int] = None, set: Optional[Mapping[str, Value]] = None,
          seed: Optional[int] = None, ticks: Optional[int] = None, threads: Optional[int] = None,
          plots: bool = False) -> Result:
    """``coordsim sobol``: first-order and total Sobol indices. Result.sobol is sobol.csv."""
    return _execute("sobol", [str(scenario)], dict(
        vary=_vary(vary), samples=samples, groups=groups, replicates=replicates,
        metric=list(metric or []), series_every=series_every, set=_assignments(set), seed=seed,
        ticks=ticks, threads=threads), plots)


def calibrate(scenario: str, *, target: str, population: Optional[int] = None,
              generations: Optional[int] = None, set: Optional[Mapping[str, Value]] = None,
              seed: Optional[int] = None, ticks: Optional[int] = None,
              threads: Optional[int] = None, plots: bool = False) -> Result:
    """``coordsim calibrate``: ABC-SMC of the target file's keys (a path, or a shipped
    target's name) against its observations. Result.posterior is the last generation's
    particles with weights, .marginals each key's median and 95% interval, .generations each
    generation's epsilon; the folder's calibrated.toml is the scenario at the medians."""
    return _execute("calibrate", [str(scenario)], dict(
        target=str(target), population=population, generations=generations,
        set=_assignments(set), seed=seed, ticks=ticks, threads=threads), plots)
