"""Small helpers shared by the coordsim notebooks.

- find the coordsim binary: the environment variable COORDSIM, else release/coordsim under
  $CARGO_TARGET_DIR when it is set, else ../target/release/coordsim relative to the notebooks folder (built with `cargo build --release` when missing);
- run it and stop with its error message when it fails;
- a scratch folder for results (COORDSIM_NB_OUT, else a new temporary folder), never the repo;
- the t-based 95% confidence interval coordsim itself uses (docs/experiments.md, section 6).
"""

from __future__ import annotations

import functools
import math
import os
import re
import shlex
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

NOTEBOOKS = Path(__file__).resolve().parent
REPO = NOTEBOOKS.parent


def find_coordsim() -> Path:
    """The coordsim binary: $COORDSIM, else TARGET/release/coordsim (built if missing), where
    TARGET is $CARGO_TARGET_DIR when set (where cargo puts the build then), else REPO/target."""
    env = os.environ.get("COORDSIM")
    if env:
        path = Path(env).expanduser().resolve()
        if not path.is_file():
            raise FileNotFoundError(f"COORDSIM={env} is not a file")
        return path
    target = os.environ.get("CARGO_TARGET_DIR")
    target_dir = (REPO / Path(target).expanduser()) if target else REPO / "target"
    path = target_dir / "release" / ("coordsim.exe" if os.name == "nt" else "coordsim")
    if not path.is_file():
        print(f"{path} is missing: running `cargo build --release` in {REPO} (a few minutes)", flush=True)
        done = subprocess.run(["cargo", "build", "--release"], cwd=REPO, capture_output=True, text=True)
        if done.returncode != 0 or not path.is_file():
            tail = "\n".join(done.stderr.strip().splitlines()[-20:])
            raise RuntimeError(f"`cargo build --release` failed in {REPO}:\n{tail}")
        print("built", path)
    return path


COORDSIM = find_coordsim()

# Plain text from coordsim: Jupyter kernels ask child processes for colours (CLICOLOR_FORCE).
_ENV = {k: v for k, v in os.environ.items() if k not in ("CLICOLOR_FORCE", "FORCE_COLOR")}
_ENV["NO_COLOR"] = "1"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _run(cmd):
    done = subprocess.run(cmd, capture_output=True, text=True, env=_ENV)
    done.stdout, done.stderr = _ANSI.sub("", done.stdout), _ANSI.sub("", done.stderr)
    return done


def coordsim(*args, quiet: bool = True) -> str:
    """Run `coordsim ARGS` and return its standard output; raise with stderr if it fails."""
    cmd = [str(COORDSIM), *map(str, args)]
    if quiet and args and args[0] in ("run", "sweep", "compare") and "--quiet" not in args:
        cmd.append("--quiet")
    print("$ coordsim " + " ".join(shlex.quote(str(a)) for a in cmd[1:]))
    done = _run(cmd)
    if done.returncode != 0:
        raise RuntimeError(
            f"coordsim exited with code {done.returncode}:\n{done.stderr.strip()}"
        )
    return done.stdout


def has_command(name: str) -> bool:
    """Whether this coordsim binary has the subcommand NAME (e.g. `plot`).

    Read from the command list of `coordsim --help`: `coordsim NAME --help` would succeed for an
    unknown NAME too, taken as a scenario name.
    """
    done = _run([str(COORDSIM), "--help"])
    commands = done.stdout.split("Commands:", 1)[-1].split("\n\n", 1)[0]
    return any(line.split()[:1] == [name] for line in commands.splitlines())


def scratch(name: str) -> Path:
    """A fresh folder for one notebook's results: $COORDSIM_NB_OUT/NAME, else a temp folder."""
    base = os.environ.get("COORDSIM_NB_OUT")
    if base:
        path = Path(base) / name
        path.mkdir(parents=True, exist_ok=True)
        return path
    return Path(tempfile.mkdtemp(prefix=f"coordsim-{name}-"))


# --- statistics, as coordsim computes them (stats::summarize) ---------------------------------


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    ln_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
        + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(ln_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(ln_front) * _betacf(b, a, 1.0 - x) / b


@functools.lru_cache(maxsize=None)
def t_quantile_975(df: int) -> float:
    """The 0.975 quantile of Student's t with df degrees of freedom (bisection on the CDF)."""
    lo, hi = 0.0, 1e4
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        # upper tail P(T > mid) = I_{df/(df+mid^2)}(df/2, 1/2) / 2
        upper = 0.5 * _betainc(df / 2.0, 0.5, df / (df + mid * mid))
        if upper > 0.025:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def mean_ci95(values) -> pd.Series:
    """n, mean, sd and t-based 95% CI of the values that exist (NaN skipped), like coordsim."""
    x = pd.Series(values, dtype=float).dropna().to_numpy()
    n = len(x)
    if n == 0:
        return pd.Series({"n": 0, "mean": np.nan, "sd": np.nan, "ci95_low": np.nan, "ci95_high": np.nan})
    mean = x.mean()
    sd = x.std(ddof=1) if n > 1 else 0.0
    half = t_quantile_975(n - 1) * sd / math.sqrt(n) if n > 1 else 0.0
    return pd.Series({"n": n, "mean": mean, "sd": sd, "ci95_low": mean - half, "ci95_high": mean + half})


def band(frame: pd.DataFrame, column: str, by=("tick",)) -> pd.DataFrame:
    """Mean and 95% CI of COLUMN across replicates, for every value of BY (default: tick)."""
    return frame.groupby(list(by))[column].apply(mean_ci95).unstack()
