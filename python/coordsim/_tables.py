"""Reading coordsim's CSV files into DataFrames with explicit dtypes: whole-number columns are
pandas' nullable Int64 (an empty cell, e.g. nodes.csv's `network` outside any network, is <NA>,
not a float NaN), measures are float64 (Float64 where a cell can be empty), names are strings.
Numbers are parsed round-trip exact, so a DataFrame holds exactly the values in the file."""

from __future__ import annotations

from pathlib import Path
from typing import Dict

import pandas as pd

# Identifiers and ticks of every file (the Rust row types' integer fields, output::schema).
_ID_COLUMNS = {"replicate", "seed", "tick", "run", "point", "arm", "community", "region",
               "network", "stage", "source", "target", "n", "diff_n", "generation", "candidate",
               "particle", "candidates"}
# Metrics that are counts by construction (metrics::Record holds every metric as f64).
_COUNT_METRICS = {"communities", "ties", "components", "networks", "collective_actions_started",
                  "collective_actions_succeeded", "gathering_participants", "library_entries"}
_INT_COLUMNS = (_ID_COLUMNS | _COUNT_METRICS | {f"final_{m}" for m in _COUNT_METRICS}
                | {"cumulative_collective_actions_started", "cumulative_collective_actions_succeeded",
                   "first_full_stage_tick"})
_STR_COLUMNS = {"scenario", "label", "metric", "key", "prior"}
# Float columns whose cells can be empty (the reference arm's differences in compare.csv).
_NULLABLE_FLOATS = {"diff_mean", "diff_ci95_low", "diff_ci95_high", "diff_sd"}


def dtypes(header: list) -> Dict[str, str]:
    """The dtype of each known column; unknown ones (a sweep's varied keys) are inferred."""
    out: Dict[str, str] = {}
    for c in header:
        if c in _INT_COLUMNS:
            out[c] = "Int64"
        elif c in _STR_COLUMNS:
            out[c] = "string"
        elif c in _NULLABLE_FLOATS:
            out[c] = "Float64"
        elif c in _FLOATS or c.startswith(("final_", "cumulative_")) or c in _METRIC_LIKE:
            out[c] = "float64"
    return out


_FLOATS = {"mean", "sd", "ci95_low", "ci95_high", "trust", "members", "mu", "mu_star", "sigma",
           "first_order", "total", "weight", "distance", "epsilon", "acceptance_rate", "ess",
           "median"}
# Any other column of a run file that is not a varied key is a measure.
_METRIC_LIKE: set = set()


def file_dtypes(path: Path) -> Dict[str, str]:
    """The dtypes of one of coordsim's CSV files, by its header and name (as pandas names them)."""
    with open(path, newline="") as f:
        header = f.readline().rstrip("\r\n").split(",")
    types = dtypes(header)
    name = Path(path).stem
    if "accepted" in header:
        # generations.csv counts them; candidates.csv says whether this one was.
        types["accepted"] = "boolean" if name == "candidates" else "Int64"
    if name in ("timeseries", "summary", "ledger", "ties", "nodes"):
        # Every column of a run's files is known: the rest are measures.
        for c in header:
            types.setdefault(c, "float64")
    return types


def read_polars(path: Path):
    """One of coordsim's CSV files as a polars DataFrame, read by polars itself (no pyarrow
    needed) with the same column types as ``read_table``: Int64, Float64, String, Boolean, and
    empty cells as nulls."""
    import polars as pl

    to_polars = {"Int64": pl.Int64, "float64": pl.Float64, "Float64": pl.Float64,
                 "string": pl.String, "boolean": pl.Boolean}
    schema = {c: to_polars[t] for c, t in file_dtypes(path).items()}
    return pl.read_csv(path, schema_overrides=schema, infer_schema_length=None)


def read_table(path: Path) -> pd.DataFrame:
    """One of coordsim's CSV files as a DataFrame."""
    types = file_dtypes(path)
    # pandas 3 parses round-trip exact by default (and deprecates the option); older ones
    # need it asked for.
    exact = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
    return pd.read_csv(path, dtype=types, keep_default_na=False, na_values=[""], **exact)
