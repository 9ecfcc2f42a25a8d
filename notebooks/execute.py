"""Execute, check or clear the coordsim notebooks headless.

    python notebooks/execute.py                      # execute all notebooks in notebooks/
    python notebooks/execute.py 02_funder_what_if.ipynb --output-dir /tmp/executed
    python notebooks/execute.py --check-clean        # fail if a notebook holds outputs
    python notebooks/execute.py --clear              # remove outputs in place (before a commit)

Each notebook runs with the notebooks folder as its working directory, in a fresh kernel, with
a time limit per notebook (--timeout, seconds) and per cell; the first failing cell fails the
run (exit code 1). Executed copies go to --output-dir when given; the notebooks themselves are
never written by an execution.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent

# Use this Python's own kernel (the one ipykernel installed into this environment), even when
# the user's Jupyter folders hold another `python3` kernel.
os.environ["JUPYTER_PATH"] = os.pathsep.join(
    p for p in (str(Path(sys.prefix) / "share" / "jupyter"), os.environ.get("JUPYTER_PATH")) if p
)


def clear(nb) -> bool:
    """Remove outputs, execution counts and volatile metadata; True if anything changed."""
    changed = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.get("outputs") or cell.get("execution_count") is not None:
            changed = True
        cell["outputs"] = []
        cell["execution_count"] = None
        for key in ("execution", "collapsed", "scrolled"):
            if key in cell.metadata:
                del cell.metadata[key]
                changed = True
    for key in ("widgets", "papermill"):
        if key in nb.metadata:
            del nb.metadata[key]
            changed = True
    return changed


def resolve(name: str) -> Path:
    """A notebook as given (relative to the working directory), else in notebooks/: so
    `execute.py 03_classroom.ipynb` works from the repository root too."""
    given = Path(name)
    for candidate in (given, HERE / given, HERE / given.name):
        if candidate.is_file():
            return candidate.resolve()
    raise SystemExit(f"no notebook {name} (looked in {Path.cwd()} and {HERE})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks (default: notebooks/[0-9]*.ipynb)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per notebook (default 120)")
    parser.add_argument("--output-dir", type=Path, help="write executed copies here")
    parser.add_argument("--clear", action="store_true", help="strip outputs in place and exit")
    parser.add_argument("--check-clean", action="store_true", help="fail if any notebook holds outputs")
    args = parser.parse_args()

    paths = [resolve(p) for p in args.notebooks] or sorted(HERE.glob("[0-9]*.ipynb"))
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1

    if args.clear or args.check_clean:
        dirty = []
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            if clear(nb):
                dirty.append(path.name)
                if args.clear:
                    nbformat.write(nb, path)
        if args.check_clean and dirty:
            print("notebooks with outputs (run `python notebooks/execute.py --clear`): "
                  + ", ".join(dirty), file=sys.stderr)
            return 1
        print(("cleared: " + ", ".join(dirty)) if args.clear and dirty else "all notebooks are clean")
        return 0

    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    failed = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            timeout=int(args.timeout),          # per cell; the whole notebook is checked below
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        start = time.monotonic()
        error = None
        try:
            client.execute()
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
            error = exc
        elapsed = time.monotonic() - start
        if error is None and elapsed > args.timeout:
            error = f"took {elapsed:.1f} s, over the limit of {args.timeout:.0f} s"
        if args.output_dir:
            args.output_dir.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, args.output_dir / path.name)
        status = "ok" if error is None else "FAILED"
        print(f"{path.name:36} {elapsed:6.1f} s  {status}", flush=True)
        if error is not None:
            print(str(error), file=sys.stderr)
            failed.append(path.name)

    print(f"{len(paths) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
